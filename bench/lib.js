// Helpers shared by the benchmarks (bench/*.bench.js): timing external
// commands, medians, and where bvirsh and virsh are.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bvirshBin = path.join(root, 'bin', 'run.js');

/** Wall time (ms) of one run of argv; throws if it fails. */
function timeOnce(argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { input: opts.input ?? '', env: opts.env ?? process.env, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFailure) {
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  }
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall time of each command, runs interleaved so that machine load
 *  hits them alike. commands: { label: { argv, input?, env? } } */
function compare(commands, runs) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const c of Object.values(commands)) timeOnce(c.argv, c); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of Object.entries(commands)) times[k].push(timeOnce(c.argv, c));
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}

function hasVirsh() {
  return spawnSync('virsh', ['--version']).status === 0;
}

/** Fail clearly when a command this benchmark needs is not built in. */
function requireCommands(...ids) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
  } catch {
    throw new Error('oclif.manifest.json missing: run `npm run build`');
  }
  const missing = ids.filter((id) => !manifest.commands[id]);
  if (missing.length > 0) throw new Error(`needs command(s) not built yet: ${missing.join(', ')}`);
}

module.exports = { root, bvirshBin, timeOnce, median, compare, hasVirsh, requireCommands };
