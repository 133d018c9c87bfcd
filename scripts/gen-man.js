#!/usr/bin/env node
// Regenerates what is generated from the command metadata
// (oclif.manifest.json, through dist/src/cli/man.js): man/bvirsh.1 and the
// command table in README.md. `npm run man` builds first.
// `--out FILE` writes only the man page, to FILE (the staleness test
// compares a fresh copy with the committed one).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { manPage, withReadmeTable } = require(path.join(root, 'dist', 'src', 'cli', 'man.js'));
const i = process.argv.indexOf('--out');
if (i !== -1) {
  fs.writeFileSync(path.resolve(process.argv[i + 1]), manPage());
} else {
  const man = path.join(root, 'man', 'bvirsh.1');
  fs.mkdirSync(path.dirname(man), { recursive: true });
  fs.writeFileSync(man, manPage());
  const readme = path.join(root, 'README.md');
  fs.writeFileSync(readme, withReadmeTable(fs.readFileSync(readme, 'utf8')));
  process.stdout.write('man/bvirsh.1, README.md command table\n');
}
