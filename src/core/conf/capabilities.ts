/**
 * capabilities: the XML of virConnectGetCapabilities / virConnectGetDomainCapabilities and the
 * list of virConnectGetCPUModelNames for a bhyve host, built from a host description.
 * Pure functions: the driver (bhyve:/// or sim:///) gathers the description, these format it.
 *
 *   formatBhyveCapabilities(host: BhyveHostDescription): string         (`capabilities`)
 *   formatBhyveDomainCapabilities(host, query?: DomainCapsQuery): string (`domcapabilities`)
 *   bhyveCPUModelNames(host, arch): string[]                            (`cpu-models ARCH`)
 *   readHostCpu(): HostCpu                  real host: /proc/cpuinfo (Linux) or sysctl +
 *                                           /var/run/dmesg.boot (FreeBSD, untested here)
 *   listFirmware(dir): string[]             boot ROMs in a firmware dir (*.fd without *VARS*)
 *   simulatedHostDescription(overrides?)    the stated host a sim:/// connection describes
 *   realHostDescription(opts?)              this machine: readHostCpu, listFirmware, memory,
 *                                           hw.vmm.maxcpu and kern.hostuuid on FreeBSD
 *
 * Driver-facing shortcuts (describe + format in one call; what bhyve:/// and sim:/// use):
 *   buildCapabilitiesXML(host: HostFacts): string
 *   buildDomainCapabilitiesXML(host: HostFacts, query?: DomainCapsQuery): string
 *   cpuModelNamesFor(host: HostFacts, arch): string[]
 *   HostFacts = { simulated, firmwareDir, emulator, maxCpus } — sim: the stated CPU and the ROMs
 *   found in its firmwareDir; real: realHostDescription().
 *
 * bhyve passes the host CPU through to guests (no CPU models to choose from), so the only CPU
 * model a bhyve host can present is the host's own; `cpu-models x86_64` lists exactly that.
 * VirErrors: VIR_ERR_INVALID_ARG for a virttype/arch/emulator the host does not have.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { VirError } from '../errors';

export interface HostCpu {
  arch: 'x86_64' | 'aarch64';
  /** the CPU's own name (CPUID brand string, hw.model) */
  model: string;
  /** 'Intel', 'AMD', … (libvirt's vendor names) */
  vendor: string;
  /** CPUID feature names, lower case as libvirt prints them */
  features: string[];
  topology: { sockets: number; dies: number; cores: number; threads: number };
}

export interface BhyveHostDescription {
  cpu: HostCpu;
  /** KiB */
  memoryKiB: number;
  hostUUID?: string;
  /** absolute path of bhyve(8) */
  emulator: string;
  /** directory of UEFI boot ROMs and the ROM files found there (absolute paths) */
  firmwareDir: string;
  firmware: string[];
  /** hw.vmm.maxcpu */
  maxVcpus: number;
  /** true on sim:/// — the description is stated, not measured */
  simulated: boolean;
}

export interface DomainCapsQuery {
  emulatorbin?: string;
  arch?: string;
  machine?: string;
  virttype?: string;
}

const VENDORS: Record<string, string> = { GenuineIntel: 'Intel', AuthenticAMD: 'AMD', HygonGenuine: 'Hygon', CentaurHauls: 'VIA' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

// ---- host CPU readers ----------------------------------------------------------------------

/** Parse /proc/cpuinfo text (x86). */
export function parseProcCpuinfo(text: string): HostCpu {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim().length > 0);
  const field = (b: string, k: string): string | undefined => {
    const m = new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm').exec(b);
    return m ? m[1].trim() : undefined;
  };
  if (blocks.length === 0) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: /proc/cpuinfo lists no CPUs');
  const first = blocks[0];
  const sockets = new Set(blocks.map((b) => field(b, 'physical id') ?? '0')).size;
  const cores = Number(field(first, 'cpu cores') ?? '1') || 1;
  const siblings = Number(field(first, 'siblings') ?? String(cores)) || cores;
  const threads = Math.max(1, Math.round(siblings / cores));
  const vendorId = field(first, 'vendor_id') ?? '';
  return {
    arch: 'x86_64',
    model: (field(first, 'model name') ?? 'unknown').replace(/\s+/g, ' '),
    vendor: VENDORS[vendorId] ?? vendorId,
    features: (field(first, 'flags') ?? '').split(/\s+/).filter((f) => f.length > 0),
    topology: { sockets, dies: 1, cores, threads },
  };
}

/** Parse FreeBSD's boot messages: Origin="GenuineIntel", Features=0x…<FPU,VME,…>, Features2=…, AMD Features=… */
export function parseFreeBSDDmesg(dmesg: string): { vendor: string; features: string[] } {
  const origin = /Origin\s*=\s*"([^"]+)"/.exec(dmesg);
  const features = new Set<string>();
  for (const m of dmesg.matchAll(/^\s*(?:AMD )?(?:Features2?|Structured Extended Features[0-9]?|AMD Features2?|XSAVE Features)=0x[0-9a-f]+<([^>]*)>/gim)) {
    for (const f of m[1].split(',')) if (f) features.add(f.toLowerCase().replace(/\./g, '_'));
  }
  return { vendor: origin ? (VENDORS[origin[1]] ?? origin[1]) : 'unknown', features: [...features] };
}

/**
 * The host CPU as bhyve guests see it. Linux: /proc/cpuinfo. FreeBSD: sysctl hw.model,
 * hw.ncpu, kern.smp.cores/threads_per_core, and the CPU lines of /var/run/dmesg.boot
 * (FreeBSD path written for real, untested on this Linux machine).
 */
export function readHostCpu(): HostCpu {
  if (process.platform === 'linux') return parseProcCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  if (process.platform === 'freebsd') {
    const sysctl = (name: string): string => execFileSync('/sbin/sysctl', ['-n', name], { encoding: 'utf8' }).trim();
    const cores = Number(sysctl('kern.smp.cores')) || Number(sysctl('hw.ncpu')) || 1;
    const threads = Number(sysctl('kern.smp.threads_per_core')) || 1;
    let dmesg = '';
    try { dmesg = readFileSync('/var/run/dmesg.boot', 'utf8'); } catch { /* no boot log: vendor/features unknown */ }
    const { vendor, features } = parseFreeBSDDmesg(dmesg);
    const arch = sysctl('hw.machine_arch') === 'aarch64' ? 'aarch64' : 'x86_64';
    // FreeBSD has no socket-count sysctl: cores are reported as one socket's
    return { arch, model: sysctl('hw.model').replace(/\s+/g, ' '), vendor, features, topology: { sockets: 1, dies: 1, cores, threads } };
  }
  throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: reading the host CPU on ${process.platform}`);
}

/** Boot ROMs in a firmware directory: *.fd that are not variable stores, sorted, absolute. */
export function listFirmware(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => n.endsWith('.fd') && !/VARS/i.test(n)).sort().map((n) => join(dir, n));
}

/** What sim:/// states about its host (nothing here is measured). */
export function simulatedHostDescription(overrides: Partial<BhyveHostDescription> = {}): BhyveHostDescription {
  return {
    cpu: {
      arch: 'x86_64', model: 'bvirsh simulated x86_64 CPU', vendor: 'Intel',
      features: ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', 'sep', 'mtrr', 'pge', 'mca', 'cmov', 'pat', 'clflush', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'sse3', 'pclmulqdq', 'vmx', 'ssse3', 'cx16', 'sse4_1', 'sse4_2', 'popcnt', 'aes', 'xsave', 'avx', 'rdrand', 'lm', 'nx', 'pdpe1gb', 'rdtscp', 'lahf_lm'],
      topology: { sockets: 1, dies: 1, cores: 2, threads: 1 },
    },
    memoryKiB: 8 * 1024 * 1024,
    emulator: '/usr/sbin/bhyve',
    firmwareDir: '/usr/local/share/uefi-firmware',
    firmware: ['/usr/local/share/uefi-firmware/BHYVE_UEFI.fd', '/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE.fd'],
    maxVcpus: 2,
    simulated: true,
    ...overrides,
  };
}

/** The host bvirsh runs on (bhyve:///system). FreeBSD parts untested on this Linux machine. */
export function realHostDescription(opts: { firmwareDir?: string; emulator?: string } = {}): BhyveHostDescription {
  const firmwareDir = opts.firmwareDir ?? '/usr/local/share/uefi-firmware';
  let maxVcpus = cpus().length;
  let hostUUID: string | undefined;
  if (process.platform === 'freebsd') {
    const sysctl = (name: string): string | undefined => {
      try { return execFileSync('/sbin/sysctl', ['-n', name], { encoding: 'utf8' }).trim(); } catch { return undefined; }
    };
    maxVcpus = Number(sysctl('hw.vmm.maxcpu')) || maxVcpus;
    hostUUID = sysctl('kern.hostuuid');
  }
  return {
    cpu: readHostCpu(),
    memoryKiB: Math.floor(totalmem() / 1024),
    ...(hostUUID ? { hostUUID } : {}),
    emulator: opts.emulator ?? '/usr/sbin/bhyve',
    firmwareDir,
    firmware: listFirmware(firmwareDir),
    maxVcpus,
    simulated: false,
  };
}

/** What a driver knows about its host without asking this module. */
export interface HostFacts {
  simulated: boolean;
  firmwareDir: string;
  /** path of bhyve as the host names it */
  emulator: string;
  /** hw.vmm.maxcpu (sim: stated) */
  maxCpus: number;
}

export function describeHost(h: HostFacts): BhyveHostDescription {
  if (h.simulated) {
    return simulatedHostDescription({ firmwareDir: h.firmwareDir, firmware: listFirmware(h.firmwareDir), emulator: h.emulator, maxVcpus: h.maxCpus });
  }
  return { ...realHostDescription({ firmwareDir: h.firmwareDir, emulator: h.emulator }), maxVcpus: h.maxCpus };
}

export function buildCapabilitiesXML(h: HostFacts): string {
  return formatBhyveCapabilities(describeHost(h));
}

export function buildDomainCapabilitiesXML(h: HostFacts, query: DomainCapsQuery = {}): string {
  return formatBhyveDomainCapabilities(describeHost(h), query);
}

export function cpuModelNamesFor(h: HostFacts, arch: string): string[] {
  return bhyveCPUModelNames(describeHost(h), arch);
}

// ---- capabilities --------------------------------------------------------------------------

export function formatBhyveCapabilities(host: BhyveHostDescription): string {
  const c = host.cpu;
  const t = c.topology;
  const ncpu = t.sockets * t.dies * t.cores * t.threads;
  let x = '<capabilities>\n\n  <host>\n';
  if (host.hostUUID) x += `    <uuid>${esc(host.hostUUID)}</uuid>\n`;
  x += '    <cpu>\n';
  x += `      <arch>${c.arch}</arch>\n`;
  x += `      <model>${esc(c.model)}</model>\n`;
  x += `      <vendor>${esc(c.vendor)}</vendor>\n`;
  x += `      <topology sockets='${t.sockets}' dies='${t.dies}' cores='${t.cores}' threads='${t.threads}'/>\n`;
  for (const f of c.features) x += `      <feature name='${esc(f)}'/>\n`;
  x += "      <pages unit='KiB' size='4'/>\n      <pages unit='KiB' size='2048'/>\n";
  x += '    </cpu>\n';
  x += '    <power_management/>\n';
  x += "    <iommu support='no'/>\n";
  x += '    <topology>\n      <cells num=\'1\'>\n        <cell id=\'0\'>\n';
  x += `          <memory unit='KiB'>${host.memoryKiB}</memory>\n`;
  x += `          <cpus num='${ncpu}'>\n`;
  for (let id = 0; id < ncpu; id++) {
    const thread = id % t.threads;
    const core = Math.floor(id / t.threads) % t.cores;
    const socket = Math.floor(id / (t.threads * t.cores * t.dies));
    const first = id - thread;
    const siblings = t.threads === 1 ? `${id}` : `${first}-${first + t.threads - 1}`;
    x += `            <cpu id='${id}' socket_id='${socket}' die_id='0' core_id='${core}' siblings='${siblings}'/>\n`;
  }
  x += '          </cpus>\n        </cell>\n      </cells>\n    </topology>\n';
  x += '  </host>\n\n';
  x += '  <guest>\n    <os_type>hvm</os_type>\n';
  x += `    <arch name='${c.arch}'>\n`;
  x += `      <wordsize>64</wordsize>\n      <emulator>${esc(host.emulator)}</emulator>\n      <domain type='bhyve'/>\n`;
  x += '    </arch>\n  </guest>\n\n</capabilities>\n';
  return x;
}

// ---- domcapabilities -----------------------------------------------------------------------

function enumXML(name: string, values: string[], ind: string): string {
  if (values.length === 0) return `${ind}<enum name='${name}'/>\n`;
  return `${ind}<enum name='${name}'>\n${values.map((v) => `${ind}  <value>${esc(v)}</value>\n`).join('')}${ind}</enum>\n`;
}

export function formatBhyveDomainCapabilities(host: BhyveHostDescription, q: DomainCapsQuery = {}): string {
  if (q.virttype !== undefined && q.virttype !== 'bhyve') {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unknown virttype: ${q.virttype}`);
  }
  if (q.arch !== undefined && q.arch !== host.cpu.arch) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unsupported architecture: ${q.arch}`);
  }
  if (q.emulatorbin !== undefined && q.emulatorbin !== host.emulator) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unknown emulator binary: ${q.emulatorbin}`);
  }
  if (q.machine !== undefined) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve has no machine types (got '${q.machine}')`);
  }
  const hasFw = host.firmware.length > 0;
  let x = '<domainCapabilities>\n';
  x += `  <path>${esc(host.emulator)}</path>\n  <domain>bhyve</domain>\n  <arch>${host.cpu.arch}</arch>\n`;
  x += `  <vcpu max='${host.maxVcpus}'/>\n  <iothreads supported='no'/>\n`;
  x += "  <os supported='yes'>\n";
  x += enumXML('firmware', hasFw ? ['efi'] : [], '    ');
  x += `    <loader supported='${hasFw ? 'yes' : 'no'}'>\n`;
  for (const f of host.firmware) x += `      <value>${esc(f)}</value>\n`;
  x += enumXML('type', ['pflash'], '      ');
  x += enumXML('readonly', ['yes'], '      ');
  x += enumXML('secure', ['no'], '      ');
  x += '    </loader>\n  </os>\n';
  x += '  <cpu>\n';
  x += "    <mode name='host-passthrough' supported='yes'>\n";
  x += enumXML('hostPassthroughMigratable', ['off'], '      ');
  x += '    </mode>\n';
  x += "    <mode name='maximum' supported='no'/>\n";
  x += "    <mode name='host-model' supported='no'/>\n";
  x += "    <mode name='custom' supported='no'/>\n";
  x += '  </cpu>\n';
  x += "  <memoryBacking supported='yes'>\n" + enumXML('sourceType', ['anonymous'], '    ') + '  </memoryBacking>\n';
  x += '  <devices>\n';
  x += "    <disk supported='yes'>\n" + enumXML('diskDevice', ['disk', 'cdrom'], '      ') + enumXML('bus', ['virtio', 'sata', 'nvme', 'scsi'], '      ') + enumXML('model', [], '      ') + '    </disk>\n';
  x += "    <graphics supported='yes'>\n" + enumXML('type', ['vnc'], '      ') + '    </graphics>\n';
  x += "    <video supported='yes'>\n" + enumXML('modelType', ['gop'], '      ') + '    </video>\n';
  x += "    <hostdev supported='yes'>\n" + enumXML('mode', ['subsystem'], '      ') + enumXML('startupPolicy', [], '      ') +
    enumXML('subsysType', ['pci'], '      ') + enumXML('capsType', [], '      ') + enumXML('pciBackend', [], '      ') + '    </hostdev>\n';
  x += "    <rng supported='yes'>\n" + enumXML('model', ['virtio'], '      ') + enumXML('backendModel', ['random'], '      ') + '    </rng>\n';
  x += "    <filesystem supported='yes'>\n" + enumXML('driverType', ['path'], '      ') + '    </filesystem>\n';
  x += "    <interface supported='yes'>\n" + enumXML('backendType', ['default', 'user'], '      ') + '    </interface>\n';
  x += "    <console supported='yes'>\n" + enumXML('type', ['nmdm', 'tcp'], '      ') + '    </console>\n';
  x += "    <channel supported='yes'>\n" + enumXML('type', ['unix'], '      ') + '    </channel>\n';
  x += "    <sound supported='yes'>\n" + enumXML('model', ['ich7'], '      ') + '    </sound>\n';
  x += '  </devices>\n';
  x += '  <features>\n';
  x += "    <gic supported='no'/>\n    <vmcoreinfo supported='no'/>\n    <genid supported='no'/>\n    <sev supported='no'/>\n";
  x += '  </features>\n</domainCapabilities>\n';
  return x;
}

// ---- cpu-models ----------------------------------------------------------------------------

/** bhyve presents the host CPU unchanged: the host model is the only model. */
export function bhyveCPUModelNames(host: BhyveHostDescription, arch: string): string[] {
  if (arch !== host.cpu.arch) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: cannot find architecture ${arch}`);
  }
  return [host.cpu.model];
}
