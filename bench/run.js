#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.bench.js that exports run() (each returns
 * [{ name, value, unit, baseline }]) one after the other and prints the figures.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

(async () => {
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort();
  for (const f of files) {
    const mod = require(path.join(__dirname, f));
    if (typeof mod.run !== 'function') continue;
    console.log(`# ${f}`);
    for (const r of await mod.run()) console.log(`${r.name}: ${r.value} ${r.unit}  (baseline: ${r.baseline})`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
