/**
 * The guest's first serial console (virDomainOpenConsole): bhyve gets one side
 * of an nmdm(4) pair (`-l com1,/dev/nmdm<X>A`), we open the other (<X>B).
 *   real host: the /dev/nmdm<X>B tty, raw (untested on FreeBSD);
 *   sim host:  the unix socket SIMROOT/dev/nmdm<X>B the sim bhyve serves.
 * One session at a time: RUNDIR/NAME.console holds the attached client's pid
 * (created exclusively); --force ends that session (SIGTERM), waits for it to let
 * go, and takes over.
 *
 * Device names (virsh console --devname): libvirt's bhyve driver ignores the name
 * and always opens the first serial port; we attach to that same port and accept
 * the names libvirt gives it (`serial<N>`, its index among the <serial>s, and
 * `console0`, the console that mirrors it); any other name is refused with the
 * error libvirt's drivers that do look names up give, rather than silently
 * attaching to a device the user did not ask for.
 */
import { closeSync, constants, linkSync, openSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import * as tty from 'node:tty';
import type { DomainDef, SerialDef } from '../conf/domain';
import { VirError } from '../errors';
import type { BhyveHost } from './host';
import { pidAlive, readIfExists, unlinkIfExists } from './state';

export interface ConsoleSession {
  stream: Duplex;
  /** end the session and release the console */
  close(): void;
}

/** The serial port a console session attaches to: com1, else the first one. */
function consoleSerial(def: DomainDef): SerialDef | undefined {
  return def.devices.serials.find((s) => (s.targetPort ?? 0) === 0) ?? def.devices.serials[0];
}

/** Check a --devname against the names of the port we attach to (see above). */
export function checkDeviceName(def: DomainDef, devname: string): void {
  const serial = consoleSerial(def);
  if (serial === undefined) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot find character device ${devname}`);
  const own = `serial${def.devices.serials.indexOf(serial)}`;
  if (devname === own || devname === 'console0') return;
  const other = /^serial(\d+)$/.exec(devname);
  if (other && Number(other[1]) < def.devices.serials.length) {
    throw new VirError('VIR_ERR_ARGUMENT_UNSUPPORTED',
      `argument unsupported: character device ${devname} cannot be opened: only the first serial port (${own}) has a console`);
  }
  throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot find character device ${devname}`);
}

/** The user's side of the guest's com1, or undefined when it has none we can attach to. */
export function consolePath(host: BhyveHost, def: DomainDef): string | undefined {
  const src = consoleSerial(def)?.source;
  if (!src || src.type !== 'nmdm' || !src.master) return undefined;
  const other = src.slave ?? src.master.replace(/A$/, 'B');
  if (host.kind === 'real') return other;
  const m = /^\/dev\/(nmdm.+)$/.exec(other);
  return m ? join(host.root, 'dev', m[1]) : undefined;
}

/** How long --force waits for the session it ends to let go of the console. */
const TAKEOVER_WAIT_MS = 3000;

async function claim(host: BhyveHost, name: string, force: boolean): Promise<string> {
  const pidFile = join(host.runDir, `${name}.console`);
  for (let attempt = 0; attempt < 2; attempt++) {
    // The claim appears with its pid already inside (written to a private file, then
    // hard-linked into place, which fails if a claim exists): another session never sees
    // an empty claim and mistakes it for a stale one.
    const mine = `${pidFile}.${process.pid}`;
    try {
      const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      linkSync(mine, pidFile);
      return pidFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkIfExists(mine);
    }
    const holder = Number.parseInt(readIfExists(pidFile) ?? '', 10);
    if (pidAlive(holder) && holder !== process.pid) {
      if (!force) throw new VirError('VIR_ERR_OPERATION_FAILED', 'operation failed: Active console session exists for this domain');
      try { process.kill(holder, 'SIGTERM'); } catch { /* already gone */ }
      // Let the old session close its side before we open ours: the sim serves one client
      // and turns away a second, and on a real nmdm both would briefly share the tty. A
      // session lets go by removing its claim (after closing its stream), or by exiting.
      await waitForRelease(pidFile, holder);
    }
    unlinkIfExists(pidFile); // stale, or its holder did not let go in time
  }
  throw new VirError('VIR_ERR_OPERATION_FAILED', 'operation failed: Active console session exists for this domain');
}

async function waitForRelease(pidFile: string, holder: number): Promise<void> {
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  while (Date.now() < deadline && pidAlive(holder) && Number.parseInt(readIfExists(pidFile) ?? '', 10) === holder) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function openConsole(host: BhyveHost, name: string, def: DomainDef, opts: { force?: boolean; devname?: string } = {}): Promise<ConsoleSession> {
  if (opts.devname !== undefined) checkDeviceName(def, opts.devname);
  const path = consolePath(host, def);
  if (!path) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: cannot find character device <null>');
  const pidFile = await claim(host, name, !!opts.force);
  const release = () => {
    if (Number.parseInt(readIfExists(pidFile) ?? '', 10) === process.pid) unlinkIfExists(pidFile);
  };
  try {
    const stream = host.kind === 'sim' ? await openSocket(path, !!opts.force) : openTty(path);
    return { stream, close: () => { stream.destroy(); release(); } };
  } catch (e) {
    release();
    throw e;
  }
}

async function openSocket(path: string, force: boolean): Promise<Duplex> {
  // the sim serves one client: a forced takeover may have to wait for the old one to go
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    } catch (e) {
      if (!force || i >= 20) {
        throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: cannot open console ${path}: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** FreeBSD nmdm tty, raw (untested: no FreeBSD here). */
function openTty(path: string): Duplex {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  } catch (e) {
    throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: cannot open console ${path}: ${(e as Error).message}`);
  }
  const rs = new tty.ReadStream(fd);
  rs.setRawMode(true);
  const ws = new tty.WriteStream(fd);
  return Duplex.from({ readable: rs, writable: ws });
}
