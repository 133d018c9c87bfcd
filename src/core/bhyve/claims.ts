/**
 * Host-wide names a starting guest takes — tap devices and VNC ports —
 * between building its boot plan and its supervisor recording them in the
 * guest's live state. Without a claim, two guests started at the same moment
 * both see tap0 and port 5900 free.
 *
 * A claim is the file RUNDIR/.claim.KIND.VALUE, created exclusively (O_EXCL)
 * and holding the guest's name. It holds for CLAIM_TTL_MS (a start takes far
 * less) or until the starter releases it once the supervisor has recorded the
 * state; a claim older than that, or the guest's own, may be taken over.
 * Taking and dropping claims happens under flock(2) on RUNDIR/.claims.lock, so
 * two starters never both take over the same stale claim (a stale claim only
 * exists after a starter died mid-start); the kernel drops a dead holder's lock.
 */
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BhyveHost } from './host';
import { atomicWriteFile, unlinkIfExists } from './state';
import { withFileLock } from '../vmm';

const CLAIM_TTL_MS = 60_000;
const PREFIX = '.claim.';

export type ClaimKind = 'tap' | 'vnc';

function underClaimsLock<T>(host: BhyveHost, fn: () => T): T {
  return withFileLock(join(host.runDir, '.claims.lock'), fn);
}

function claimPath(host: BhyveHost, kind: ClaimKind, value: string): string {
  return join(host.runDir, `${PREFIX}${kind}.${value}`);
}

/** The claim's guest, or undefined when there is none or it has expired. */
function liveOwner(path: string): string | undefined {
  try {
    if (Date.now() - statSync(path).mtimeMs > CLAIM_TTL_MS) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // released meanwhile
  }
}

/** Take `value` for guest `name`: true when it is now the guest's (a new claim, its own, or an expired one). */
export function tryClaim(host: BhyveHost, kind: ClaimKind, value: string, name: string): boolean {
  const path = claimPath(host, kind, value);
  return underClaimsLock(host, () => {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try { writeSync(fd, name); } finally { closeSync(fd); }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = liveOwner(path);
    if (owner !== undefined && owner !== name) return false;
    atomicWriteFile(path, name); // expired, or already ours: (re)take it with a fresh time
    return true;
  });
}

/** Per kind, the values other guests hold unexpired claims on. */
export function claimedByOthers(host: BhyveHost, name: string): Record<ClaimKind, Set<string>> {
  const out: Record<ClaimKind, Set<string>> = { tap: new Set(), vnc: new Set() };
  let files: string[] = [];
  try { files = readdirSync(host.runDir); } catch { /* none */ }
  for (const f of files) {
    if (!f.startsWith(PREFIX)) continue;
    const dot = f.indexOf('.', PREFIX.length);
    const kind = f.slice(PREFIX.length, dot) as ClaimKind;
    if (dot < 0 || !(kind in out)) continue;
    const owner = liveOwner(join(host.runDir, f));
    if (owner !== undefined && owner !== name) out[kind].add(f.slice(dot + 1));
  }
  return out;
}

/** Drop the guest's claims: its supervisor has recorded them in the live state (or the start failed). */
export function releaseClaims(host: BhyveHost, name: string): void {
  let files: string[] = [];
  try { files = readdirSync(host.runDir); } catch { return; }
  const mine = files.filter((f) => f.startsWith(PREFIX));
  if (mine.length === 0) return;
  underClaimsLock(host, () => {
    for (const f of mine) {
      const path = join(host.runDir, f);
      try {
        if (readFileSync(path, 'utf8') === name) unlinkIfExists(path);
      } catch { /* released meanwhile */ }
    }
  });
}
