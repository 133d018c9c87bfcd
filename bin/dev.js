#!/usr/bin/env node
// Development entry: the same CLI on the TypeScript sources, through tsx
// (no build needed; oclif.manifest.json must exist: `npm run build` once).
'use strict';
require('tsx/cjs');
require('../src/cli/fast-require').installFastRequire(require('node:path').resolve(__dirname, '../src'));
require('../src/cli/main').main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err) => { process.stderr.write(`error: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
