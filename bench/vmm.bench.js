#!/usr/bin/env node
/**
 * Benchmark of the native layer (issue 4): vmm addon statistics reads per
 * second, each beside a baseline measured in the same run, and the resident
 * size of the simulated bhyve beside sleep(1)'s. Standalone:
 *   npm run build && node bench/vmm.bench.js
 * or require() it and call run() -> array of { name, value, unit, baseline }.
 * Needs the built addon and sim tools (npm install) and the compiled facade (dist/).
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const vmm = require(path.join(__dirname, '..', 'dist', 'src', 'core', 'vmm.js'));

function rate(fn, ms = 1000) {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(ms) * 1000000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
  }
  return Math.round(n / (ms / 1000));
}

async function asyncRate(fn, ms = 1000, depth = 64) {
  let n = 0;
  const end = Date.now() + ms;
  async function lane() {
    while (Date.now() < end) {
      await fn();
      n++;
    }
  }
  await Promise.all(Array.from({ length: depth }, lane));
  return Math.round(n / (ms / 1000));
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function waitFor(probe, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function run() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-bench-'));
  const bhyve = spawn(path.join(vmm.nativeBuildDir(), 'bhyve'),
    ['-c', '2', '-m', '1G', '-s', '0,hostbridge', '-s', '31,lpc', '-l', 'bootrom,/dev/null', 'bench1'],
    { env: { ...process.env, BVIRSH_SIM_ROOT: root }, stdio: 'ignore' });
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  const results = [];
  try {
    const h = await waitFor(() => vmm.openVM('bench1', { simRoot: root }));
    const native = await vmm.loadVmm().open('bench1', root);
    const buf = new BigUint64Array(64);
    const statFile = path.join(root, 'dev', 'vmm', 'bench1');
    const baseStat = rate(() => fs.statSync(statFile));
    results.push({ name: 'vmm addon: stats reads (raw values)', value: rate(() => native.statsSync(0, buf)), unit: '/s', baseline: baseStat, baselineName: 'fs.statSync', atLeast: 100000 });
    results.push({ name: 'vmm facade: statsSync (Map by description)', value: rate(() => h.statsSync(0)), unit: '/s', baseline: baseStat, baselineName: 'fs.statSync' });
    const baseAsync = await asyncRate(() => fs.promises.stat(statFile));
    results.push({ name: 'vmm facade: stats() off the main thread', value: await asyncRate(() => h.stats(0)), unit: '/s', baseline: baseAsync, baselineName: 'fs.promises.stat' });
    native.close();
    h.close();
    // let the guest boot and its memory counters settle before sampling RSS
    await new Promise((r) => setTimeout(r, 1000));
    results.push({ name: 'sim bhyve RSS (1 GiB, 2 vCPU guest, booted)', value: rssKiB(bhyve.pid), unit: 'KiB', baseline: rssKiB(sleeper.pid), baselineName: 'sleep(1)', atMost: 2048 });
  } finally {
    bhyve.kill('SIGKILL');
    sleeper.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  }
  return results;
}

module.exports = { name: 'vmm addon and sim bhyve', run };

if (require.main === module) {
  run().then((rs) => {
    for (const r of rs) console.log(`${r.name}: ${r.value} ${r.unit}  (baseline ${r.baselineName}: ${r.baseline} ${r.unit})`);
  }, (e) => {
    console.error(e);
    process.exit(1);
  });
}
