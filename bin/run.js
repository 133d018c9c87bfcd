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

/**
 * Load the bundle as require() would, but compiled with the V8 code cache
 * scripts/bundle.js wrote beside it (dist/bvirsh.js.cache): compiling the
 * half-megabyte file from scratch is a large part of a command's start-up.
 * V8 checks the cache against the source and its own version and flags and
 * ignores it when it does not fit (then this is an ordinary compile).
 * Returns undefined when there is no bundle.
 */
function loadBundle() {
  const fs = require('node:fs');
  let src;
  try {
    // the bundle is ASCII (scripts/bundle.js): latin1 reads it without UTF-8 decoding
    src = fs.readFileSync(bundle, 'latin1');
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${bundle}.cache`);
  } catch { /* no cache: compiled from source */ }
  const Module = require('node:module');
  const vm = require('node:vm');
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(dist);
  Module._cache[bundle] = mod;
  const script = new vm.Script(Module.wrap(src), { filename: bundle, cachedData });
  try {
    script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dist);
  } catch (err) {
    delete Module._cache[bundle];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

let cli = loadBundle();
if (cli === undefined) {
  require(path.join(dist, 'src', 'cli', 'fast-require')).installFastRequire();
  cli = require(path.join(dist, 'src', 'cli', 'main'));
}
cli.main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err) => { process.stderr.write(`error: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
