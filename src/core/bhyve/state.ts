/**
 * State files of a bhyve host: domain-name validation (before any path is
 * built from a name), atomic writes (temp file in the same directory, fsync,
 * rename), and the supervisor's live state RUNDIR/NAME.json.
 */
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { VirError } from '../errors';

/** bhyve's VM_MAX_NAMELEN: the kernel keeps 32 characters (+ NUL). */
export const MAX_DOMAIN_NAME = 32;

function printable(name: string): string {
  return name.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Throws VIR_ERR_INVALID_ARG unless `name` can safely name a bhyve VM and its files. */
export function validateDomainName(name: string): void {
  const bad = (why: string) =>
    new VirError('VIR_ERR_INVALID_ARG', `invalid argument: domain name '${printable(name)}' ${why}`);
  if (typeof name !== 'string' || name.length === 0) throw bad('is empty');
  if ([...name].length > MAX_DOMAIN_NAME) throw bad(`is longer than ${MAX_DOMAIN_NAME} characters (bhyve's limit)`);
  if (name.includes('/')) throw bad("must not contain '/'");
  if (name.startsWith('.')) throw bad("must not start with '.'");
  if (/[\x00-\x1f\x7f]/.test(name)) throw bad('must not contain control characters');
  if (/\s/.test(name) || name.includes(',')) throw bad('must not contain white space or commas (bhyve argv)');
}

/** Write `data` to `path` so readers see the old or the new file, never a part. */
export function atomicWriteFile(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkIfExists(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkIfExists(tmp);
    throw e;
  }
  // make the rename itself durable
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* some filesystems refuse fsync on directories */ }
}

export function unlinkIfExists(path: string): void {
  try { unlinkSync(path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
}

export function readIfExists(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Temp files left by a writer killed between create and rename (their pid is gone). */
export function removeDeadTempFiles(dir: string): void {
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const n of names) {
    const m = /^\..+\.tmp\.(\d+)(?:\.[0-9a-f]+)?$/.exec(n);
    if (m && !pidAlive(Number(m[1]))) unlinkIfExists(join(dir, n));
  }
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** RUNDIR/NAME.json as bvirsh-monitor writes it (see native/monitor/monitor.c). */
export interface LiveState {
  name: string;
  id: number;
  state: 'starting' | 'running' | 'paused' | 'crashed' | 'shutoff';
  reason: string;
  monitor_pid: number;
  bhyve_pid: number;
  bhyve_start: string;
  boots: number;
  crashes: number;
  started_at: number;
  last_exit: string;
  taps: string[];
  console: string | null;
  /** the VNC port bhyve's framebuffer listens on (monitors before it was recorded: absent) */
  vnc_port?: number | null;
}

export function readLiveState(runDir: string, name: string): LiveState | undefined {
  const text = readIfExists(join(runDir, `${name}.json`));
  if (text === undefined) return undefined;
  try { return JSON.parse(text) as LiveState; } catch { return undefined; }
}

export function writeLiveState(runDir: string, st: LiveState): void {
  atomicWriteFile(join(runDir, `${st.name}.json`), JSON.stringify(st) + '\n');
}
