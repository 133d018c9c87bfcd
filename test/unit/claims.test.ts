/**
 * Start-time claims on taps and VNC ports (src/core/bhyve/claims.ts): taken
 * exclusively, expired after their TTL, and taken over only under the claims
 * lock, so two starters never both take over one stale claim. Another process
 * holds the lock here through util-linux flock(1) (the same flock(2) lock).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BhyveHost } from '../../src/core/bhyve/host';
import { claimedByOthers, releaseClaims, tryClaim } from '../../src/core/bhyve/claims';
import { VirError } from '../../src/core/errors';
import { withFileLock } from '../../src/core/vmm';

describe('claims (taps and VNC ports of guests being started)', () => {
  let runDir: string;
  let host: BhyveHost;
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'bvirsh-claims-'));
    host = { runDir } as BhyveHost; // claims only use the run directory
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  const claimFile = (v: string) => join(runDir, `.claim.tap.${v}`);
  const expire = (file: string) => {
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
  };

  it('a value is one guest\'s until released; its own claim may be taken again; others see it taken', () => {
    assert.equal(tryClaim(host, 'tap', 'tap0', 'a'), true);
    assert.equal(tryClaim(host, 'tap', 'tap0', 'b'), false);
    assert.equal(tryClaim(host, 'tap', 'tap0', 'a'), true);
    assert.equal(tryClaim(host, 'vnc', '5900', 'b'), true);
    assert.deepEqual(claimedByOthers(host, 'b'), { tap: new Set(['tap0']), vnc: new Set() });
    releaseClaims(host, 'a');
    assert.equal(existsSync(claimFile('tap0')), false);
    assert.equal(readFileSync(join(runDir, '.claim.vnc.5900'), 'utf8'), 'b', 'only the guest\'s own claims go');
  });

  it('an expired claim (its starter died) is taken over', () => {
    writeFileSync(claimFile('tap1'), 'dead');
    expire(claimFile('tap1'));
    assert.deepEqual(claimedByOthers(host, 'x').tap, new Set());
    assert.equal(tryClaim(host, 'tap', 'tap1', 'x'), true);
    assert.equal(readFileSync(claimFile('tap1'), 'utf8'), 'x');
  });

  it('a takeover waits for the claims lock and then sees what the lock holder did', async function () {
    if (spawnSync('flock', ['--version']).status !== 0) this.skip(); // util-linux flock(1)
    writeFileSync(claimFile('tap2'), 'dead');
    expire(claimFile('tap2'));
    // Another starter holds the lock, takes over the stale claim itself, then lets go.
    const other = spawn('flock', ['-x', '-o', join(runDir, '.claims.lock'), '-c', `echo locked; sleep 0.3; printf other > ${claimFile('tap2')}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      other.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
      other.once('exit', (code) => reject(new Error(`flock(1) exited (${code}) before it held the lock`)));
    });
    // Without the lock this would see the expired claim and take it (true).
    assert.equal(tryClaim(host, 'tap', 'tap2', 'mine'), false);
    assert.equal(readFileSync(claimFile('tap2'), 'utf8'), 'other');
  });

  it('withFileLock gives up with a VirError when the holder does not let go in time', async function () {
    if (spawnSync('flock', ['--version']).status !== 0) this.skip(); // util-linux flock(1)
    const lock = join(runDir, 'x.lock');
    // -o: only flock(1) itself holds the lock; its own process group, so one kill ends all
    const holder = spawn('flock', ['-x', '-o', lock, '-c', 'echo locked; sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    try {
      await new Promise<void>((resolve) => holder.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); }));
      let ran = false;
      assert.throws(() => withFileLock(lock, () => { ran = true; }, 50), (e: unknown) => e instanceof VirError && /flock/.test(e.message));
      assert.equal(ran, false);
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
    await new Promise((r) => holder.once('exit', r));
    // the holder died: the kernel dropped its lock
    assert.equal(withFileLock(lock, () => 42, 5000), 42);
  });
});
