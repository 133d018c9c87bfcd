/**
 * bvirsh-monitor and process.ts, driven with stand-in tools (tiny sh scripts
 * playing bhyve, bhyvectl and a loader, and a plan script printing the token
 * stream) so the supervisor's contract is tested independently of the XML
 * layer and of the sim tools: readiness, exit mapping, requests, the lock
 * (8 concurrent starts → one bhyve), crash back-off, orphaned bhyve control.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainState } from '../../src/core/api';
import { simHost, nativeBuildDir, type BhyveHost } from '../../src/core/bhyve/host';
import { awaitState, destroyGuest, liveness, sendRequest, startGuest } from '../../src/core/bhyve/process';
import { readLiveState } from '../../src/core/bhyve/state';

const MONITOR = join(nativeBuildDir(), 'bvirsh-monitor');

// bhyve stand-in: makes dev/vmm/NAME, logs its pid, then behaves per $T/mode.NAME:
// run (until SIGTERM → exit 1, reset flag → exit 0), chatty (run, printing a numbered tick line
// every 50 ms to its stdout, the log), crash (exit 4 after 0.3 s), fail (exit 4 now).
const FAKE_BHYVE = `#!/bin/sh
T="$FAKE_ROOT"; for a; do NAME="$a"; done
echo $$ >> "$T/pids.$NAME"
mode=$(cat "$T/mode.$NAME" 2>/dev/null || echo run)
if [ "$mode" = fail ]; then echo "bhyve: fake device setup failed" >&2; exit 4; fi
: > "$BVIRSH_SIM_ROOT/dev/vmm/$NAME"
trap 'exit 1' TERM
if [ "$mode" = crash ]; then sleep 0.3; exit 4; fi
while :; do
  if [ -f "$T/reset.$NAME" ]; then rm -f "$T/reset.$NAME"; exit 0; fi
  if [ "$mode" = chatty ]; then i=$((i + 1)); echo "fake bhyve $$ tick $i"; fi
  sleep 0.05
done
`;
const FAKE_CTL = `#!/bin/sh
T="$FAKE_ROOT"; NAME="\${1#--vm=}"
case "$2" in
  --destroy) [ -f "$BVIRSH_SIM_ROOT/dev/vmm/$NAME" ] || exit 1; rm -f "$BVIRSH_SIM_ROOT/dev/vmm/$NAME";;
  --force-reset) : > "$T/reset.$NAME";;
esac
`;
const FAKE_LOADER_FAIL = `#!/bin/sh
echo "bhyveload: cannot open disk image /nonexistent: No such file or directory" >&2
exit 1
`;

/** A plan script; `tail` are tokens after the bhyve argv (e.g. on_crash restart). */
function plan(dir: string, name: string, tail: string[] = [], loader?: string): string {
  const tokens = [...(loader ? ['loader', '2', loader, name] : []), 'bhyve', '3', join(dir, 'bin/bhyve'), '-c1', name, ...tail];
  const path = join(dir, `plan.${name}.sh`);
  writeFileSync(path, `#!/bin/sh\nprintf '${tokens.map((t) => t + '\\000').join('')}'\n`);
  chmodSync(path, 0o755);
  return path;
}

function pidsOf(dir: string, name: string): number[] {
  const p = join(dir, `pids.${name}`);
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').map(Number) : [];
}

/** Bounded poll for a condition on files the tools write. */
async function until(what: string, f: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Running (a zombie waiting for init to reap it is dead). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

describe('bvirsh-monitor (stand-in tools)', function () {
  this.timeout(20000);
  let dir: string;
  let host: BhyveHost;
  const saved = { ...process.env };

  before(function () {
    if (!existsSync(MONITOR)) {
      execFileSync('make', ['-s', '-C', join(__dirname, '../../../native/monitor')]);
    }
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-mon-'));
    execFileSync('mkdir', ['-p', join(dir, 'bin')]);
    for (const [n, body] of [['bhyve', FAKE_BHYVE], ['bhyvectl', FAKE_CTL], ['loader-fail', FAKE_LOADER_FAIL]]) {
      writeFileSync(join(dir, 'bin', n), body);
      chmodSync(join(dir, 'bin', n), 0o755);
    }
    process.env.FAKE_ROOT = dir;
    process.env.BVIRSH_NATIVE_DIR = join(dir, 'bin');
    process.env.BVIRSH_MONITOR = MONITOR;
    process.env.BVIRSH_MONITOR_SETTLE_MS = '100';
    process.env.BVIRSH_CRASH_BACKOFF_MS = '50';
    process.env.BVIRSH_CRASH_MAX = '3';
    host = simHost(join(dir, 'root'));
    // persistent guests (a definition file): their final state outlives the run
    for (const n of ['g', 'c']) writeFileSync(join(host.domainsDir, `${n}.xml`), '<domain/>\n');
  });

  afterEach(async () => {
    // never leave a supervisor or a stand-in bhyve behind
    for (const name of ['g', 'c']) {
      const st = readLiveState(host.runDir, name);
      for (const pid of [st?.monitor_pid, ...pidsOf(dir, name)]) {
        if (pid && pid > 0 && alive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      }
    }
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts bhyve, reports its pid, and destroy stops it and destroys the VM', async () => {
    const pid = await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    assert.deepEqual(pidsOf(dir, 'g'), [pid]);
    const lv = liveness(host, 'g');
    assert.equal(lv.active, true);
    assert.equal(lv.state, DomainState.Running);
    assert.equal(lv.reason, 'booted');
    assert.equal(lv.live?.bhyve_pid, pid);
    assert.ok(existsSync(join(host.vmmDir, 'g')));
    await destroyGuest(host, 'g', lv);
    const off = liveness(host, 'g');
    assert.deepEqual([off.active, off.state, off.reason], [false, DomainState.Shutoff, 'destroyed']);
    assert.equal(existsSync(join(host.vmmDir, 'g')), false);
    assert.equal(alive(pid), false);
  });

  it('a held lock over the last run\'s final state is a start in progress; over its own final state, a supervisor ending', async function () {
    if (spawnSync('flock', ['--version']).status !== 0) this.skip(); // util-linux flock(1) plays the supervisor's lock
    const lockFile = join(host.runDir, 'g.lock');
    const stopped = { name: 'g', state: 'shutoff', reason: 'destroyed', monitor_pid: 0, bhyve_pid: -1, bhyve_start: '' };
    const holder = spawn('flock', ['-x', '-o', lockFile, '-c', 'echo locked; sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    try {
      await new Promise<void>((resolve) => holder.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); }));
      // the previous supervisor (pid gone) wrote 'shutoff'; a new one holds the lock and has not written yet
      writeFileSync(join(host.runDir, 'g.json'), JSON.stringify({ ...stopped, monitor_pid: 2 ** 22 + 1 }) + '\n');
      const starting = liveness(host, 'g');
      assert.deepEqual([starting.active, starting.state, starting.reason], [true, DomainState.Running, 'booted']);
      // the holder itself wrote 'shutoff' (its pid is alive): it is ending, the guest is off
      writeFileSync(join(host.runDir, 'g.json'), JSON.stringify({ ...stopped, monitor_pid: holder.pid }) + '\n');
      const ending = liveness(host, 'g');
      assert.deepEqual([ending.state, ending.reason], [DomainState.Shutoff, 'destroyed']);
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
  });

  it('8 simultaneous starts give exactly one bhyve; the others are told it is already running', async () => {
    const p = plan(dir, 'g');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => startGuest(host, 'g', { planArgv: [p] })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const bad = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1);
    assert.equal(bad.length, 7);
    for (const r of bad) assert.equal((r.reason as Error).message, 'Requested operation is not valid: domain is already running');
    assert.equal(pidsOf(dir, 'g').length, 1);
    await destroyGuest(host, 'g', liveness(host, 'g'));
  });

  it('shutdown (SIGTERM = ACPI) ends with shut off (shutdown)', async () => {
    await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    sendRequest(host, 'g', 'shutdown', liveness(host, 'g'));
    const off = await awaitState(host, 'g', (l) => !l.active, 10000);
    assert.deepEqual([off?.state, off?.reason], [DomainState.Shutoff, 'shutdown']);
    assert.equal(existsSync(join(host.vmmDir, 'g')), false);
  });

  it('reset boots again; suspend/resume pause and continue bhyve', async () => {
    const first = await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    sendRequest(host, 'g', 'reset', liveness(host, 'g'));
    const again = await awaitState(host, 'g', (l) => (l.live?.boots ?? 0) === 2 && l.state === DomainState.Running, 10000);
    assert.ok(again, 'booted a second time');
    assert.equal(pidsOf(dir, 'g').length, 2);
    assert.notEqual(again.live?.bhyve_pid, first);
    sendRequest(host, 'g', 'suspend', again);
    const paused = await awaitState(host, 'g', (l) => l.state === DomainState.Paused, 10000);
    assert.equal(paused?.reason, 'user');
    assert.match(readFileSync(`/proc/${again.live!.bhyve_pid}/stat`, 'utf8'), /\) T /);
    sendRequest(host, 'g', 'resume', paused!);
    const running = await awaitState(host, 'g', (l) => l.state === DomainState.Running, 10000);
    assert.equal(running?.reason, 'unpaused');
    await destroyGuest(host, 'g', running!);
  });

  it('kill -9 of the monitor: the guest keeps running, stays listable, destroy works and leaves no bhyve', async () => {
    const pid = await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    const mon = readLiveState(host.runDir, 'g')!.monitor_pid;
    process.kill(mon, 'SIGKILL');
    const orphan = await awaitState(host, 'g', (l) => l.orphan, 10000);
    assert.ok(orphan);
    assert.deepEqual([orphan.active, orphan.state], [true, DomainState.Running]);
    await destroyGuest(host, 'g', orphan);
    assert.equal(alive(pid), false);
    assert.equal(existsSync(join(host.vmmDir, 'g')), false);
    const off = liveness(host, 'g');
    assert.deepEqual([off.active, off.reason], [false, 'destroyed']);
  });

  it('a guest that crashes at every boot backs off, then ends shut off (crashed) after BVIRSH_CRASH_MAX boots', async () => {
    writeFileSync(join(dir, 'mode.c'), 'crash');
    await startGuest(host, 'c', { planArgv: [plan(dir, 'c', ['on_crash', 'restart'])] });
    const off = await awaitState(host, 'c', (l) => !l.active, 15000);
    assert.deepEqual([off?.state, off?.reason], [DomainState.Shutoff, 'crashed']);
    assert.equal(pidsOf(dir, 'c').length, 3);
    assert.equal(readLiveState(host.runDir, 'c')?.crashes, 3);
    assert.equal(existsSync(join(host.vmmDir, 'c')), false);
  });

  it('log rotation at a reboot: the next bhyve writes to the fresh log through reopened fds, never to the rotated one', async () => {
    writeFileSync(join(dir, 'mode.g'), 'chatty');
    process.env.BVIRSH_LOG_MAX_BYTES = '1';
    process.env.BVIRSH_LOG_KEEP = '3';
    host = simHost(join(dir, 'root')); // the tools' environment is taken when the host is opened
    const log = join(host.logDir, 'g.log');
    const ticks = (file: string, pid: number) => (readFileSync(file, 'utf8').match(new RegExp(`^fake bhyve ${pid} tick \\d+$`, 'gm')) ?? []).length;
    const first = await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    await until('ticks of the first bhyve', () => ticks(log, first) >= 2);
    sendRequest(host, 'g', 'reset', liveness(host, 'g'));
    const again = await awaitState(host, 'g', (l) => (l.live?.boots ?? 0) === 2 && l.state === DomainState.Running, 10000);
    assert.ok(again, 'booted a second time');
    const second = again.live!.bhyve_pid;
    await until('ticks of the second bhyve', () => ticks(log, second) >= 3);
    const rotated = readFileSync(`${log}.1`, 'utf8');
    await destroyGuest(host, 'g', liveness(host, 'g'));
    assert.deepEqual(readdirSync(host.logDir).sort(), ['g.log', 'g.log.1']);
    assert.ok(ticks(`${log}.1`, first) >= 2);
    assert.deepEqual([ticks(`${log}.1`, second), ticks(log, first)], [0, 0]);
    assert.equal(readFileSync(`${log}.1`, 'utf8'), rotated, 'nothing wrote to the rotated log after the reboot');
    assert.match(readFileSync(log, 'utf8'), /log rotated: previous log in .*g\.log\.1\n/);
  });

  it('log rotation while bhyve runs: copied to NAME.log.1 and truncated in place; bhyve goes on writing to NAME.log', async () => {
    writeFileSync(join(dir, 'mode.g'), 'chatty');
    Object.assign(process.env, { BVIRSH_LOG_MAX_BYTES: '300', BVIRSH_LOG_KEEP: '2', BVIRSH_LOG_CHECK_MS: '50' });
    host = simHost(join(dir, 'root')); // the tools' environment is taken when the host is opened
    const log = join(host.logDir, 'g.log');
    const pid = await startGuest(host, 'g', { planArgv: [plan(dir, 'g')] });
    await until('two rotations', () => existsSync(`${log}.2`));
    const tickCount = () => (readFileSync(log, 'utf8').match(/^fake bhyve \d+ tick \d+$/gm) ?? []).length;
    await until('ticks after the last rotation', () => tickCount() >= 2);
    await destroyGuest(host, 'g', liveness(host, 'g'));
    assert.deepEqual(readdirSync(host.logDir).sort(), ['g.log', 'g.log.1', 'g.log.2']);
    assert.deepEqual(pidsOf(dir, 'g'), [pid], 'no reboot: one bhyve wrote all of it');
    const texts = [`${log}.2`, `${log}.1`, log].map((f) => readFileSync(f, 'utf8'));
    // O_APPEND: after the truncation bhyve writes at the new end, not into a hole at its old offset
    for (const t of texts) assert.equal(t.includes('\0'), false);
    assert.match(texts[0], /log rotated: continued in .*g\.log \(copied, then emptied: bhyve keeps it open\)\n/);
    assert.match(texts[2], /log rotated: previous log in .*g\.log\.1\n/);
    // oldest to newest, the ticks only go up (a few may fall between a copy and its truncation)
    const ticks = texts.flatMap((t) => [...t.matchAll(new RegExp(`^fake bhyve ${pid} tick (\\d+)$`, 'gm'))].map((m) => Number(m[1])));
    assert.ok(ticks.length >= 6, `ticks: ${ticks.join(' ')}`);
    assert.deepEqual(ticks, [...ticks].sort((a, b) => a - b));
    assert.equal(new Set(ticks).size, ticks.length, 'no line is in two logs');
  });

  it('a failing loader is a start error with the loader\'s words; nothing is left running', async () => {
    await assert.rejects(startGuest(host, 'g', { planArgv: [plan(dir, 'g', [], join(dir, 'bin/loader-fail'))] }),
      (e: Error) => e.message.startsWith('internal error: ') && e.message.includes('bhyveload: cannot open disk image /nonexistent'));
    assert.deepEqual(pidsOf(dir, 'g'), []);
    const lv = liveness(host, 'g');
    assert.deepEqual([lv.active, lv.reason], [false, 'failed']);
  });

  it('bhyve failing at start is a start error with bhyve\'s words', async () => {
    writeFileSync(join(dir, 'mode.g'), 'fail');
    await assert.rejects(startGuest(host, 'g', { planArgv: [plan(dir, 'g')] }),
      (e: Error) => e.message.includes('exit status 4') && e.message.includes('bhyve: fake device setup failed'));
    assert.equal(liveness(host, 'g').active, false);
  });
});
