/**
 * The core API: one method per libvirt call, named after it
 * (virConnectGetType → Connection.getType, virDomainGetInfo → Domain.getInfo).
 * Every driver (test:///, sim:///, bhyve:///) implements these interfaces;
 * the CLI only talks to them. Methods a driver cannot support throw
 * VirError('VIR_ERR_NO_SUPPORT', ...) with virsh's wording.
 *
 * Methods are async because real drivers do I/O (state files, the native
 * addon, spawning tools); the test driver resolves immediately.
 */
import type { DomainStatsFlags, DomainStatsRecord, StatsGroup } from './domain-stats';

/** virDomainState */
export enum DomainState {
  NoState = 0,
  Running = 1,
  Blocked = 2,
  Paused = 3,
  Shutdown = 4,
  Shutoff = 5,
  Crashed = 6,
  PMSuspended = 7,
}

/** Reason codes are per state in libvirt (virDomainRunningReason, …); we keep
 *  the printable reason word virsh shows (`domstate --reason`). */
export interface DomainStateInfo {
  state: DomainState;
  /** virsh's word for the reason: 'booted', 'unknown', 'user', 'destroyed', 'crashed', … */
  reason: string;
}

/** virDomainInfo */
export interface DomainInfo {
  state: DomainState;
  /** KiB */
  maxMem: number;
  /** KiB */
  memory: number;
  nrVirtCpu: number;
  /** nanoseconds */
  cpuTime: bigint;
}

/** virVcpuInfo (+ affinity as a boolean per host CPU) */
export interface VcpuInfo {
  number: number;
  /** virVcpuState: 0 offline, 1 running, 2 blocked */
  state: number;
  /** nanoseconds */
  cpuTime: bigint;
  /** host CPU it runs on, -1 when unknown */
  cpu: number;
  affinity?: boolean[];
}

/** virDomainMemoryStatStruct, keyed by virsh's printed tag (actual, rss, …), values KiB
 *  (last_update is seconds). Only tags the driver can honestly report are present. */
export type MemoryStats = Partial<Record<
  'swap_in' | 'swap_out' | 'major_fault' | 'minor_fault' | 'unused' | 'available' | 'actual_balloon' |
  'actual' | 'usable' | 'last_update' | 'disk_caches' | 'hugetlb_pgalloc' | 'hugetlb_pgfail' | 'rss', number>>;

/** virNodeInfo */
export interface NodeInfo {
  model: string;
  /** KiB */
  memory: number;
  cpus: number;
  /** MHz */
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** virDomainBlockInfo, in bytes: the size the guest sees, the host storage it takes, the host file's size */
export interface BlockInfo {
  capacity: bigint;
  allocation: bigint;
  physical: bigint;
}

/** virTypedParameter-ish per-CPU statistics (cpu-stats) */
export interface CpuStats {
  /** nanoseconds, per vCPU (index = vCPU) */
  perVcpu?: bigint[];
  total?: { cpuTime: bigint; userTime?: bigint; systemTime?: bigint; vcpuTime?: bigint };
}

/** Flags shared by several calls, as libvirt's VIR_DOMAIN_AFFECT_* / XML flags. */
export interface XMLDescFlags {
  inactive?: boolean;
  secure?: boolean;
  updateCpu?: boolean;
  migratable?: boolean;
}

export interface VcpuCountFlags {
  maximum?: boolean;
  active?: boolean;
  live?: boolean;
  config?: boolean;
  current?: boolean;
  guest?: boolean;
}

/** VIR_DOMAIN_AFFECT_LIVE / _CONFIG (neither: VIR_DOMAIN_AFFECT_CURRENT) + VIR_DOMAIN_MEM_MAXIMUM */
export interface SetMemoryFlags {
  live?: boolean;
  config?: boolean;
  /** change the maximum (<memory>) rather than the balloon (<currentMemory>) */
  maximum?: boolean;
}

/** virDomainVcpuFlags for virDomainSetVcpusFlags (neither live nor config: current) */
export interface SetVcpusFlags {
  live?: boolean;
  config?: boolean;
  /** VIR_DOMAIN_VCPU_MAXIMUM: the maximum (<vcpu>), persistent definition only */
  maximum?: boolean;
  /** VIR_DOMAIN_VCPU_GUEST: through the guest agent */
  guest?: boolean;
  /** VIR_DOMAIN_VCPU_HOTPLUGGABLE */
  hotpluggable?: boolean;
}

/** virConnectListAllDomains flags */
export interface ListAllDomainsFlags {
  active?: boolean;
  inactive?: boolean;
  persistent?: boolean;
  transient?: boolean;
  running?: boolean;
  paused?: boolean;
  shutoff?: boolean;
  other?: boolean;
  autostart?: boolean;
  noAutostart?: boolean;
  managedSave?: boolean;
  noManagedSave?: boolean;
}

/** virDomainShutdownFlagValues / virDomainRebootFlagValues, by virsh's --mode names */
export type ShutdownMode = 'acpi' | 'agent' | 'initctl' | 'signal' | 'paravirt';

export interface ShutdownOptions {
  /** bvirsh extension: seconds to wait for the guest before forcing power-off */
  timeout?: number;
  /** how to ask the guest (virsh --mode); none: the driver's default */
  mode?: ShutdownMode[];
}

/** virDomainCreateFlags (start / create) */
export interface StartFlags {
  paused?: boolean;
  autodestroy?: boolean;
  bypassCache?: boolean;
  forceBoot?: boolean;
  /** virDomainCreateWithFiles / virDomainCreateXMLWithFiles: descriptors handed to the guest (virsh --pass-fds) */
  passFds?: number[];
  /** VIR_DOMAIN_START_RESET_NVRAM: a fresh copy of the UEFI variable store from its template */
  resetNvram?: boolean;
}

/** virDomainCreateXML's flags: StartFlags' that apply, and VIR_DOMAIN_START_VALIDATE */
export type CreateXMLFlags = Pick<StartFlags, 'paused' | 'autodestroy' | 'passFds' | 'resetNvram'> & {
  /** check the document against the schema (virsh --validate) */
  validate?: boolean;
};

/** virDomainOpenConsole's device name and flags (virsh console --devname/--force/--safe) */
export interface ConsoleOptions {
  /** character device name (an alias such as serial0 / console0); default: the first console */
  devname?: string;
  /** VIR_DOMAIN_CONSOLE_FORCE: end an existing session and take over */
  force?: boolean;
  /** VIR_DOMAIN_CONSOLE_SAFE: only connect if safe console handling is supported */
  safe?: boolean;
}

export interface Domain {
  readonly connection: Connection;
  getName(): string;
  /** -1 when inactive */
  getID(): Promise<number>;
  getUUIDString(): Promise<string>;
  getOSType(): Promise<string>;

  getInfo(): Promise<DomainInfo>;
  getState(): Promise<DomainStateInfo>;
  getXMLDesc(flags?: XMLDescFlags): Promise<string>;
  getMaxMemory(): Promise<number>;
  getVcpus(): Promise<VcpuInfo[]>;
  getVcpusFlags(flags?: VcpuCountFlags): Promise<number>;
  getMaxVcpus(): Promise<number>;
  memoryStats(): Promise<MemoryStats>;
  getCPUStats?(): Promise<CpuStats>;
  isActive(): Promise<boolean>;
  isPersistent(): Promise<boolean>;
  hasManagedSaveImage(): Promise<boolean>;
  getAutostart(): Promise<boolean>;
  /** virDomainGetMetadata for <title>/<description>: '' when there is none */
  getMetadata?(type: 'title' | 'description', flags?: { inactive?: boolean }): Promise<string>;
  setAutostart(autostart: boolean): Promise<void>;
  /** virDomainGetSecurityLabel + virNodeGetSecurityModel, as dominfo prints them */
  getSecurityLabel?(): Promise<{ model: string; doi: string; label: string; enforcing: boolean } | null>;
  /** domblklist: target and source of each disk (inactive: from the persistent definition) */
  getBlockDevices?(flags?: { inactive?: boolean }): Promise<Array<{ type: string; device: string; target: string; source: string }>>;
  /** virDomainGetBlockInfo: a disk named by its target (vda) or its source path */
  getBlockInfo?(disk: string): Promise<BlockInfo>;
  /** domiflist */
  getInterfaces?(flags?: { inactive?: boolean }): Promise<Array<{ name: string; type: string; source: string; model: string; mac: string }>>;
  /** virDomainSetMemoryStatsPeriod (dommemstat --period) */
  setMemoryStatsPeriod?(period: number, flags?: { live?: boolean; config?: boolean }): Promise<void>;
  /** virDomainSetMemoryFlags (KiB): the balloon target, or with `maximum` the maximum memory */
  setMemoryFlags?(kib: number | bigint, flags?: SetMemoryFlags): Promise<void>;
  /** virDomainSetMaxMemory (KiB): setMemoryFlags with `maximum`, on the current definition */
  setMaxMemory?(kib: number | bigint): Promise<void>;
  /** virDomainSetVcpusFlags (virDomainSetVcpus: flags { live: true }, the API named in errors) */
  setVcpusFlags?(count: number, flags?: SetVcpusFlags, api?: 'virDomainSetVcpus' | 'virDomainSetVcpusFlags'): Promise<void>;
  /** virDomainGetVcpuPinInfo (config): per vCPU, which host CPUs it may run on */
  getVcpuPinInfo?(): Promise<boolean[][]>;
  getTime?(): Promise<{ seconds: number; nseconds: number }>;
  setTime?(time: { seconds: number; nseconds: number } | { sync: true }): Promise<void>;
  injectNMI?(): Promise<void>;
  /** Where the persistent definition lives on this host (bhyve drivers), if it has one. */
  getDefinitionPath?(): string | undefined;
  /** virDomainOpenConsole: the guest's first serial console as a byte stream (bhyve drivers). */
  openConsole?(opts?: ConsoleOptions): Promise<{ stream: import('node:stream').Duplex; close(): void }>;

  create(flags?: StartFlags): Promise<void>;
  /** graceful: VIR_DOMAIN_DESTROY_GRACEFUL (no SIGKILL) */
  destroy(flags?: { graceful?: boolean }): Promise<void>;
  shutdown(opts?: ShutdownOptions): Promise<void>;
  reboot(opts?: { mode?: ShutdownMode[] }): Promise<void>;
  reset(): Promise<void>;
  suspend(): Promise<void>;
  resume(): Promise<void>;
  /** managedSave: also remove a managed-save image (VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) */
  undefine(flags?: { managedSave?: boolean }): Promise<void>;
}

/** virConnectListAllNetworks flags (groups combine with AND, flags within a group with OR) */
export interface ListAllNetworksFlags {
  active?: boolean;
  inactive?: boolean;
  persistent?: boolean;
  transient?: boolean;
  autostart?: boolean;
  noAutostart?: boolean;
}

/** virNetworkPtr: a virtual network (vm-bhyve's "virtual switch"). */
export interface Network {
  readonly connection: Connection;
  getName(): string;
  getUUIDString(): Promise<string>;
  /** the network's bridge; an error when it has none (net-info then leaves the line out) */
  getBridgeName(): Promise<string>;
  /** inactive: the persistent definition (what the next net-start uses) */
  getXMLDesc(flags?: { inactive?: boolean }): Promise<string>;
  isActive(): Promise<boolean>;
  isPersistent(): Promise<boolean>;
  getAutostart(): Promise<boolean>;
  setAutostart(autostart: boolean): Promise<void>;
  /** virNetworkCreate (net-start) */
  create(): Promise<void>;
  destroy(): Promise<void>;
  undefine(): Promise<void>;
}

export interface Connection {
  /** the URI this connection was opened with, normalised (virConnectGetURI) */
  getURI(): string;
  /** hypervisor name as virsh prints it ("TEST", "BHYVE") */
  getType(): string;
  /** libvirt-style version number major*1e6+minor*1e3+micro */
  getLibVersion(): Promise<number>;
  /** the library getLibVersion() numbers, as `version` names it: "libvirt" when
   *  the driver reproduces libvirt's own (test:///), else "bvirsh" (default "libvirt") */
  readonly libraryName?: string;
  /** hypervisor version, same encoding */
  getVersion(): Promise<number>;
  getHostname(): Promise<string>;
  isAlive(): Promise<boolean>;
  isSecure(): Promise<boolean>;
  isEncrypted(): Promise<boolean>;
  isReadOnly(): boolean;
  getMaxVcpus(type?: string): Promise<number>;
  getCapabilities(): Promise<string>;
  getDomainCapabilities?(opts: { emulatorbin?: string; arch?: string; machine?: string; virttype?: string }): Promise<string>;
  getCPUModelNames?(arch: string): Promise<string[]>;
  getNodeInfo(): Promise<NodeInfo>;
  getFreeMemory?(): Promise<number>;
  /** virNodeGetCPUMap: one entry per host CPU, true when online */
  getCPUMap?(): Promise<boolean[]>;

  listAllDomains(flags?: ListAllDomainsFlags): Promise<Domain[]>;
  lookupByName(name: string): Promise<Domain>;
  lookupByID(id: number): Promise<Domain>;
  lookupByUUIDString(uuid: string): Promise<Domain>;
  /** validate: VIR_DOMAIN_DEFINE_VALIDATE (virDomainDefineXMLFlags) */
  defineXML(xml: string, flags?: { validate?: boolean }): Promise<Domain>;
  createXML(xml: string, flags?: CreateXMLFlags): Promise<Domain>;

  /** virConnectGetAllDomainStats: records for every domain the filters keep (see domain-stats.ts) */
  getAllDomainStats?(groups: StatsGroup[], flags?: DomainStatsFlags): Promise<DomainStatsRecord[]>;
  /** virDomainListGetStats: records for the given domains */
  domainListGetStats?(domains: Domain[], groups: StatsGroup[], flags?: DomainStatsFlags): Promise<DomainStatsRecord[]>;

  /** virtual networks (drivers without them leave these out: the CLI says "not supported") */
  listAllNetworks?(flags?: ListAllNetworksFlags): Promise<Network[]>;
  networkLookupByName?(name: string): Promise<Network>;
  networkLookupByUUIDString?(uuid: string): Promise<Network>;
  /** validate: VIR_NETWORK_DEFINE_VALIDATE / VIR_NETWORK_CREATE_VALIDATE (virsh --validate) */
  networkDefineXML?(xml: string, flags?: { validate?: boolean }): Promise<Network>;
  networkCreateXML?(xml: string, flags?: { validate?: boolean }): Promise<Network>;

  /** virConnectDomainXMLToNative / FromNative (format 'bhyve-argv') */
  domainXMLToNative?(format: string, xml: string): Promise<string>;
  domainXMLFromNative?(format: string, config: string): Promise<string>;

  close(): Promise<void>;
}

export interface OpenOptions {
  readonly?: boolean;
}
