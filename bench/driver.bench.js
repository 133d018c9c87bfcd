#!/usr/bin/env node
/**
 * Benchmark of the bhyve driver on a simulated host (issue 5), each figure
 * beside a baseline measured in the same run:
 *   - start→running latency through the core API (supervisor + plan + loader-less
 *     UEFI guest) and through the CLI, vs spawning the sim bhyve directly until
 *     its VM exists;
 *   - bvirsh-monitor resident size per running guest (goal ≤ 2 MiB), vs sleep(1);
 *   - 20 guests started and stopped in a loop, with a check that no process,
 *     fd or file leaks (the run fails if one does).
 * Standalone: npm run build && node bench/driver.bench.js
 * or through bench/run.js: run() -> [{ name, value, unit, baseline, baselineName, note }].
 */
'use strict';
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { open } = require(path.join(ROOT, 'dist/src/core/connect.js'));
const { nativeBuildDir } = require(path.join(ROOT, 'dist/src/core/bhyve/host.js'));
const BIN = nativeBuildDir();

function xml(name, disk) {
  return `<domain type='bhyve'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os firmware='efi'><type>hvm</type></os>
<devices><disk type='file' device='disk'><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function waitFor(cond, what, limitMs = 20000) {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function ours(dir) {
  const r = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(dir) && !/^\s*\d+\s+Z/.test(l)
    && (l.includes(path.join(BIN, 'bhyve ')) || l.includes('bvirsh-monitor')));
}

function fdCount() {
  return fs.readdirSync('/proc/self/fd').length;
}

async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-bench-'));
  const disk = path.join(dir, 'disk.img');
  fs.writeFileSync(disk, '');
  fs.truncateSync(disk, 1 << 20);
  const conn = await open(`sim://${dir}`);
  const results = [];
  try {
    // --- baseline: the sim bhyve spawned directly, until its VM exists
    const fw = path.join(dir, 'usr/local/share/uefi-firmware/BHYVE_UEFI.fd');
    const direct = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      const p = spawn(path.join(BIN, 'bhyve'), ['-c', '1', '-m', '64', '-H', '-s', '0:0,hostbridge', '-s', '31,lpc',
        '-l', `bootrom,${fw}`, 'direct'], { env: { ...process.env, BVIRSH_SIM_ROOT: dir }, stdio: 'ignore' });
      await waitFor(() => fs.existsSync(path.join(dir, 'dev/vmm/direct')), 'direct bhyve');
      direct.push(ms(t0));
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
      execFileSync(path.join(BIN, 'bhyvectl'), ['--vm=direct', '--destroy'], { env: { ...process.env, BVIRSH_SIM_ROOT: dir } });
    }

    // --- start→running through the core API and through the CLI
    await conn.defineXML(xml('lat', disk));
    const dom = await conn.lookupByName('lat');
    const api = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      await dom.create();
      api.push(ms(t0));
      await dom.destroy();
    }
    const cli = [];
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      execFileSync(process.execPath, [path.join(ROOT, 'bin/run.js'), '-c', `sim://${dir}`, 'start', 'lat'], { stdio: 'ignore' });
      cli.push(ms(t0));
      await dom.destroy();
    }
    results.push({ name: 'driver: start→running, core API (median of 5)', value: median(api), unit: 'ms',
      baseline: median(direct), baselineName: 'bhyve spawned', note: `includes the supervisor's ${process.env.BVIRSH_MONITOR_SETTLE_MS ?? 200} ms settle window` });
    results.push({ name: 'driver: start→running, `bvirsh start` (median of 3)', value: median(cli), unit: 'ms',
      baseline: median(api), baselineName: 'core API' });

    // --- 20 guests started and stopped in a loop; monitor RSS while they run
    const N = 20;
    for (let i = 0; i < N; i++) await conn.defineXML(xml(`g${i}`, disk));
    const doms = await Promise.all(Array.from({ length: N }, (_, i) => conn.lookupByName(`g${i}`)));
    const runDir = path.join(dir, 'var/run/bvirsh');
    const fds0 = fdCount();
    let files0;
    const cycles = 3;
    const t0 = process.hrtime.bigint();
    let rss = [];
    let sleepRss = NaN;
    let nodeRss = NaN;
    for (let c = 0; c < cycles; c++) {
      for (const d of doms) await d.create();
      if (c === 0) {
        const pids = doms.map((d) => JSON.parse(fs.readFileSync(path.join(runDir, `${d.getName()}.json`), 'utf8')).monitor_pid);
        rss = pids.map(rssKiB);
        // baselines: sleep(1) and an idle node (what a guest would cost with a Node supervisor)
        const sl = spawn('sleep', ['30'], { stdio: 'ignore' });
        const nd = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setTimeout(() => {}, 30000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
        await new Promise((r) => nd.stdout.once('data', r));
        await waitFor(() => { try { return fs.readlinkSync(`/proc/${sl.pid}/exe`).endsWith('sleep') && rssKiB(sl.pid) > 100; } catch { return false; } }, 'sleep');
        sleepRss = rssKiB(sl.pid);
        nodeRss = rssKiB(nd.pid);
        sl.kill('SIGKILL');
        nd.kill('SIGKILL');
      }
      for (const d of doms) await d.destroy();
      const files = fs.readdirSync(runDir).sort().join(',');
      if (c === 0) files0 = files;
      else if (files !== files0) throw new Error(`run dir changed between cycles: ${files0} -> ${files}`);
    }
    const loopMs = ms(t0);
    const left = ours(dir);
    if (left.length) throw new Error(`leaked processes:\n${left.join('\n')}`);
    if (fs.readdirSync(path.join(dir, 'dev/vmm')).length) throw new Error('leaked VMs in dev/vmm');
    const fdsLeaked = fdCount() - fds0;
    if (fdsLeaked > 0) throw new Error(`leaked ${fdsLeaked} fds`);
    results.push({ name: 'driver: bvirsh-monitor RSS per guest', value: median(rss) / 1024, unit: 'MiB', atMost: 2,
      baseline: nodeRss / 1024, baselineName: 'idle node', note: `max ${(Math.max(...rss) / 1024).toFixed(2)} MiB over ${N} guests; sleep(1): ${(sleepRss / 1024).toFixed(2)} MiB` });
    results.push({ name: `driver: ${N} guests started+destroyed, per cycle`, value: loopMs / cycles, unit: 'ms',
      baseline: 2 * N * median(direct), baselineName: '2×N bhyve spawns', note: `${cycles} cycles; leaked: 0 processes, 0 fds, 0 files (checked)` });
  } finally {
    await conn.close();
    for (const l of ours(dir)) { try { process.kill(Number(l.trim().split(/\s+/)[0]), 'SIGKILL'); } catch { /* gone */ } }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

module.exports = { name: 'bhyve driver (sim)', run };

if (require.main === module) {
  run().then((rs) => {
    for (const r of rs) {
      console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}  (baseline ${r.baselineName}: ${r.baseline.toFixed(2)} ${r.unit})${r.note ? `  ${r.note}` : ''}`);
    }
  }).catch((e) => { console.error(e); process.exit(1); });
}
