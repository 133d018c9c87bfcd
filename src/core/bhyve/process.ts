/**
 * Running guests through bvirsh-monitor (DESIGN §4): start (spawn the detached
 * supervisor and wait for its readiness report), requests to it (shutdown,
 * reboot, destroy, reset, suspend, resume), liveness (the lock, not a pid
 * file), stale-state cleanup, and control of an orphaned bhyve whose
 * supervisor was killed (the guest keeps running and stays controllable).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainState } from '../api';
import { isLockHeld } from '../vmm';
import { VirError } from '../errors';
import type { BhyveHost } from './host';
import { projectRoot } from './host';
import { atomicWriteFile, pidAlive, readIfExists, readLiveState, unlinkIfExists, writeLiveState, type LiveState } from './state';

export interface Liveness {
  active: boolean;
  state: DomainState;
  reason: string;
  live?: LiveState;
  /** the supervisor is gone but its bhyve still runs */
  orphan: boolean;
}

/** The guest's log: supervisor, loader and bhyve output (rotated by the monitor). */
export function logPath(host: BhyveHost, name: string): string {
  return join(host.logDir, `${name}.log`);
}

/** Is the supervisor's lock held? flock probe: the addon's, else the monitor binary's. */
export function lockHeld(host: BhyveHost, name: string): boolean {
  const path = join(host.runDir, `${name}.lock`);
  try {
    return isLockHeld(path);
  } catch { /* addon not built: ask the monitor binary */ }
  const r = spawnSync(host.tools.monitor, ['--probe-lock', path], { stdio: 'ignore' });
  if (r.error) throw monitorMissing(host, r.error);
  return r.status === 3;
}

function monitorMissing(host: BhyveHost, e: Error): VirError {
  return new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot run the supervisor ${host.tools.monitor}: ${e.message}`, {
    detail: 'bvirsh-monitor is not built: run `npm install` (or `make -C native/monitor`)',
  });
}

/** Start time of a process in the monitor's encoding (see monitor.c proc_start_time). */
export function procStartTime(pid: number): string | undefined {
  if (process.platform === 'linux') {
    const stat = readIfExists(`/proc/${pid}/stat`);
    if (!stat) return undefined;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall
  }
  // FreeBSD (untested): ki_start seconds ≈ now − elapsed seconds
  const r = spawnSync('/bin/ps', ['-o', 'etimes=', '-p', String(pid)], { encoding: 'utf8' });
  const el = Number.parseInt(r.stdout ?? '', 10);
  return Number.isFinite(el) ? String(Math.floor(Date.now() / 1000) - el) : undefined;
}

/** Is `live.bhyve_pid` still the bhyve the monitor started (not a recycled pid)? */
export function bhyveAlive(live: LiveState | undefined): boolean {
  if (!live || !(live.bhyve_pid > 0) || !pidAlive(live.bhyve_pid)) return false;
  if (processState(live.bhyve_pid) === 'Z') return false; // dead, waiting for init to reap it
  const now = procStartTime(live.bhyve_pid);
  if (now === undefined || live.bhyve_start === '') return false;
  if (process.platform === 'linux') return now === live.bhyve_start;
  return Math.abs(Number(now) - Number(live.bhyve_start)) <= 2;
}

/** The process's state letter (R, S, T, Z …), '' when unknown. */
function processState(pid: number): string {
  if (process.platform === 'linux') {
    const stat = readIfExists(`/proc/${pid}/stat`);
    return stat ? stat.charAt(stat.lastIndexOf(')') + 2) : '';
  }
  const r = spawnSync('/bin/ps', ['-o', 'state=', '-p', String(pid)], { encoding: 'utf8' }); // FreeBSD, untested
  return (r.stdout ?? '').trim().charAt(0);
}

function processStopped(pid: number): boolean {
  return /^[Tt]$/.test(processState(pid));
}

const STATE_OF: Record<LiveState['state'], DomainState> = {
  starting: DomainState.Running,
  running: DomainState.Running,
  paused: DomainState.Paused,
  crashed: DomainState.Crashed,
  shutoff: DomainState.Shutoff,
};

/** What state is the guest in? Cleans stale state unless `readonly`. */
export function liveness(host: BhyveHost, name: string, readonly = false): Liveness {
  // the lock first: once it is free the state file is final (read it after)
  const held = lockHeld(host, name);
  let live = readLiveState(host.runDir, name);
  if (held) {
    // A held lock over a 'shutoff' state: either the holder is ending (it wrote its final
    // state and is about to exit) or it is a new supervisor that has not yet recorded its
    // start over the last run's state. Only the first names the holder in the state.
    const starting = !live || (live.state === 'shutoff' && !pidAlive(live.monitor_pid));
    const st = starting ? 'starting' : live!.state;
    return { active: true, state: STATE_OF[st] ?? DomainState.Running, reason: starting ? 'booted' : live!.reason, live, orphan: false };
  }
  if (bhyveAlive(live)) {
    const paused = processStopped(live!.bhyve_pid);
    return { active: true, state: paused ? DomainState.Paused : DomainState.Running, reason: paused ? 'user' : live!.reason, live, orphan: true };
  }
  const stale = (live && live.state !== 'shutoff') || existsSync(join(host.vmmDir, name));
  if (stale && !readonly) {
    cleanupStale(host, name, live);
    live = readLiveState(host.runDir, name); // what the cleanup recorded: the same answer as every later call
  } else if (stale && live && live.state !== 'shutoff') {
    live = { ...live, state: 'shutoff', reason: 'crashed' }; // read-only: what a cleanup will record
  }
  if (live?.state === 'shutoff' && !readonly && !existsSync(join(host.domainsDir, `${name}.xml`))) {
    // a guest undefined while it ran was transient since; now that it stopped it is gone
    unlinkIfExists(join(host.runDir, `${name}.xml`));
    unlinkIfExists(join(host.runDir, `${name}.json`));
    return { active: false, state: DomainState.Shutoff, reason: live.reason, live: undefined, orphan: false };
  }
  if (live?.state === 'shutoff') return { active: false, state: DomainState.Shutoff, reason: live.reason, live, orphan: false };
  return { active: false, state: DomainState.Shutoff, reason: 'unknown', live: undefined, orphan: false };
}

/** A supervisor that died (crash, kill -9, power loss): destroy what it left. */
export function cleanupStale(host: BhyveHost, name: string, live?: LiveState): void {
  if (existsSync(join(host.vmmDir, name))) runCtl(host, name, ['--destroy']);
  unlinkIfExists(join(host.runDir, `${name}.req`));
  for (const f of safeReaddir(host.runDir)) {
    if (f.startsWith(`${name}.`) && f.endsWith('.sock')) unlinkIfExists(join(host.runDir, f));
  }
  if (host.kind === 'real') {
    for (const tap of live?.taps ?? []) spawnSync(host.tools.ifconfig, [tap, 'destroy'], { stdio: 'ignore' });
  }
  // a transient guest's definition lives in the run dir and goes with it, as does
  // the definition a persistent one booted from (plan.ts bootedDefinitionPath)
  unlinkIfExists(join(host.runDir, `${name}.xml`));
  unlinkIfExists(join(host.runDir, `${name}.booted`));
  if (live && live.state !== 'shutoff') {
    writeLiveState(host.runDir, { ...live, state: 'shutoff', reason: 'crashed', bhyve_pid: -1, bhyve_start: '', last_exit: live.last_exit || 'supervisor lost' });
  }
  if (!existsSync(join(host.domainsDir, `${name}.xml`))) unlinkIfExists(join(host.runDir, `${name}.json`));
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

export function runCtl(host: BhyveHost, name: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(host.tools.bhyvectl, [`--vm=${name}`, ...args], { env: host.toolEnv, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr ?? '' };
}

/**
 * Lowest positive id no live guest uses (ids are per boot of the guest, as libvirt's).
 * A state file left by a dead supervisor (power loss) holds no id: only a held
 * lock or a still-running bhyve does.
 */
export function allocateID(host: BhyveHost): number {
  const used = new Set<number>();
  for (const f of safeReaddir(host.runDir)) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    let st: LiveState;
    try {
      st = JSON.parse(readFileSync(join(host.runDir, f), 'utf8')) as LiveState;
    } catch { continue; /* being rewritten */ }
    if (st.state === 'shutoff' || !(st.id > 0)) continue;
    if (lockHeld(host, f.slice(0, -5)) || bhyveAlive(st)) used.add(st.id);
  }
  let id = 1;
  while (used.has(id)) id++;
  return id;
}

export interface StartOptions {
  /** argv of the hidden plan command the monitor runs before each boot */
  planArgv?: string[];
  /** the first boot's plan tokens, already built (saves a plan-command run) */
  firstPlan?: Buffer;
  /** VIR_DOMAIN_START_AUTODESTROY: the supervisor destroys the guest once this
   *  process (the connection) has ended, even if it was killed */
  autodestroy?: boolean;
}

/** The hidden plan command: node + the compiled plan entry, for this host. */
export function defaultPlanArgv(host: BhyveHost, name: string): string[] {
  return [process.execPath, join(projectRoot(), 'dist', 'src', 'core', 'bhyve', 'plan-main.js'), host.uri, name];
}

/**
 * Spawn the supervisor and wait for its report: resolves with the bhyve pid
 * once bhyve runs, throws with the loader's / bhyve's own words otherwise.
 */
export async function startGuest(host: BhyveHost, name: string, opts: StartOptions = {}): Promise<number> {
  if (existsSync(join(host.vmmDir, name)) && !lockHeld(host, name) && !bhyveAlive(readLiveState(host.runDir, name))) {
    cleanupStale(host, name, readLiveState(host.runDir, name));
  }
  const args = ['--name', name, '--rundir', host.runDir, '--bhyvectl', host.tools.bhyvectl,
    '--ifconfig', host.tools.ifconfig, '--id', String(allocateID(host)), '--ready-fd', '3',
    '--log', logPath(host, name)]; // the monitor rotates it between boots
  if (host.kind === 'sim') args.push('--sim');
  if (opts.autodestroy) args.push('--autodestroy', String(process.pid));
  let planFile: string | undefined;
  if (opts.firstPlan) {
    planFile = join(host.runDir, `.${name}.plan.${process.pid}.${Date.now()}`);
    atomicWriteFile(planFile, opts.firstPlan, 0o600);
    args.push('--plan-file', planFile);
  }
  args.push('--', ...(opts.planArgv ?? defaultPlanArgv(host, name)));
  try {
    return await spawnMonitor(host, name, args);
  } finally {
    if (planFile) unlinkIfExists(planFile); // a monitor that lost the lock never read it
  }
}

async function spawnMonitor(host: BhyveHost, name: string, args: string[]): Promise<number> {

  const logFd = openSync(logPath(host, name), 'a+', 0o640);
  let child;
  try {
    child = spawn(host.tools.monitor, args, { detached: true, stdio: ['ignore', logFd, logFd, 'pipe'], env: host.toolEnv });
  } finally {
    closeSync(logFd);
  }
  const ready = child.stdio[3]!;
  const chunks: Buffer[] = [];
  const report = await new Promise<string>((resolve, reject) => {
    child.once('error', (e) => reject(monitorMissing(host, e)));
    ready.on('data', (c: Buffer) => chunks.push(c));
    ready.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  if (report.startsWith('OK ')) {
    child.unref();
    return Number.parseInt(report.slice(3), 10);
  }
  await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  if (report.startsWith('BUSY')) throw alreadyRunning();
  if (report.startsWith('ERR ')) {
    throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: ${report.slice(4).trim()}`);
  }
  throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: the supervisor exited without starting the guest (see ${logPath(host, name)})`);
}

export function alreadyRunning(): VirError {
  return new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is already running');
}

export function notRunning(): VirError {
  return new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
}

export type Request = 'shutdown' | 'reboot' | 'destroy' | 'poweroff' | 'reset' | 'suspend' | 'resume';

/** Ask the supervisor (or, when it is gone, act on the orphaned bhyve directly). */
export function sendRequest(host: BhyveHost, name: string, req: Request, lv: Liveness): void {
  if (!lv.active || !lv.live) throw notRunning();
  if (!lv.orphan) {
    atomicWriteFile(join(host.runDir, `${name}.req`), `${req}\n`);
    try {
      process.kill(lv.live.monitor_pid, 'SIGUSR1');
    } catch (e) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: cannot signal the supervisor of '${name}': ${(e as Error).message}`);
    }
    return;
  }
  orphanRequest(host, name, req, lv.live);
}

/** No supervisor: signal bhyve ourselves and keep the state file truthful. */
function orphanRequest(host: BhyveHost, name: string, req: Request, live: LiveState): void {
  const pid = live.bhyve_pid;
  switch (req) {
    case 'destroy':
      process.kill(pid, 'SIGKILL');
      break;
    case 'shutdown':
    case 'reboot': // nobody left to boot it again: a reboot becomes a shutdown
      process.kill(pid, 'SIGTERM');
      process.kill(pid, 'SIGCONT');
      break;
    case 'reset':
      runCtl(host, name, ['--force-reset']);
      break;
    case 'poweroff':
      process.kill(pid, 'SIGCONT');
      runCtl(host, name, ['--force-poweroff']);
      break;
    case 'suspend':
      process.kill(pid, 'SIGSTOP');
      writeLiveState(host.runDir, { ...live, state: 'paused', reason: 'user' });
      break;
    case 'resume':
      process.kill(pid, 'SIGCONT');
      writeLiveState(host.runDir, { ...live, state: 'running', reason: 'unpaused' });
      break;
  }
}

/** Bounded wait for a condition on the guest's state (polls the state files). */
export async function awaitState(host: BhyveHost, name: string, done: (lv: Liveness) => boolean, timeoutMs: number): Promise<Liveness | undefined> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const lv = liveness(host, name);
    if (done(lv)) return lv;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** destroy: stop now, whatever the guest does; resolves once nothing runs. */
export async function destroyGuest(host: BhyveHost, name: string, lv: Liveness, graceful = false): Promise<void> {
  sendRequest(host, name, graceful ? 'poweroff' : 'destroy', lv);
  const off = await awaitState(host, name, (l) => !l.active, 15000);
  if (!off) throw new VirError('VIR_ERR_OPERATION_TIMEOUT', `Timed out during operation: domain '${name}' did not stop`);
  if (lv.orphan) {
    // the supervisor would have done this: destroy the kernel VM, record why
    if (existsSync(join(host.vmmDir, name))) runCtl(host, name, ['--destroy']);
    const live = readLiveState(host.runDir, name);
    if (live) writeLiveState(host.runDir, { ...live, state: 'shutoff', reason: 'destroyed', bhyve_pid: -1, bhyve_start: '' });
    if (!existsSync(join(host.domainsDir, `${name}.xml`))) {
      unlinkIfExists(join(host.runDir, `${name}.xml`));
      unlinkIfExists(join(host.runDir, `${name}.json`));
    }
  }
}
