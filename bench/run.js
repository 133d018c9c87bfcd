#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in name order and prints each
// figure beside its baseline measured in the same run:
//   name  value  baseline  ratio  goal
// A benchmark file exports `name` and `async run()` returning rows
// { name, value, baseline, baselineName, unit, goal } (goal: the largest
// acceptable value/baseline ratio). Speed is never asserted by `npm test`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);

async function main() {
  const only = process.argv.slice(2);
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  console.log(`${pad('benchmark', 52)}${lpad('value', 11)}${lpad('baseline', 11)}  ${pad('(baseline is)', 16)}${lpad('ratio', 7)}  goal`);
  let failed = 0;
  let missed = 0;
  for (const f of files) {
    const bench = require(path.join(__dirname, f));
    let rows;
    try {
      rows = await bench.run();
    } catch (e) {
      failed++;
      console.log(`${pad(bench.name || f, 52)}FAILED: ${e.message}`);
      continue;
    }
    for (const r of rows) {
      const ratio = r.value / r.baseline;
      // goal: the largest acceptable value/baseline ratio; atLeast / atMost: an absolute
      // goal on the value itself (throughput, sizes), in the row's unit.
      let goal = '';
      let ok = true;
      if (r.goal !== undefined) { ok = ratio <= r.goal; goal = `<= ${r.goal}x`; }
      if (r.atLeast !== undefined) { ok = r.value >= r.atLeast; goal = `>= ${r.atLeast} ${r.unit}`; }
      if (r.atMost !== undefined) { ok = r.value <= r.atMost; goal = `<= ${r.atMost} ${r.unit}`; }
      if (!ok) missed++;
      const unit = r.unit || 'ms';
      const num = (v) => (v >= 1000 ? Math.round(v).toString() : v.toFixed(1));
      console.log(`${pad(r.name, 52)}${lpad(`${num(r.value)} ${unit}`, 11)}${lpad(`${num(r.baseline)} ${unit}`, 11)}  ` +
        `${pad(r.baselineName, 16)}${lpad(`${ratio.toFixed(2)}x`, 7)}  ${goal ? `${goal} ${ok ? 'met' : 'MISSED'}` : ''}`);
      if (r.note) console.log(`    (${r.note})`);
    }
  }
  console.log(`\n${files.length} benchmark file(s), ${failed} failed, ${missed} goal(s) missed`);
  if (failed > 0) process.exitCode = 1;
}

main();
