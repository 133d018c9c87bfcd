/**
 * vmm.ts — the typed facade over the native `vmm` addon (native/vmm/addon.cc),
 * and the ONLY module that loads it. The addon binds FreeBSD's libvmmapi on
 * FreeBSD and vmmapi-sim (the same C API on files under a sim root) elsewhere.
 *
 * Loading is lazy: importing this module never touches the addon; the first
 * call that needs it loads it, and a missing/unbuilt addon is a VirError
 * (VIR_ERR_INTERNAL_ERROR) at that call, telling the user to run `npm install`.
 * Env BVIRSH_VMM_ADDON may point at another vmm.node (packaging, tests).
 *
 * API (all names exported):
 *   vmmBackend(): 'freebsd' | 'sim'
 *   hostInfo(): { backend, simulated, tscFreq: bigint, maxCpu }
 *        FreeBSD: sysctl machdep.tsc_freq, hw.vmm.maxcpu. Sim: the simulated
 *        host's constants (2 GHz TSC, 16 vCPUs per VM), see native/sim/README.md.
 *   listVMs(opts?): Promise<string[]>            names in /dev/vmm (sim: ROOT/dev/vmm)
 *   openVM(name, opts?): Promise<VmHandle>       VIR_ERR_NO_DOMAIN if it does not exist
 *   isLockHeld(path): boolean                     flock(2) probe; missing file = false
 *   withFileLock(path, fn, timeoutMs?)            fn() under flock(2) LOCK_EX on path (created
 *        if missing); a holder that dies releases it; VirError after timeoutMs (2 s)
 *   nativeBuildDir(): string                      native/build/Release (sim tools live there)
 *   simConsoleSocket(simRoot, ttyPath): string | undefined
 *        where the sim bhyve serves a com port given as /dev/nmdm<X>A (or B): the unix
 *        socket SIMROOT/dev/nmdm<X>B (the other side); undefined if not an nmdm path
 *   loadVmm(): the raw addon (NativeAddon), for benchmarks; use the functions above
 *   opts = { simRoot?: string }: on the sim backend, the sim root to use for this
 *   call (default env BVIRSH_SIM_ROOT); ignored on FreeBSD. A handle remembers
 *   its VM, so later calls on it need no root. Sim backend with neither: VIR_ERR_INVALID_ARG.
 *   VmHandle:
 *     name
 *     statDescriptions(): string[]                 index order of this host's vmm.ko
 *     statsSync(vcpu): Map<string, bigint>         description -> value (no syscall on
 *                                                  the sim; one ioctl on FreeBSD)
 *     stats(vcpu): Promise<Map<string, bigint>>    same, off the main thread
 *     activeCpus(): Promise<number[]>
 *     topology(): Promise<{sockets, cores, threads, maxcpus}>
 *     injectNMI(vcpu): Promise<void>
 *     suspend(reason: 'reset'|'poweroff'|'halt'|'triplefault'): Promise<void>
 *                                                  VIR_ERR_OPERATION_INVALID if one is pending
 *     rtcGet(): Promise<number>  rtcSet(secs): Promise<void>   RTC seconds as the guest's
 *                                                  RTC shows them (see reference §3 RTC)
 *     readMemory(gpa: bigint|number, len): Promise<Buffer>     guest-physical read
 *     memoryMap(): Promise<MemoryMapping[]>        the kernel's guest mappings (segment '' = RAM)
 *     memorySize(): Promise<bigint>                guest RAM bytes = sum of RAM mappings
 *                                                  (0 until the VM's memory is set up)
 *     destroy(): Promise<void>                     vm_destroy; the handle is closed after
 *     close(): void
 * Statistic names are vmm.ko's descriptions; STAT has the ones bvirsh reads.
 * Errors from the addon become VirError('VIR_ERR_SYSTEM_ERROR' unless noted)
 * with errno set and the addon's message, e.g. "vm_open web1: No such file or directory".
 */
import { closeSync, existsSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { VirError, VirErrorCode } from './errors';

export type VmmBackend = 'freebsd' | 'sim';
export type SuspendReason = 'reset' | 'poweroff' | 'halt' | 'triplefault';
export interface VmmOptions {
  /** sim backend only: the simulated host's root directory (default env BVIRSH_SIM_ROOT). */
  simRoot?: string;
}
export interface Topology {
  sockets: number;
  cores: number;
  threads: number;
  maxcpus: number;
}
export interface HostInfo {
  backend: VmmBackend;
  simulated: boolean;
  /** TSC ticks per second: divide "vcpu total runtime" by it for seconds. */
  tscFreq: bigint;
  /** vCPUs a VM may have (hw.vmm.maxcpu). */
  maxCpu: number;
}

/** One guest-physical mapping (vm_mmap_getnext + vm_get_memseg). */
export interface MemoryMapping {
  gpa: bigint;
  len: bigint;
  segid: number;
  segoff: bigint;
  prot: number;
  flags: number;
  /** '' for guest RAM (sysmem), else the device memory segment's name (bootrom, fbuf…) */
  segment: string;
}

/** vmm.ko statistic descriptions bvirsh uses (amd64). */
export const STAT = {
  RUNTIME: 'vcpu total runtime',
  RESIDENT: 'Resident memory',
  WIRED: 'Wired memory',
  NMIS: 'number of NMIs delivered to vcpu',
  EXITS: 'total number of vm exits',
} as const;

/** enum vm_suspend_how */
const SUSPEND_HOW: Record<SuspendReason, number> = { reset: 1, poweroff: 2, halt: 3, triplefault: 4 };

export interface NativeHandle {
  readonly name: string;
  statDescriptions(): string[];
  statsSync(vcpu: number, out: BigUint64Array): number;
  stats(vcpu: number): Promise<BigUint64Array>;
  activeCpus(): Promise<number[]>;
  topology(): Promise<Topology>;
  injectNmi(vcpu: number): Promise<void>;
  suspend(how: number): Promise<void>;
  rtcGet(): Promise<number>;
  rtcSet(secs: number): Promise<void>;
  readMemory(gpa: bigint, len: number): Promise<Buffer>;
  memoryMap(): Promise<MemoryMapping[]>;
  destroy(): Promise<void>;
  close(): void;
}
export interface NativeAddon {
  backend: VmmBackend;
  open(name: string, root?: string): Promise<NativeHandle>;
  listVMs(root?: string): Promise<string[]>;
  hostInfo(): { tscFreq: bigint; maxCpu: number };
  isLockHeld(path: string): boolean;
  lockFileSync(path: string, timeoutMs: number): number;
}

let addon: NativeAddon | undefined;

function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(__dirname, '..', '..', '..');
    dir = up;
  }
}

/** Where node-gyp puts the addon and the simulated host's tools. */
export function nativeBuildDir(): string {
  return join(packageRoot(), 'native', 'build', 'Release');
}

/** Load the addon (once); VirError with what to do when it is missing or broken. */
export function loadVmm(): NativeAddon {
  if (addon) return addon;
  const file = process.env.BVIRSH_VMM_ADDON || join(nativeBuildDir(), 'vmm.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    addon = require(file) as NativeAddon;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new VirError(
      'VIR_ERR_INTERNAL_ERROR',
      `internal error: the native vmm addon could not be loaded from ${file}: ${why}; ` +
        `run 'npm install' in ${packageRoot()} to build it`,
      { cause: e },
    );
  }
  return addon;
}

interface AddonError extends Error {
  errno?: number;
  code?: string;
  syscall?: string;
}

function toVirError(e: unknown, code: VirErrorCode = 'VIR_ERR_SYSTEM_ERROR'): VirError {
  if (e instanceof VirError) return e;
  const err = e as AddonError;
  return new VirError(code, err.message, { errno: err.errno, cause: e });
}

async function call<T>(p: () => Promise<T>, codeFor?: (e: AddonError) => VirErrorCode | undefined): Promise<T> {
  try {
    return await p();
  } catch (e) {
    throw toVirError(e, codeFor?.(e as AddonError));
  }
}

export function vmmBackend(): VmmBackend {
  return loadVmm().backend;
}

export function hostInfo(): HostInfo {
  const a = loadVmm();
  try {
    const h = a.hostInfo();
    return { backend: a.backend, simulated: a.backend === 'sim', tscFreq: h.tscFreq, maxCpu: h.maxCpu };
  } catch (e) {
    throw toVirError(e);
  }
}

/** On the sim backend a root must be known: the call's, else env BVIRSH_SIM_ROOT. */
function simRootFor(a: NativeAddon, opts: VmmOptions): string | undefined {
  if (a.backend !== 'sim') return undefined;
  const root = opts.simRoot ?? process.env.BVIRSH_SIM_ROOT;
  if (!root) {
    throw new VirError(
      'VIR_ERR_INVALID_ARG',
      'invalid argument: no simulated host root: pass simRoot or set BVIRSH_SIM_ROOT',
    );
  }
  return root;
}

export async function listVMs(opts: VmmOptions = {}): Promise<string[]> {
  const a = loadVmm();
  const root = simRootFor(a, opts);
  return call(() => a.listVMs(root));
}

export function simConsoleSocket(simRoot: string, ttyPath: string): string | undefined {
  const m = /^\/dev\/nmdm([^/]+)([AB])$/.exec(ttyPath);
  if (!m) return undefined;
  return join(simRoot, 'dev', `nmdm${m[1]}${m[2] === 'A' ? 'B' : 'A'}`);
}

export async function openVM(name: string, opts: VmmOptions = {}): Promise<VmHandle> {
  const a = loadVmm();
  const root = simRootFor(a, opts);
  const h = await call(
    () => a.open(name, root),
    (e) => (e.code === 'ENOENT' ? 'VIR_ERR_NO_DOMAIN' : undefined),
  );
  return new VmHandle(h);
}

export function isLockHeld(file: string): boolean {
  const a = loadVmm();
  try {
    return a.isLockHeld(file);
  } catch (e) {
    throw toVirError(e);
  }
}

/** Run fn while holding an exclusive flock(2) on `file`: short critical sections between processes. */
export function withFileLock<T>(file: string, fn: () => T, timeoutMs = 2000): T {
  const a = loadVmm();
  let fd: number;
  try {
    fd = a.lockFileSync(file, timeoutMs);
  } catch (e) {
    throw toVirError(e);
  }
  try {
    return fn();
  } finally {
    closeSync(fd); // closing the descriptor drops the lock
  }
}

export class VmHandle {
  private descs?: string[];
  // reused between statsSync calls; grows to the host's statistics count
  // (real vmm.ko has array stats such as 'ipis sent to vcpu[N]': hundreds)
  private buf = new BigUint64Array(16);

  constructor(private readonly h: NativeHandle) {}

  get name(): string {
    return this.h.name;
  }

  statDescriptions(): string[] {
    if (!this.descs) {
      try {
        this.descs = this.h.statDescriptions();
      } catch (e) {
        throw toVirError(e);
      }
    }
    return this.descs;
  }

  private toMap(values: BigUint64Array, n: number): Map<string, bigint> {
    const d = this.statDescriptions();
    const m = new Map<string, bigint>();
    for (let i = 0; i < n && i < d.length; i++) m.set(d[i], values[i]);
    return m;
  }

  statsSync(vcpu: number): Map<string, bigint> {
    let n: number;
    try {
      n = this.h.statsSync(vcpu, this.buf);
      if (n > this.buf.length) {
        this.buf = new BigUint64Array(n);
        n = this.h.statsSync(vcpu, this.buf);
      }
    } catch (e) {
      throw toVirError(e);
    }
    return this.toMap(this.buf, Math.min(n, this.buf.length));
  }

  async stats(vcpu: number): Promise<Map<string, bigint>> {
    const v = await call(() => this.h.stats(vcpu));
    return this.toMap(v, v.length);
  }

  activeCpus(): Promise<number[]> {
    return call(() => this.h.activeCpus());
  }

  topology(): Promise<Topology> {
    return call(() => this.h.topology());
  }

  injectNMI(vcpu: number): Promise<void> {
    return call(() => this.h.injectNmi(vcpu));
  }

  suspend(reason: SuspendReason): Promise<void> {
    const how = SUSPEND_HOW[reason];
    if (how === undefined) {
      return Promise.reject(new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unknown suspend reason '${reason}'`));
    }
    return call(
      () => this.h.suspend(how),
      (e) => (e.code === 'EALREADY' ? 'VIR_ERR_OPERATION_INVALID' : undefined),
    );
  }

  rtcGet(): Promise<number> {
    return call(() => this.h.rtcGet());
  }

  rtcSet(secs: number): Promise<void> {
    return call(() => this.h.rtcSet(Math.trunc(secs)));
  }

  readMemory(gpa: bigint | number, len: number): Promise<Buffer> {
    return call(() => this.h.readMemory(BigInt(gpa), len));
  }

  memoryMap(): Promise<MemoryMapping[]> {
    return call(() => this.h.memoryMap());
  }

  async memorySize(): Promise<bigint> {
    let total = 0n;
    for (const m of await this.memoryMap()) if (m.segment === '') total += m.len;
    return total;
  }

  destroy(): Promise<void> {
    return call(() => this.h.destroy());
  }

  close(): void {
    this.h.close();
  }
}
