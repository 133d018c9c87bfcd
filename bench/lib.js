// Helpers shared by the benchmarks (bench/*.bench.js): timing external
// commands, medians, and where bvirsh and virsh are.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bvirshBin = path.join(root, 'bin', 'run.js');

// GNU time reports the child's CPU time (user + sys), which machine load
// distorts far less than wall time; used when present.
const gnuTime = fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0 ? '/usr/bin/time' : undefined;

/** One run of argv: { wall, cpu } in ms (cpu undefined without GNU time); throws if it fails. */
function timeOnce(argv, opts = {}) {
  const full = gnuTime ? [gnuTime, '-f', '@@cpu %U %S', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { input: opts.input ?? '', env: opts.env ?? process.env, maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFailure) {
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  }
  const m = /@@cpu ([\d.]+) ([\d.]+)\s*$/.exec(String(r.stderr));
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall and CPU time of each command, runs interleaved so that
 *  machine load hits them alike. commands: { label: { argv, input?, env? } }
 *  → { label: { wall, cpu } } */
function compare(commands, runs) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, { wall: [], cpu: [] }]));
  for (const c of Object.values(commands)) timeOnce(c.argv, c); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of Object.entries(commands)) {
      const t = timeOnce(c.argv, c);
      times[k].wall.push(t.wall);
      if (t.cpu !== undefined) times[k].cpu.push(t.cpu);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { wall: median(t.wall), cpu: t.cpu.length ? median(t.cpu) : undefined }]));
}

/** Rows for one comparison: wall time (with the goal) and, when known, CPU time. */
function rows(name, t, ours, base, baselineName, goal) {
  const out = [{ name, value: t[ours].wall, baseline: t[base].wall, baselineName, goal }];
  if (t[ours].cpu !== undefined && t[base].cpu !== undefined) {
    out.push({ name: '  same, CPU time (user+sys)', value: t[ours].cpu, baseline: t[base].cpu, baselineName });
  }
  return out;
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

module.exports = { root, bvirshBin, timeOnce, median, compare, rows, hasVirsh, requireCommands };
