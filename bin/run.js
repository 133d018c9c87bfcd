#!/usr/bin/env node
// Production entry: runs the compiled CLI. Start-up is kept short: the CLI,
// its commands and the core are one file, dist/bvirsh.js (scripts/bundle.js),
// in which '@oclif/core' is src/cli/oclif-lite; without that file the
// modules in dist/src are loaded with the same redirection
// (src/cli/fast-require.ts).
'use strict';
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'bvirsh.js');
let cli;
try {
  cli = require(bundle);
} catch (err) {
  // Only a missing bundle falls back; a module missing inside it is an error.
  if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).startsWith(`Cannot find module '${bundle}'`)) throw err;
  require(path.join(dist, 'src', 'cli', 'fast-require')).installFastRequire();
  cli = require(path.join(dist, 'src', 'cli', 'main'));
}
cli.main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err) => { process.stderr.write(`error: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
