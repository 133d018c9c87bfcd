/**
 * Live facts about a bhyve host and its running guests: statistics, RTC and
 * NMI through the native addon (src/core/vmm.ts, loaded on first use so the
 * driver works for definitions when the addon is not built), process CPU time
 * of bhyve, the host's vCPU limit and hypervisor version.
 *
 * vmm statistics are per vCPU and looked up by description (reference §4):
 * "vcpu total runtime" is in TSC ticks, "Resident memory"/"Wired memory" are
 * bytes, reported on vCPU 0 only.
 */
import { spawnSync } from 'node:child_process';
import { cpus, release } from 'node:os';
import type { CpuStats, MemoryStats, VcpuInfo } from '../api';
import type { DomainDef } from '../conf/domain';
import { cpusetMap } from '../conf/cpuset';
import { VirError } from '../errors';
import type { DomainCapsQuery, HostFacts } from '../conf/capabilities';
import type { BhyveHost } from './host';
import { readIfExists } from './state';
import * as vmm from '../vmm';

function simOpts(host: BhyveHost): vmm.VmmOptions {
  return host.kind === 'sim' ? { simRoot: host.root } : {};
}

async function withVM<T>(host: BhyveHost, name: string, f: (h: vmm.VmHandle) => Promise<T>): Promise<T> {
  const h = await vmm.openVM(name, simOpts(host));
  try { return await f(h); } finally { h.close(); }
}

/** hw.vmm.maxcpu (real host); the simulated host states its own. */
export async function hostMaxCpus(host: BhyveHost): Promise<number> {
  if (host.kind === 'real') {
    const r = spawnSync('/sbin/sysctl', ['-n', 'hw.vmm.maxcpu'], { encoding: 'utf8' });
    const n = Number.parseInt(r.stdout ?? '', 10);
    if (Number.isFinite(n)) return n;
  }
  // the simulated host states its limit (native/sim/README.md)
  return vmm.hostInfo().maxCpu;
}

/** The FreeBSD release as libvirt encodes versions (14.1-RELEASE → 14001000); sim: its own. */
export async function hypervisorVersion(host: BhyveHost): Promise<number> {
  const rel = host.kind === 'real' ? release() : '0.1.0';
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(rel);
  return m ? Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0) : 0;
}

/** What the capabilities builders need to know about this host (src/core/conf/capabilities.ts). */
export async function hostFacts(host: BhyveHost): Promise<HostFacts> {
  return { simulated: host.kind === 'sim', firmwareDir: host.firmwareDir, emulator: host.tools.bhyve, maxCpus: await hostMaxCpus(host).catch(() => 16) };
}

// The capabilities builders and the converter are required when first asked for, so a
// plain `list` or `start` never loads them.
function capabilitiesModule(): typeof import('../conf/capabilities') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../conf/capabilities');
}

function nativeModule(): typeof import('./native') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./native');
}

export async function capabilities(host: BhyveHost): Promise<string> {
  return capabilitiesModule().buildCapabilitiesXML(await hostFacts(host));
}

export async function domainCapabilities(host: BhyveHost, query: DomainCapsQuery): Promise<string> {
  return capabilitiesModule().buildDomainCapabilitiesXML(await hostFacts(host), query);
}

export async function cpuModelNames(host: BhyveHost, arch: string): Promise<string[]> {
  return capabilitiesModule().cpuModelNamesFor(await hostFacts(host), arch);
}

export async function xmlToNative(format: string, xml: string): Promise<string> {
  return nativeModule().domainXMLToNative(format, xml);
}

export async function xmlFromNative(format: string, config: string): Promise<string> {
  return nativeModule().domainXMLFromNative(format, config);
}

/** CPU time of the bhyve process (user+system, all threads), nanoseconds. */
export function processCpuTime(pid: number): bigint {
  const t = processTimes(pid);
  return t ? t.user + t.system : 0n;
}

function processTimes(pid: number): { user: bigint; system: bigint } | undefined {
  if (!(pid > 0)) return undefined;
  if (process.platform === 'linux') {
    const stat = readIfExists(`/proc/${pid}/stat`);
    if (!stat) return undefined;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 10_000_000n; // USER_HZ is 100 on Linux: one tick = 10 ms
    return { user: BigInt(f[11]) * tick, system: BigInt(f[12]) * tick };
  }
  // FreeBSD (untested): ps reports [[dd-]hh:]mm:ss.ss
  const r = spawnSync('/bin/ps', ['-o', 'usertime=,systime=', '-p', String(pid)], { encoding: 'utf8' });
  const parts = (r.stdout ?? '').trim().split(/\s+/);
  if (parts.length !== 2) return undefined;
  const ns = (s: string) => {
    const secs = s.split(':').reduce((acc, x) => acc * 60 + Number(x), 0);
    return BigInt(Math.round(secs * 1e9));
  };
  return { user: ns(parts[0]), system: ns(parts[1]) };
}

function tscToNs(ticks: bigint, tscFreq: bigint): bigint {
  return tscFreq > 0n ? (ticks * 1_000_000_000n) / tscFreq : 0n;
}

async function vcpuRuntimes(host: BhyveHost, name: string, n: number): Promise<bigint[]> {
  const tsc = vmm.hostInfo().tscFreq;
  if (tsc === 0n) throw new VirError('VIR_ERR_OPERATION_FAILED', 'operation failed: unknown TSC frequency (machdep.tsc_freq)');
  return withVM(host, name, async (h) => {
    const out: bigint[] = [];
    for (let v = 0; v < n; v++) out.push(tscToNs((await h.stats(v)).get(vmm.STAT.RUNTIME) ?? 0n, tsc));
    return out;
  });
}

/** dominfo's CPU time: the bhyve process's CPU time (as libvirt reports it). It
 *  includes the time vCPU threads spend in the guest, so it is never below the
 *  vCPUs' runtime; on the simulated host, whose guest time is synthetic, the
 *  vCPU runtime is the larger and is what we show. */
export async function domainCpuTime(host: BhyveHost, name: string, bhyvePid: number, def: DomainDef): Promise<bigint> {
  const proc = processCpuTime(bhyvePid);
  let vcpus = 0n;
  try {
    vcpus = (await vcpuRuntimes(host, name, def.vcpuCurrent ?? def.vcpu)).reduce((a, b) => a + b, 0n);
  } catch { /* addon unavailable: the process time alone */ }
  return proc > vcpus ? proc : vcpus;
}

export async function cpuStats(host: BhyveHost, name: string, bhyvePid: number): Promise<CpuStats> {
  const n = await withVM(host, name, async (h) => (await h.activeCpus()).length);
  const perVcpu = await vcpuRuntimes(host, name, n || 1);
  const t = processTimes(bhyvePid) ?? { user: 0n, system: 0n };
  const vcpuTime = perVcpu.reduce((a, b) => a + b, 0n);
  const proc = t.user + t.system;
  // see domainCpuTime: the process time, never below the vCPUs' (sim: synthetic guest time)
  return { perVcpu, total: { cpuTime: proc > vcpuTime ? proc : vcpuTime, userTime: t.user, systemTime: t.system, vcpuTime } };
}

export async function vcpuInfo(host: BhyveHost, name: string, def: DomainDef): Promise<VcpuInfo[]> {
  const n = def.vcpuCurrent ?? def.vcpu;
  const times = await vcpuRuntimes(host, name, n);
  const pins = vcpuPinMaps(def, cpus().length);
  return times.map((cpuTime, number) => ({ number, state: 1, cpuTime, cpu: -1, affinity: pins[number] }));
}

/** Per vCPU, the host CPUs it may run on: its <vcpupin> (bhyve -p), else any. */
export function vcpuPinMaps(def: DomainDef, hostCpus: number): boolean[][] {
  const any = Array.from({ length: hostCpus }, () => true);
  const maps = Array.from({ length: def.vcpu }, () => any);
  for (const pin of def.vcpupin) {
    if (pin.vcpu < maps.length) maps[pin.vcpu] = cpusetMap(pin.cpuset, hostCpus);
  }
  return maps;
}

export async function memoryStats(host: BhyveHost, name: string, def: DomainDef): Promise<MemoryStats> {
  const s = await withVM(host, name, async (h) => h.stats(0));
  const out: MemoryStats = { actual: def.currentMemory ?? def.memory };
  const rss = s.get(vmm.STAT.RESIDENT);
  if (rss !== undefined) out.rss = Number(rss / 1024n);
  return out;
}

/** The guest's RTC holds local time when <clock offset='localtime'/>: convert to/from UTC seconds. */
function localOffsetSeconds(def: DomainDef, at: number): number {
  if (def.clock?.offset !== 'localtime') return 0;
  return -new Date(at * 1000).getTimezoneOffset() * 60;
}

export async function getTime(host: BhyveHost, name: string, def: DomainDef): Promise<{ seconds: number; nseconds: number }> {
  const rtc = Number(await withVM(host, name, async (h) => h.rtcGet()));
  return { seconds: rtc - localOffsetSeconds(def, rtc), nseconds: 0 };
}

export async function setTime(host: BhyveHost, name: string, def: DomainDef, time: { seconds: number; nseconds: number } | { sync: true }): Promise<void> {
  const secs = 'sync' in time ? Math.floor(Date.now() / 1000) : time.seconds;
  await withVM(host, name, async (h) => h.rtcSet(secs + localOffsetSeconds(def, secs)));
}

export async function injectNMI(host: BhyveHost, name: string): Promise<void> {
  await withVM(host, name, async (h) => h.injectNMI(0));
}
