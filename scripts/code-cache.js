#!/usr/bin/env node
// Writes dist/bvirsh.js.cache, the V8 code cache bin/run.js compiles the
// bundle with. Run by scripts/bundle.js in a fresh node (no flags: V8 only
// accepts a cache made under the flags it runs with). The bundle is compiled
// exactly as bin/run.js does (same wrapper, same file name), then a few
// commands run against the in-memory test:///default node, so that the cache
// also holds the functions a command's start-up compiles (list, dominfo, the
// test driver, the XML reader, a script read from stdin), not only the top
// level.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const dist = path.resolve(__dirname, '..', 'dist');
const bundle = path.join(dist, 'bvirsh.js');
const out = `${bundle}.cache`;

const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'latin1')), { filename: bundle });
const mod = new Module(bundle, module);
mod.filename = bundle;
mod.paths = Module._nodeModulePaths(dist);
Module._cache[bundle] = mod;
script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dist);
mod.loaded = true;
// A command string, then (when stdin has lines: scripts/bundle.js gives a
// few) the stdin-script path; stdout is a pipe there, so the direct-stdout
// stand-in (src/cli/direct-stdio.ts) is cached too.
const { main } = mod.exports;
main(['-c', 'test:///default', 'list --all; dominfo test; domstate test; nodeinfo'])
  // (never from a terminal: that would be the interactive shell)
  .then(() => (require('node:tty').isatty(0) ? undefined : main(['-c', 'test:///default'])))
  .then(
  () => {
    fs.writeFileSync(out, script.createCachedData());
  },
  (err) => {
    process.stderr.write(`code-cache: ${err.stack || err}\n`);
    process.exitCode = 1;
  },
);
