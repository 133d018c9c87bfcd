#!/usr/bin/env node
// Writes man/bvirsh.1 from the command metadata (oclif.manifest.json via
// dist/src/cli/man.js). `npm run man` builds first. `--out FILE` writes
// elsewhere (the staleness test compares a fresh copy with the committed one).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const i = process.argv.indexOf('--out');
const out = i === -1 ? path.join(root, 'man', 'bvirsh.1') : path.resolve(process.argv[i + 1]);
const { manPage } = require(path.join(root, 'dist', 'src', 'cli', 'man.js'));
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, manPage());
process.stdout.write(`${path.relative(process.cwd(), out) || out}\n`);
