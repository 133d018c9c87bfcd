#!/usr/bin/env node
// Production entry: runs the compiled CLI in dist/. Start-up is kept short:
// only the command's own file is loaded (see src/cli/fast-require.ts).
'use strict';
require('../dist/src/cli/fast-require').installFastRequire();
require('../dist/src/cli/main').main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err) => { process.stderr.write(`error: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
