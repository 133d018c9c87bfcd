/**
 * The test:/// driver: libvirt 9's test driver as virsh shows it.
 *
 *   test:///default        one running domain `test` (fresh per process; connections
 *                          opened at the same time share it, as libvirt's do)
 *   test:///ABS/FILE.xml   a node XML file (see node.ts); private to the connection
 *
 * All state lives in memory for the life of the connection, so a REPL session
 * or a `;`-separated line can suspend, destroy, start, undefine, define …
 * Values that libvirt's test driver derives from the clock (CPU time) are
 * derived from the clock here too; everything else matches virsh byte for byte.
 */
import {
  DomainState,
  type BlockInfo, type Connection, type Domain, type DomainInfo, type DomainStateInfo, type ListAllDomainsFlags, type MemoryStats,
  type ListAllNetworksFlags, type Network, type NodeInfo, type OpenOptions, type ShutdownMode, type ShutdownOptions, type StartFlags,
  type VcpuCountFlags, type VcpuInfo, type XMLDescFlags, type CreateXMLFlags, type SetMemoryFlags, type SetVcpusFlags,
} from '../api';
import { checkMemoryArgument, checkVcpuArgument, modificationImpact, oneDefImpact } from '../resize';
import { diskNotAssigned, readOnlyError, secureReadOnlyError, VirError } from '../errors';
import type { DomainStatsFlags, DomainStatsRecord, StatsGroup } from '../domain-stats';
import type { ParsedURI } from '../uri';
import { testCapabilitiesXML } from './capabilities';
import { testCPUModelNames } from './cpu-models';
import {
  cloneTestDomain, formatTestDomain, memoryLimits, metadataText, parseTestDomain, setBalloonPeriod, setTestMemory, setTestVcpus, type TestDomainDef,
} from './domain-xml';
import type { TestNetworks } from './network';
import { DEFAULT_NETWORK_XML, defaultNode, loadNodeFile, maxCpus, type TestCell, type TestNode } from './node';
import type { XNode } from './xml';

// Loaded on first use, so the domain commands' start-up does without them:
/** --validate's checks */
function validateModule(): typeof import('./validate') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./validate');
}

/** domstats */
function statsModule(): typeof import('../domain-stats') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../domain-stats');
}

/** The network half of the driver. */
function networksModule(): typeof import('./network') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./network');
}

/** libvirt's test driver starts each guest clock here (testDomainObjPrivateAlloc). */
const TEST_GUEST_TIME = 627319920;
/** virNodeGetCPUMap on the test driver always describes 8 CPUs. */
const TEST_CPUMAP_CPUS = 8;

interface DomainObj {
  def: TestDomainDef;
  /** the persistent definition waiting for the next boot (define on a running domain) */
  newDef?: TestDomainDef;
  state: DomainState;
  reason: string;
  id: number;
  persistent: boolean;
  autostart: boolean;
  managedSave: boolean;
  seconds: number;
  nseconds: number;
}

/** One driver instance: a node and its domains. */
export class TestDriverState {
  readonly info: NodeInfo;
  readonly cells: TestCell[];
  /** insertion order; names are unique */
  readonly domains: DomainObj[] = [];
  /** indexes (a node file may hold thousands of domains) */
  private readonly names = new Map<string, DomainObj>();
  private readonly uuids = new Map<string, DomainObj>();
  private nextId = 1;
  refs = 0;
  private networkObjs?: TestNetworks;
  /** the default network's definition until first use (a node file's are checked at connect) */
  private readonly lazyNetworks?: Array<XNode | string>;

  constructor(node: TestNode) {
    this.info = node.info;
    this.cells = node.cells;
    if (node.networks.every((n) => n === DEFAULT_NETWORK_XML)) {
      this.lazyNetworks = node.networks; // known good: parsed when a network call needs it
    } else {
      try {
        this.networkObjs = new (networksModule().TestNetworks)(node.networks);
      } catch (e) {
        throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail: (e as Error).message });
      }
    }
    for (const x of node.domains) {
      const def = parseTestDomain(x);
      try {
        this.checkClash(def, false);
      } catch (e) {
        throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail: (e as Error).message });
      }
      const obj = this.newObj(def, !def.ns.transient);
      obj.managedSave = def.ns.hasManagedSave;
      const rs = def.ns.runstate ?? DomainState.Running;
      if (rs !== DomainState.Shutoff) this.startState(obj, 'unknown');
      obj.state = rs;
      obj.reason = 'unknown'; // a state loaded from the node file has no reason (libvirt's 0)
      this.insert(obj);
    }
  }

  get networks(): TestNetworks {
    return (this.networkObjs ??= new (networksModule().TestNetworks)(this.lazyNetworks ?? []));
  }

  private newObj(def: TestDomainDef, persistent: boolean): DomainObj {
    return {
      def, state: DomainState.Shutoff, reason: 'unknown', id: -1, persistent, autostart: false, managedSave: false,
      seconds: TEST_GUEST_TIME, nseconds: 0,
    };
  }

  byName(name: string): DomainObj | undefined { return this.names.get(name); }
  /** UUIDs are accepted with or without dashes, in either case */
  byUUID(uuid: string): DomainObj | undefined {
    // the canonical form (every key is one) needs no rewriting: each call of a Domain method comes here
    const exact = this.uuids.get(uuid);
    if (exact) return exact;
    const h = uuid.replace(/-/g, '').toLowerCase();
    if (h.length !== 32) return undefined;
    return this.uuids.get(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }

  private insert(obj: DomainObj): void {
    this.domains.push(obj);
    this.names.set(obj.def.name, obj);
    this.uuids.set(obj.def.uuid, obj);
  }

  byID(id: number): DomainObj | undefined { return this.domains.find((d) => d.id === id && d.id >= 0); }

  startState(obj: DomainObj, reason: string): void {
    obj.state = DomainState.Running;
    obj.reason = reason;
    obj.id = this.nextId++;
    obj.managedSave = false;
  }

  /** Shut off: the pending definition takes over; a transient domain disappears. */
  stopState(obj: DomainObj, reason: string): void {
    obj.state = DomainState.Shutoff;
    obj.reason = reason;
    obj.id = -1;
    if (obj.newDef) { obj.def = obj.newDef; obj.newDef = undefined; }
    if (!obj.persistent) this.remove(obj);
  }

  remove(obj: DomainObj): void {
    const i = this.domains.indexOf(obj);
    if (i >= 0) this.domains.splice(i, 1);
    this.names.delete(obj.def.name);
    this.uuids.delete(obj.def.uuid);
  }

  /** virDomainObjListAdd's clash checks */
  checkClash(def: TestDomainDef, live: boolean): DomainObj | undefined {
    const sameUUID = this.byUUID(def.uuid);
    if (sameUUID) {
      if (sameUUID.def.name !== def.name) {
        throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: domain '${sameUUID.def.name}' is already defined with uuid ${def.uuid}`);
      }
      if (live && sameUUID.state !== DomainState.Shutoff) {
        throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: domain '${def.name}' is already active`);
      }
      return sameUUID;
    }
    const sameName = this.byName(def.name);
    if (sameName) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: domain '${def.name}' already exists with uuid ${sameName.def.uuid}`);
    }
    return undefined;
  }

  add(def: TestDomainDef, persistent: boolean): DomainObj {
    const obj = this.newObj(def, persistent);
    this.insert(obj);
    return obj;
  }
}

let sharedDefault: TestDriverState | undefined;

class TestDomain implements Domain {
  constructor(readonly connection: TestConnection, private readonly uuid: string, private readonly name: string) {}

  /** The live object, or libvirt's error when it has gone (undefined/destroyed transient). */
  private obj(): DomainObj {
    const o = this.connection.state.byUUID(this.uuid);
    if (!o) {
      throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching uuid '${this.uuid}' (${this.name})`);
    }
    return o;
  }

  private mutable(api: string): DomainObj {
    if (this.connection.isReadOnly()) throw readOnlyError(api);
    return this.obj();
  }

  private requireActive(o: DomainObj): void {
    if (o.state === DomainState.Shutoff) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
  }

  getName(): string { return this.name; }
  async getID(): Promise<number> { return this.obj().id; }
  async getUUIDString(): Promise<string> { return this.obj().def.uuid; }
  async getOSType(): Promise<string> { this.obj(); return 'linux'; }

  async getInfo(): Promise<DomainInfo> {
    const o = this.obj();
    return {
      state: o.state, maxMem: o.def.memory, memory: o.def.currentMemory, nrVirtCpu: o.def.vcpus,
      cpuTime: BigInt(Date.now()) * 1000000n,
    };
  }

  async getState(): Promise<DomainStateInfo> {
    const o = this.obj();
    return { state: o.state, reason: o.reason };
  }

  async getXMLDesc(flags: XMLDescFlags = {}): Promise<string> {
    // libvirt's API layer: a read-only connection never sees passwords
    if (flags.secure && this.connection.isReadOnly()) throw secureReadOnlyError();
    // libvirt's test driver knows no host CPU to update a guest CPU from
    if (flags.updateCpu) throw new VirError('VIR_ERR_INVALID_ARG', 'unsupported flags (0x4) in function testDomainGetXMLDesc');
    const o = this.obj();
    const def = flags.inactive && o.newDef ? o.newDef : o.def;
    return formatTestDomain(def, flags.inactive ? undefined : o.id, { secure: !!flags.secure });
  }

  async getMaxMemory(): Promise<number> { return this.obj().def.memory; }

  async getVcpus(): Promise<VcpuInfo[]> {
    const o = this.obj();
    if (o.state === DomainState.Shutoff) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot list vcpus for an inactive domain');
    }
    const host = maxCpus(this.connection.state.info);
    // the test driver fakes an increasing CPU time: wall-clock µs / 10, in ns
    const cpuTime = (BigInt(Date.now()) * 1000n) / 10n;
    return Array.from({ length: o.def.vcpus }, (_, i) => ({
      number: i, state: 1, cpuTime, cpu: host - 1, affinity: Array.from({ length: host }, () => true),
    }));
  }

  async getVcpuPinInfo(): Promise<boolean[][]> {
    const o = this.obj();
    const host = maxCpus(this.connection.state.info);
    const def = o.newDef ?? o.def;
    return Array.from({ length: def.vcpus }, () => Array.from({ length: host }, () => true));
  }

  async getVcpusFlags(flags: VcpuCountFlags = {}): Promise<number> {
    // libvirt's test driver has no guest agent to ask
    if (flags.guest) throw new VirError('VIR_ERR_INVALID_ARG', 'unsupported flags (0x8) in function testDomainGetVcpusFlags');
    const o = this.obj();
    let def = o.def;
    if (flags.config) {
      if (!o.persistent) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: transient domains do not have any persistent config');
      def = o.newDef ?? o.def;
    } else if (flags.live) {
      this.requireActive(o);
    }
    return flags.maximum ? def.maxVcpus : def.vcpus;
  }

  async getMaxVcpus(): Promise<number> {
    const o = this.obj();
    this.requireActive(o);
    return o.def.maxVcpus;
  }

  async memoryStats(): Promise<MemoryStats> {
    const o = this.obj();
    this.requireActive(o);
    if (!o.def.hasBalloon) return {};
    const cur = o.def.currentMemory;
    const half = Math.floor(cur / 2);
    return {
      actual: cur, swap_in: 0, swap_out: 0, major_fault: 0, minor_fault: 0, unused: half, available: cur,
      usable: half, last_update: o.seconds, disk_caches: Math.floor(cur / 8), hugetlb_pgalloc: 0, hugetlb_pgfail: 0,
      rss: half,
    };
  }

  async isActive(): Promise<boolean> { return this.obj().state !== DomainState.Shutoff; }
  async isPersistent(): Promise<boolean> { return this.obj().persistent; }
  async hasManagedSaveImage(): Promise<boolean> { return this.obj().managedSave; }
  async getAutostart(): Promise<boolean> { return this.obj().autostart; }

  async getMetadata(type: 'title' | 'description', flags: { inactive?: boolean } = {}): Promise<string> {
    return metadataText(this.oneDef(this.obj(), flags.inactive), type);
  }

  async setAutostart(autostart: boolean): Promise<void> {
    // libvirt's test driver lets even a transient domain carry the flag
    this.mutable('virDomainSetAutostart').autostart = autostart;
  }

  async getSecurityLabel(): Promise<{ model: string; doi: string; label: string; enforcing: boolean } | null> {
    const o = this.obj();
    // the node's model is always there; only a running domain has a label
    if (o.state === DomainState.Shutoff) return { model: 'testSecurity', doi: '', label: '', enforcing: false };
    return { model: 'testSecurity', doi: '', label: 'libvirt-test', enforcing: true };
  }

  private oneDef(o: DomainObj, inactive: boolean | undefined): TestDomainDef {
    return inactive && o.newDef ? o.newDef : o.def;
  }

  async getBlockDevices(flags: { inactive?: boolean } = {}): Promise<Array<{ type: string; device: string; target: string; source: string }>> {
    return this.oneDef(this.obj(), flags.inactive).disks.map((d) => ({ ...d }));
  }

  async getInterfaces(flags: { inactive?: boolean } = {}): Promise<Array<{ name: string; type: string; source: string; model: string; mac: string }>> {
    return this.oneDef(this.obj(), flags.inactive).nets.map((n) => ({ ...n }));
  }

  /** libvirt's test driver answers the same made-up sizes for every disk it has */
  async getBlockInfo(disk: string): Promise<BlockInfo> {
    if (!this.oneDef(this.obj(), false).disks.some((d) => d.target === disk || d.source === disk)) throw diskNotAssigned(disk);
    return { capacity: 1099506450432n, allocation: 1099511627776n, physical: 1099511627776n };
  }

  async setMemoryStatsPeriod(period: number, flags: { live?: boolean; config?: boolean } = {}): Promise<void> {
    const o = this.mutable('virDomainSetMemoryStatsPeriod');
    if (flags.live) this.requireActive(o);
    const def = flags.config ? (o.newDef ?? o.def) : o.def;
    if (!setBalloonPeriod(def, period)) {
      throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: No memory balloon device configured, can not set the collection period');
    }
  }

  /** The persistent definition; a running domain's is split off its live one on first change (libvirt keeps both). */
  private persistentDef(o: DomainObj): TestDomainDef {
    if (o.state === DomainState.Shutoff) return o.def;
    return (o.newDef ??= cloneTestDomain(o.def));
  }

  /** testDomainSetMemoryFlags: the balloon of one definition, or (maximum) its memory size when not live. */
  async setMemoryFlags(kib: number | bigint, flags: SetMemoryFlags = {}): Promise<void> {
    const o = this.mutable('virDomainSetMemoryFlags');
    const memory = checkMemoryArgument(kib);
    const { live } = oneDefImpact(flags, o.state !== DomainState.Shutoff, o.persistent);
    if (live && o.persistent) this.persistentDef(o); // the persistent definition keeps its values
    const def = live ? o.def : this.persistentDef(o);
    if (flags.maximum) {
      if (live) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot resize the maximum memory on an active domain');
      const limits = memoryLimits(def);
      if (limits.numaCells > 0) {
        throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: initial memory size of a domain with NUMA nodes cannot be modified with this API');
      }
      if (limits.maxMemory && limits.maxMemory < memory) {
        throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot set initial memory size greater than the maximum memory size');
      }
      setTestMemory(def, memory, Math.min(def.currentMemory, memory));
      return;
    }
    if (memory > def.memory) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: cannot set memory higher than max memory');
    setTestMemory(def, def.memory, memory);
  }

  /** testDomainSetMaxMemory: setMemoryFlags(maximum) on the current definition */
  async setMaxMemory(kib: number | bigint): Promise<void> {
    return this.setMemoryFlags(kib, { maximum: true });
  }

  /** testDomainSetVcpusFlags: live and/or persistent current count, or (maximum) the persistent maximum */
  async setVcpusFlags(count: number, flags: SetVcpusFlags = {}, api: 'virDomainSetVcpus' | 'virDomainSetVcpusFlags' = 'virDomainSetVcpusFlags'): Promise<void> {
    const o = this.mutable(api);
    checkVcpuArgument(count, api);
    const bits = (flags.guest ? 8 : 0) | (flags.hotpluggable ? 16 : 0);
    if (bits) throw unsupportedFlags(bits, 'testDomainSetVcpusFlags');
    const hostMax = await this.connection.getMaxVcpus();
    if (count > hostMax) {
      // libvirt prints the unsigned count with %d
      throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: requested cpu amount exceeds maximum supported amount (${count | 0} > ${hostMax})`);
    }
    const impact = modificationImpact(flags, o.state !== DomainState.Shutoff, o.persistent);
    if (impact.live && o.persistent) this.persistentDef(o);
    const def = impact.live ? o.def : undefined;
    const persistent = impact.config ? this.persistentDef(o) : undefined;
    const exceeds = (max: number): VirError => new VirError('VIR_ERR_INVALID_ARG', `invalid argument: requested cpu amount exceeds maximum (${count} > ${max})`);
    if (def && def.maxVcpus < count) throw exceeds(def.maxVcpus);
    if (persistent && !flags.maximum && persistent.maxVcpus < count) throw exceeds(persistent.maxVcpus);
    if (def) setTestVcpus(def, count, def.maxVcpus);
    if (persistent) {
      if (flags.maximum) setTestVcpus(persistent, Math.min(persistent.vcpus, count), count);
      else setTestVcpus(persistent, count, persistent.maxVcpus);
    }
  }

  async getTime(): Promise<{ seconds: number; nseconds: number }> {
    const o = this.obj();
    if (o.state !== DomainState.Running) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
    return { seconds: o.seconds, nseconds: o.nseconds };
  }

  async setTime(time: { seconds: number; nseconds: number } | { sync: true }): Promise<void> {
    const o = this.mutable('virDomainSetTime');
    this.requireActive(o);
    if ('seconds' in time) { o.seconds = time.seconds; o.nseconds = time.nseconds; }
  }

  async create(flags: StartFlags = {}): Promise<void> {
    // --pass-fds: virsh calls virDomainCreateWithFiles, which the test driver runs as a plain start
    const api = flags.passFds?.length ? 'virDomainCreateWithFiles' : startFlagBits(flags) ? 'virDomainCreateWithFlags' : 'virDomainCreate';
    const o = this.mutable(api);
    // libvirt's test driver takes no start flags (virsh itself handles --force-boot)
    const bits = startFlagBits({ ...flags, forceBoot: false });
    if (bits) throw unsupportedFlags(bits, 'testDomainCreateWithFlags');
    if (o.state !== DomainState.Shutoff) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is already running');
    }
    this.connection.state.startState(o, 'booted');
  }

  async destroy(flags: { graceful?: boolean } = {}): Promise<void> {
    const o = this.mutable(flags.graceful ? 'virDomainDestroyFlags' : 'virDomainDestroy');
    this.requireActive(o);
    this.connection.state.stopState(o, 'destroyed');
  }

  async shutdown(opts: ShutdownOptions = {}): Promise<void> {
    const bits = modeBits(opts.mode);
    const o = this.mutable(bits ? 'virDomainShutdownFlags' : 'virDomainShutdown');
    if (bits) throw unsupportedFlags(bits, 'testDomainShutdownFlags');
    if (o.state === DomainState.Shutoff) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: domain '${this.name}' not running`);
    this.lifecycleAction(o, o.def.onPoweroff);
  }

  async reboot(_opts: { mode?: ShutdownMode[] } = {}): Promise<void> {
    // every reboot mode is accepted (and means the same) on the test driver
    const o = this.mutable('virDomainReboot');
    this.requireActive(o);
    this.lifecycleAction(o, o.def.onReboot);
  }

  /** on_poweroff / on_reboot: restart keeps it running (booted), anything else shuts it off. */
  private lifecycleAction(o: DomainObj, action: string): void {
    if (action === 'restart' || action === 'rename-restart') {
      o.state = DomainState.Running;
      o.reason = 'booted';
    } else {
      this.connection.state.stopState(o, 'shutdown');
    }
  }

  async reset(): Promise<void> {
    const o = this.mutable('virDomainReset');
    this.requireActive(o);
  }

  async suspend(): Promise<void> {
    const o = this.mutable('virDomainSuspend');
    if (o.state === DomainState.Shutoff || o.state === DomainState.Paused) {
      throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: domain '${this.name}' not running`);
    }
    o.state = DomainState.Paused;
    o.reason = 'user';
  }

  async resume(): Promise<void> {
    const o = this.mutable('virDomainResume');
    if (o.state !== DomainState.Paused) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: domain '${this.name}' not paused`);
    o.state = DomainState.Running;
    o.reason = 'unpaused';
  }

  async undefine(flags: { managedSave?: boolean } = {}): Promise<void> {
    // the test driver accepts this on a transient domain too (it simply stays transient)
    const o = this.mutable('virDomainUndefineFlags');
    if (o.managedSave && !flags.managedSave) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: Refusing to undefine while domain managed save image exists');
    }
    o.managedSave = false;
    o.autostart = false;
    o.newDef = undefined;
    if (o.state === DomainState.Shutoff) this.connection.state.remove(o);
    else o.persistent = false;
  }
}

/** what libvirt 9's test driver reports in domstats */
const TEST_STATS_GROUPS: readonly StatsGroup[] = ['state'];

export class TestConnection implements Connection {
  private closed = false;

  constructor(readonly state: TestDriverState, private readonly uri: string, private readonly readonly: boolean) {
    state.refs++;
  }

  private dom(o: DomainObj): TestDomain { return new TestDomain(this, o.def.uuid, o.def.name); }

  getURI(): string { return this.uri; }
  getType(): string { return 'TEST'; }
  async getLibVersion(): Promise<number> { return 9000000; }
  async getVersion(): Promise<number> { return 2; }
  // node:os loads only for this call (its module is not in node's start-up snapshot)
  async getHostname(): Promise<string> { return (require('node:os') as typeof import('node:os')).hostname(); }
  async isAlive(): Promise<boolean> { return !this.closed; }
  async isSecure(): Promise<boolean> { return true; }
  async isEncrypted(): Promise<boolean> { return false; }
  isReadOnly(): boolean { return this.readonly; }
  async getMaxVcpus(): Promise<number> { return 32; }
  async getCapabilities(): Promise<string> { return testCapabilitiesXML(this.state.cells); }
  async getCPUModelNames(arch: string): Promise<string[]> { return testCPUModelNames(arch); }
  async getNodeInfo(): Promise<NodeInfo> { return { ...this.state.info }; }

  async getCPUMap(): Promise<boolean[]> {
    const host = maxCpus(this.state.info);
    return Array.from({ length: TEST_CPUMAP_CPUS }, (_, i) => i < host);
  }

  async listAllDomains(flags: ListAllDomainsFlags = {}): Promise<Domain[]> {
    const f = flags;
    return this.state.domains.filter((o) => {
      const active = o.state !== DomainState.Shutoff;
      if ((f.active || f.inactive) && !((f.active && active) || (f.inactive && !active))) return false;
      if ((f.persistent || f.transient) && !((f.persistent && o.persistent) || (f.transient && !o.persistent))) return false;
      if (f.running || f.paused || f.shutoff || f.other) {
        const s = o.state;
        const other = s !== DomainState.Running && s !== DomainState.Paused && s !== DomainState.Shutoff;
        if (!((f.running && s === DomainState.Running) || (f.paused && s === DomainState.Paused) ||
          (f.shutoff && s === DomainState.Shutoff) || (f.other && other))) return false;
      }
      if ((f.autostart || f.noAutostart) && !((f.autostart && o.autostart) || (f.noAutostart && !o.autostart))) return false;
      if ((f.managedSave || f.noManagedSave) && !((f.managedSave && o.managedSave) || (f.noManagedSave && !o.managedSave))) return false;
      return true;
    }).map((o) => this.dom(o));
  }

  async lookupByName(name: string): Promise<Domain> {
    const o = this.state.byName(name);
    if (!o) throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching name '${name}'`);
    return this.dom(o);
  }

  async lookupByID(id: number): Promise<Domain> {
    const o = this.state.byID(id);
    if (!o) throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching id ${id}`);
    return this.dom(o);
  }

  async lookupByUUIDString(uuid: string): Promise<Domain> {
    const o = this.state.byUUID(uuid);
    if (!o) throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching uuid '${uuid}'`);
    return this.dom(o);
  }

  async defineXML(xml: string, flags: { validate?: boolean } = {}): Promise<Domain> {
    if (this.readonly) throw readOnlyError(flags.validate ? 'virDomainDefineXMLFlags' : 'virDomainDefineXML');
    if (flags.validate) validateModule().validateTestDomain(xml);
    const def = parseTestDomain(xml);
    const existing = this.state.checkClash(def, false);
    if (existing) {
      if (existing.state !== DomainState.Shutoff) existing.newDef = def;
      else existing.def = def;
      existing.persistent = true;
      return this.dom(existing);
    }
    return this.dom(this.state.add(def, true));
  }

  async createXML(xml: string, flags: CreateXMLFlags = {}): Promise<Domain> {
    if (this.readonly) throw readOnlyError(flags.passFds?.length ? 'virDomainCreateXMLWithFiles' : 'virDomainCreateXML');
    // VIR_DOMAIN_START_VALIDATE is the one flag the test driver's createXML takes
    const bits = startFlagBits({ paused: flags.paused, autodestroy: flags.autodestroy, resetNvram: flags.resetNvram });
    if (bits) throw unsupportedFlags(bits, 'testDomainCreateXML');
    if (flags.validate) validateModule().validateTestDomain(xml);
    const def = parseTestDomain(xml);
    const existing = this.state.checkClash(def, true);
    let obj: DomainObj;
    if (existing) {
      // a defined, shut-off domain started from new XML: the XML is the live definition
      existing.newDef = existing.def;
      existing.def = def;
      obj = existing;
    } else {
      obj = this.state.add(def, false);
    }
    this.state.startState(obj, 'booted');
    return this.dom(obj);
  }

  get networks(): TestNetworks { return this.state.networks; }
  async listAllNetworks(flags: ListAllNetworksFlags = {}): Promise<Network[]> { return networksModule().listTestNetworks(this, flags); }
  async networkLookupByName(name: string): Promise<Network> { return networksModule().testNetworkByName(this, name); }
  async networkLookupByUUIDString(uuid: string): Promise<Network> { return networksModule().testNetworkByUUID(this, uuid); }
  async networkDefineXML(xml: string, flags: { validate?: boolean } = {}): Promise<Network> { return networksModule().testNetworkDefine(this, xml, flags); }
  async networkCreateXML(xml: string, flags: { validate?: boolean } = {}): Promise<Network> { return networksModule().testNetworkCreate(this, xml, flags); }

  async domainXMLToNative(format: string, xml: string): Promise<string> {
    return nativeConverter('virConnectDomainXMLToNative').domainXMLToNative(format, xml);
  }

  async domainXMLFromNative(format: string, config: string): Promise<string> {
    return nativeConverter('virConnectDomainXMLFromNative').domainXMLFromNative(format, config);
  }

  async getAllDomainStats(groups: StatsGroup[], flags: DomainStatsFlags = {}): Promise<DomainStatsRecord[]> {
    return statsModule().collectDomainStats(this, undefined, groups, flags, TEST_STATS_GROUPS);
  }

  async domainListGetStats(domains: Domain[], groups: StatsGroup[], flags: DomainStatsFlags = {}): Promise<DomainStatsRecord[]> {
    return statsModule().collectDomainStats(this, domains, groups, flags, TEST_STATS_GROUPS);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.refs--;
    if (this.state === sharedDefault && this.state.refs <= 0) sharedDefault = undefined;
  }
}

const MODE_BITS: Record<ShutdownMode, number> = { acpi: 1, agent: 2, initctl: 4, signal: 8, paravirt: 16 };

function modeBits(modes: ShutdownMode[] = []): number {
  return modes.reduce((b, m) => b | MODE_BITS[m], 0);
}

function startFlagBits(f: StartFlags): number {
  return (f.paused ? 1 : 0) | (f.autodestroy ? 2 : 0) | (f.bypassCache ? 4 : 0) | (f.forceBoot ? 8 : 0) | (f.resetNvram ? 0x20 : 0);
}

function unsupportedFlags(bits: number, fn: string): VirError {
  return new VirError('VIR_ERR_INVALID_ARG', `unsupported flags (0x${bits.toString(16)}) in function ${fn}`);
}

interface NativeConverter {
  domainXMLToNative(format: string, xml: string): string;
  domainXMLFromNative(format: string, config: string): string;
}

/** The bhyve argv converter lives in src/core/bhyve/native.ts; loaded only when asked for. */
function nativeConverter(api: string): NativeConverter {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../bhyve/native') as NativeConverter;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${api}`);
  }
}

/** Driver entry point, registered for the 'test' scheme in src/core/connect.ts. */
export async function openTestConnection(uri: ParsedURI, opts: OpenOptions): Promise<Connection> {
  if (uri.host) {
    throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor',
      { detail: `no connection driver available for ${uri.raw}` });
  }
  if (uri.path === '' || uri.path === '/') {
    throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor',
      { detail: 'invalid argument: testOpen: supply a path or use test:///default' });
  }
  let state: TestDriverState;
  if (uri.path === '/default') {
    sharedDefault ??= new TestDriverState(defaultNode());
    state = sharedDefault;
  } else {
    try {
      state = new TestDriverState(loadNodeFile(uri.path));
    } catch (e) {
      if (e instanceof VirError && e.code !== 'VIR_ERR_NO_CONNECT') {
        throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail: e.message, cause: e });
      }
      throw e;
    }
  }
  return new TestConnection(state, uri.raw, !!opts.readonly);
}
