/**
 * Connection / Domain for bhyve hosts (DESIGN §2–§4): bhyve:///system (the
 * real FreeBSD host) and sim:///default, sim:///ABS/DIR (the simulated host),
 * one code path. Definitions live in the host's state tree (host.ts), running
 * guests are supervised by bvirsh-monitor (process.ts), live statistics come
 * from the native addon (src/core/vmm.ts, loaded on first use).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import type {
  BlockInfo, Connection, CpuStats, Domain, DomainInfo, DomainStateInfo, ListAllDomainsFlags, ListAllNetworksFlags, MemoryStats, Network, NodeInfo,
  OpenOptions, ShutdownMode, ShutdownOptions, StartFlags, VcpuCountFlags, VcpuInfo, XMLDescFlags,
  ConsoleOptions, CreateXMLFlags, SetMemoryFlags, SetVcpusFlags,
} from '../api';
import { DomainState } from '../api';
import { DEFAULT_VNC_LISTEN, type DomainDef, type InterfaceDef } from '../conf/domain';
import { VirError, diskNotAssigned, readOnlyError, secureReadOnlyError } from '../errors';
import { diskSizes } from './disk-info';
import type { DomainStatsFlags, DomainStatsRecord, StatsGroup } from '../domain-stats';
import type { ParsedURI } from '../uri';
import { applyBhyveDefaults, formatDomainXML, parseDomainXML } from './conf';
import { realHost, simHost, type BhyveHost } from './host';
import {
  bootedDefinitionPath, buildBootPlan, currentDefinitionPath, planTokens, preflight, recordBootedDefinition, resetNvram, tapBackedInterfaces,
} from './plan';
import { validateDomainModel } from '../conf/validate';
import {
  alreadyRunning, awaitState, destroyGuest, liveness, notRunning, sendRequest, startGuest, type Liveness,
} from './process';
import { atomicWriteFile, readIfExists, readLiveState, removeDeadTempFiles, unlinkIfExists, validateDomainName } from './state';
import * as live from './live';
import { releaseClaims } from './claims';
import { openConsole, type ConsoleSession } from './console';
import { activeNetworkBridge, BhyveNetworks } from './network';
import { setMemory, setVcpus, type ResizeTarget } from './resize';

const PKG_VERSION = 1000; // bvirsh 0.1.0 in libvirt's major*1e6+minor*1e3+micro encoding

export async function openBhyveConnection(uri: ParsedURI, opts: OpenOptions): Promise<Connection> {
  if (uri.host) {
    throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail: `remote hosts are not supported yet: ${uri.raw}` });
  }
  if (uri.scheme === 'bhyve') {
    if (uri.path !== '/system') {
      throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail: `unexpected bhyve URI path '${uri.path}', try bhyve:///system` });
    }
    return new BhyveConnection(realHost(), !!opts.readonly);
  }
  return new BhyveConnection(simHost(uri.path), !!opts.readonly);
}

/** bhyve's only way to ask a guest is the ACPI power button (SIGTERM to bhyve). */
function checkModes(modes: ShutdownMode[] | undefined, api: string): void {
  const other = (modes ?? []).filter((m) => m !== 'acpi');
  if (other.length) throw new VirError('VIR_ERR_ARGUMENT_UNSUPPORTED', `argument unsupported: ${api}: bhyve supports only --mode acpi, not ${other.join(',')}`);
}

/**
 * --pass-fds: libvirt's bhyve driver has no virDomainCreateWithFiles (bhyve has no
 * way to take descriptors for its guest), so libvirt answers "not supported" after
 * its read-only check; so do we.
 */
function filesUnsupported(conn: { checkWritable(api: string): void }, api: string): VirError {
  conn.checkWritable(api);
  return new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${api}`);
}

function noDomain(name: string): VirError {
  return new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching name '${name}'`);
}

/**
 * The host CPU's clock in MHz for nodeinfo. libuv reads it from cpufreq on
 * Linux, which virtual machines often lack (speed 0); libvirt's nodeinfo
 * reads /proc/cpuinfo there, so the simulated host does too. (On FreeBSD
 * libuv reports hw.clockrate, as libvirt's bhyve driver does.)
 */
function cpuMHz(reported: number): number {
  if (reported > 0 || process.platform !== 'linux') return reported;
  const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readIfExists('/proc/cpuinfo') ?? '');
  return m ? Math.floor(Number(m[1])) : 0;
}

/**
 * Start a guest's supervisor with its first boot plan, built here so that bad
 * input fails before anything runs. The taps and VNC port the plan claimed
 * (claims.ts) are released once the supervisor has recorded them, or the
 * start failed.
 */
async function bootGuest(host: BhyveHost, name: string, autodestroy: boolean): Promise<void> {
  try {
    const firstPlan = planTokens(buildBootPlan(host, name));
    recordBootedDefinition(host, name); // the first boot's live definition (plan-main records each later boot's)
    await startGuest(host, name, { firstPlan, autodestroy });
  } finally {
    releaseClaims(host, name);
  }
}

/** domstats' module, loaded on first use */
function statsModule(): typeof import('../domain-stats') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../domain-stats');
}

/** the domstats groups the Domain API here can fill (see domain-stats.ts) */
const BHYVE_STATS_GROUPS: readonly StatsGroup[] = ['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block'];

export class BhyveConnection implements Connection {
  private readonly networks: BhyveNetworks;
  constructor(readonly host: BhyveHost, private readonly readonly: boolean) {
    this.networks = new BhyveNetworks(this, host);
  }

  async listAllNetworks(flags: ListAllNetworksFlags = {}): Promise<Network[]> { return this.networks.list(flags); }
  async networkLookupByName(name: string): Promise<Network> { return this.networks.byName(name); }
  async networkLookupByUUIDString(uuid: string): Promise<Network> { return this.networks.byUUID(uuid); }
  async networkDefineXML(xml: string, flags: { validate?: boolean } = {}): Promise<Network> { return this.networks.define(xml, flags); }
  async networkCreateXML(xml: string, flags: { validate?: boolean } = {}): Promise<Network> { return this.networks.create(xml, flags); }

  getURI(): string { return this.host.uri; }
  getType(): string { return this.host.kind === 'sim' ? 'bhyve (simulated)' : 'BHYVE'; }
  /** (no libvirt here: the library is bvirsh itself) */
  readonly libraryName = 'bvirsh';
  async getLibVersion(): Promise<number> { return PKG_VERSION; }
  async getVersion(): Promise<number> { return live.hypervisorVersion(this.host); }
  async getHostname(): Promise<string> { return hostname(); }
  async isAlive(): Promise<boolean> { return existsSync(this.host.vmmDir); }
  async isSecure(): Promise<boolean> { return existsSync(this.host.vmmDir); }
  async isEncrypted(): Promise<boolean> { return false; }
  isReadOnly(): boolean { return this.readonly; }
  async getMaxVcpus(): Promise<number> { return live.hostMaxCpus(this.host); }
  async getCapabilities(): Promise<string> { return live.capabilities(this.host); }

  async getNodeInfo(): Promise<NodeInfo> {
    const c = cpus();
    return {
      model: 'x86_64', memory: Math.floor(totalmem() / 1024), cpus: c.length, mhz: cpuMHz(c[0]?.speed ?? 0),
      nodes: 1, sockets: 1, cores: c.length, threads: 1,
    };
  }

  /** Names of every guest: persistent definitions and transient running ones. */
  names(): string[] {
    const set = new Set<string>();
    for (const dir of [this.host.domainsDir, this.host.runDir]) {
      let files: string[] = [];
      try { files = readdirSync(dir); } catch { /* empty host */ }
      for (const f of files) {
        if (!f.endsWith('.xml') || f.startsWith('.')) continue;
        if (f.endsWith('.device.map')) continue;
        set.add(f.slice(0, -4));
      }
    }
    return [...set].sort();
  }

  async listAllDomains(flags: ListAllDomainsFlags = {}): Promise<Domain[]> {
    const out: Domain[] = [];
    for (const name of this.names()) {
      const d = new BhyveDomain(this, name);
      const lv = d.liveness();
      const persistent = existsSync(join(this.host.domainsDir, `${name}.xml`));
      // libvirt's flag groups: within a group any flag matches, groups combine with AND
      if ((flags.active || flags.inactive) && !((flags.active && lv.active) || (flags.inactive && !lv.active))) continue;
      if ((flags.persistent || flags.transient) && !((flags.persistent && persistent) || (flags.transient && !persistent))) continue;
      if (flags.running || flags.paused || flags.shutoff || flags.other) {
        const st = lv.state;
        const other = ![DomainState.Running, DomainState.Paused, DomainState.Shutoff].includes(st);
        if (!((flags.running && st === DomainState.Running) || (flags.paused && st === DomainState.Paused)
          || (flags.shutoff && st === DomainState.Shutoff) || (flags.other && other))) continue;
      }
      const auto = d.autostartLinked();
      if ((flags.autostart || flags.noAutostart) && !((flags.autostart && auto) || (flags.noAutostart && !auto))) continue;
      if (!lv.active && !persistent) continue; // a transient guest that just went away
      out.push(d);
    }
    return out;
  }

  async lookupByName(name: string): Promise<Domain> {
    validateDomainName(name);
    const d = new BhyveDomain(this, name);
    if (!existsSync(join(this.host.domainsDir, `${name}.xml`))) d.liveness(); // a stopped transient guest goes now
    if (!currentDefinitionPath(this.host, name)) throw noDomain(name);
    return d;
  }

  async lookupByID(id: number): Promise<Domain> {
    for (const name of this.names()) {
      const d = new BhyveDomain(this, name);
      const lv = d.liveness();
      if (lv.active && lv.live?.id === id) return d;
    }
    throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching id ${id}`);
  }

  async lookupByUUIDString(uuid: string): Promise<Domain> {
    const want = uuid.toLowerCase();
    for (const name of this.names()) {
      const d = new BhyveDomain(this, name);
      try { if ((d.definition().uuid ?? '').toLowerCase() === want) return d; } catch { /* unreadable: skip */ }
    }
    throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching uuid '${uuid}'`);
  }

  private denyIfReadOnly(api: string): void {
    if (this.readonly) throw readOnlyError(api);
  }
  checkWritable(api: string): void { this.denyIfReadOnly(api); }

  /** Parse, validate, fill in what the definition must keep from now on (UUID, MACs, addresses). */
  private prepare(xml: string): DomainDef {
    const def = parseDomainXML(xml);
    validateDomainName(def.name);
    const path = currentDefinitionPath(this.host, def.name);
    const old = path ? parseDomainXML(readFileSync(path, 'utf8')) : undefined;
    if (old) {
      if (def.uuid && old.uuid && def.uuid.toLowerCase() !== old.uuid.toLowerCase()) {
        throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: domain '${def.name}' already exists with uuid ${old.uuid}`);
      }
      def.uuid ??= old.uuid;
      // MACs are assigned once: a redefinition without them keeps the old ones
      def.devices.interfaces.forEach((n, i) => { n.mac ??= old.devices.interfaces[i]?.mac; });
    }
    def.uuid ??= randomUUID();
    for (const other of this.names()) {
      if (other === def.name) continue;
      try {
        const od = new BhyveDomain(this, other).definition();
        if (od.uuid && od.uuid.toLowerCase() === def.uuid.toLowerCase()) {
          throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: domain '${other}' already exists with uuid ${od.uuid}`);
        }
      } catch (e) { if (e instanceof VirError && e.code === 'VIR_ERR_OPERATION_FAILED') throw e; }
    }
    return applyBhyveDefaults(def);
  }

  async defineXML(xml: string, flags: { validate?: boolean } = {}): Promise<Domain> {
    this.denyIfReadOnly('virDomainDefineXMLFlags');
    if (flags.validate) validateDomainModel(xml);
    const def = this.prepare(xml);
    removeDeadTempFiles(this.host.domainsDir);
    atomicWriteFile(join(this.host.domainsDir, `${def.name}.xml`), formatDomainXML(def, { inactive: true }));
    // a running transient guest becomes persistent
    unlinkIfExists(join(this.host.runDir, `${def.name}.xml`));
    return new BhyveDomain(this, def.name);
  }

  async createXML(xml: string, flags: CreateXMLFlags = {}): Promise<Domain> {
    if (flags.passFds?.length) throw filesUnsupported(this, 'virDomainCreateXMLWithFiles');
    this.denyIfReadOnly('virDomainCreateXML');
    if (flags.validate) validateDomainModel(xml);
    const def = this.prepare(xml);
    const d = new BhyveDomain(this, def.name);
    if (existsSync(join(this.host.domainsDir, `${def.name}.xml`)) || d.liveness().active) {
      const uuid = d.liveness().active ? def.uuid : (() => { try { return d.definition().uuid; } catch { return def.uuid; } })();
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: domain '${def.name}' already exists with uuid ${uuid}`);
    }
    preflight(this.host, def);
    if (flags.resetNvram) resetNvram(this.host, def);
    unlinkIfExists(join(this.host.runDir, `${def.name}.json`)); // an old run's state is not this guest's
    const path = join(this.host.runDir, `${def.name}.xml`);
    atomicWriteFile(path, formatDomainXML(def, { inactive: true }));
    try {
      await bootGuest(this.host, def.name, !!flags.autodestroy);
    } catch (e) {
      if (!d.liveness().active) unlinkIfExists(path);
      throw e;
    }
    if (flags.autodestroy) this.noteAutodestroy(def.name);
    if (flags.paused) await d.pauseAfterStart();
    return d;
  }

  /**
   * Guests this connection started with autodestroy, by the supervisor run
   * that holds them: closing the connection destroys them (libvirt does so
   * when the client disconnects). Should this process die first, each
   * supervisor notices that itself (bvirsh-monitor --autodestroy).
   */
  private readonly autodestroyed = new Map<string, { monitorPid: number; startedAt: number }>();

  noteAutodestroy(name: string): void {
    const st = readLiveState(this.host.runDir, name);
    if (st) this.autodestroyed.set(name, { monitorPid: st.monitor_pid, startedAt: st.started_at });
  }

  async domainXMLToNative(format: string, xml: string): Promise<string> {
    return live.xmlToNative(format, xml);
  }

  async domainXMLFromNative(format: string, config: string): Promise<string> {
    return live.xmlFromNative(format, config);
  }

  async getDomainCapabilities(query: { emulatorbin?: string; arch?: string; machine?: string; virttype?: string }): Promise<string> {
    return live.domainCapabilities(this.host, query);
  }

  async getCPUModelNames(arch: string): Promise<string[]> {
    return live.cpuModelNames(this.host, arch);
  }

  async getAllDomainStats(groups: StatsGroup[], flags: DomainStatsFlags = {}): Promise<DomainStatsRecord[]> {
    return statsModule().collectDomainStats(this, undefined, groups, flags, BHYVE_STATS_GROUPS);
  }

  async domainListGetStats(domains: Domain[], groups: StatsGroup[], flags: DomainStatsFlags = {}): Promise<DomainStatsRecord[]> {
    return statsModule().collectDomainStats(this, domains, groups, flags, BHYVE_STATS_GROUPS);
  }

  async close(): Promise<void> {
    // nothing is held open; only the autodestroy guests end with the connection
    for (const [name, run] of this.autodestroyed) {
      this.autodestroyed.delete(name);
      const lv = liveness(this.host, name, false);
      const st = readLiveState(this.host.runDir, name);
      if (!lv.active || !st || st.monitor_pid !== run.monitorPid || st.started_at !== run.startedAt) continue; // not that run any more
      await destroyGuest(this.host, name, lv).catch(() => undefined); // its supervisor will see this process end anyway
    }
  }
}

export class BhyveDomain implements Domain {
  constructor(readonly connection: BhyveConnection, private readonly name: string) {}

  private get host(): BhyveHost { return this.connection.host; }
  getName(): string { return this.name; }

  liveness(): Liveness { return liveness(this.host, this.name, this.connection.isReadOnly()); }

  definition(): DomainDef {
    const path = currentDefinitionPath(this.host, this.name);
    if (!path) throw noDomain(this.name);
    return parseDomainXML(readFileSync(path, 'utf8'));
  }

  /** The text of the definition a running guest booted from (a config edit shows from the next boot); else the current one. */
  private liveDefinitionText(lv: Liveness = this.liveness()): string {
    const path = currentDefinitionPath(this.host, this.name);
    if (!path) throw noDomain(this.name);
    const booted = lv.active && !path.startsWith(this.host.runDir) ? readIfExists(bootedDefinitionPath(this.host, this.name)) : undefined;
    return booted ?? readFileSync(path, 'utf8');
  }

  /** The live definition of a running guest, else the persistent one. */
  liveDefinition(lv: Liveness = this.liveness()): DomainDef {
    return parseDomainXML(this.liveDefinitionText(lv));
  }

  autostartLinked(): boolean {
    try { lstatSync(join(this.host.autostartDir, `${this.name}.xml`)); return true; } catch { return false; }
  }

  async getID(): Promise<number> {
    const lv = this.liveness();
    return lv.active ? lv.live?.id ?? -1 : -1;
  }
  async getUUIDString(): Promise<string> { return this.definition().uuid ?? ''; }
  async getOSType(): Promise<string> { return 'hvm'; }

  async getInfo(): Promise<DomainInfo> {
    const lv = this.liveness();
    const def = this.liveDefinition(lv);
    return {
      state: lv.state,
      maxMem: def.memory,
      memory: def.currentMemory ?? def.memory,
      nrVirtCpu: def.vcpuCurrent ?? def.vcpu,
      cpuTime: lv.active && lv.live ? await live.domainCpuTime(this.host, this.name, lv.live.bhyve_pid, def) : 0n,
    };
  }

  async getState(): Promise<DomainStateInfo> {
    const lv = this.liveness();
    return { state: lv.state, reason: lv.reason };
  }

  async getXMLDesc(flags: XMLDescFlags = {}): Promise<string> {
    // libvirt's API layer: a read-only connection never sees passwords
    if (flags.secure && this.connection.isReadOnly()) throw secureReadOnlyError();
    const lv = this.liveness();
    let text = flags.inactive ? this.persistentText() : this.liveDefinitionText(lv);
    if (!flags.inactive && lv.active) {
      // the live XML names each interface's tap and the VNC port, as libvirt's does
      const def = parseDomainXML(text);
      const taps = this.liveTaps(def, lv);
      for (const [n, tap] of taps) n.targetDev = tap;
      // a network interface shows the bridge it joined, as libvirt's live XML does
      let networkBridges = false;
      for (const n of taps.keys()) {
        const br = n.type === 'network' && n.source?.network !== undefined ? activeNetworkBridge(this.host, n.source.network) : undefined;
        if (br !== undefined) { n.source = { ...n.source, bridge: br }; networkBridges = true; }
      }
      const g = def.devices.graphics[0];
      const vncPort = lv.live?.vnc_port;
      const vnc = g !== undefined && typeof vncPort === 'number';
      if (vnc) {
        g.port = vncPort;
        // the address bhyve was given (command.ts), so vncdisplay tells where to connect
        if (g.listen === undefined && !g.listens?.length) g.listen = DEFAULT_VNC_LISTEN;
      }
      if (taps.size > 0 || vnc || networkBridges) text = formatDomainXML(def, {});
    }
    // the VNC password only with VIR_DOMAIN_XML_SECURE (dumpxml --security-info, edit), as libvirt
    const hidePassword = !flags.secure && / passwd=/.test(text);
    if (flags.inactive || flags.migratable || flags.updateCpu || hidePassword) {
      text = formatDomainXML(parseDomainXML(text), { inactive: flags.inactive, secure: !!flags.secure });
    }
    // the live XML names the running guest's id, as libvirt's does
    if (!flags.inactive && lv.active && lv.live && lv.live.id > 0) text = text.replace(/^<domain type='bhyve'/, `<domain type='bhyve' id='${lv.live.id}'`);
    return text;
  }

  async getMaxMemory(): Promise<number> { return this.liveDefinition().memory; }

  /** the definition the next boot uses (dumpxml --inactive) */
  private persistentText(): string {
    const path = currentDefinitionPath(this.host, this.name);
    if (!path) throw noDomain(this.name);
    return readFileSync(path, 'utf8');
  }

  private activeLive(): NonNullable<Liveness['live']> {
    const lv = this.liveness();
    if (!lv.active || !lv.live) throw notRunning();
    return lv.live;
  }

  async getVcpus(): Promise<VcpuInfo[]> {
    this.activeLive();
    return live.vcpuInfo(this.host, this.name, this.liveDefinition());
  }

  async getVcpuPinInfo(): Promise<boolean[][]> {
    return live.vcpuPinMaps(this.definition(), cpus().length);
  }

  async getVcpusFlags(flags: VcpuCountFlags = {}): Promise<number> {
    const lv = this.liveness();
    if (flags.live && !lv.active) throw notRunning();
    const def = flags.config ? this.definition() : this.liveDefinition(lv);
    if (flags.maximum) return def.vcpu;
    return def.vcpuCurrent ?? def.vcpu;
  }

  async getMaxVcpus(): Promise<number> { return live.hostMaxCpus(this.host); }

  /** what a resize needs to know (the definition must exist: a vanished domain is "not found") */
  private resizeTarget(): ResizeTarget {
    if (!currentDefinitionPath(this.host, this.name)) throw noDomain(this.name);
    return { host: this.host, name: this.name, active: this.liveness().active, persistent: existsSync(join(this.host.domainsDir, `${this.name}.xml`)) };
  }

  async setMemoryFlags(kib: number | bigint, flags: SetMemoryFlags = {}): Promise<void> {
    this.connection.checkWritable('virDomainSetMemoryFlags');
    setMemory(this.resizeTarget(), kib, flags);
  }

  async setMaxMemory(kib: number | bigint): Promise<void> {
    this.connection.checkWritable('virDomainSetMaxMemory');
    setMemory(this.resizeTarget(), kib, { maximum: true });
  }

  async setVcpusFlags(count: number, flags: SetVcpusFlags = {}, api: 'virDomainSetVcpus' | 'virDomainSetVcpusFlags' = 'virDomainSetVcpusFlags'): Promise<void> {
    this.connection.checkWritable(api);
    setVcpus(this.resizeTarget(), count, flags, api, await live.hostMaxCpus(this.host));
  }

  async memoryStats(): Promise<MemoryStats> {
    this.activeLive();
    return live.memoryStats(this.host, this.name, this.liveDefinition());
  }

  async getCPUStats(): Promise<CpuStats> {
    const l = this.activeLive();
    return live.cpuStats(this.host, this.name, l.bhyve_pid);
  }

  async isActive(): Promise<boolean> { return this.liveness().active; }
  async isPersistent(): Promise<boolean> { return existsSync(join(this.host.domainsDir, `${this.name}.xml`)); }
  async hasManagedSaveImage(): Promise<boolean> { return false; }
  async getAutostart(): Promise<boolean> { return this.autostartLinked(); }

  async setAutostart(autostart: boolean): Promise<void> {
    this.connection.checkWritable('virDomainSetAutostart');
    if (!(await this.isPersistent())) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot set autostart for transient domain');
    }
    const link = join(this.host.autostartDir, `${this.name}.xml`);
    if (autostart) {
      if (!this.autostartLinked()) symlinkSync(join(this.host.domainsDir, `${this.name}.xml`), link);
    } else {
      unlinkIfExists(link);
    }
  }

  // A running guest's devices are those it booted with (liveDefinition), as libvirt's live XML;
  // --inactive, and a stopped guest, show the definition.
  async getBlockDevices(flags: { inactive?: boolean } = {}): Promise<Array<{ type: string; device: string; target: string; source: string }>> {
    const def = flags.inactive ? this.definition() : this.liveDefinition();
    return def.devices.disks.map((d) => ({
      type: d.type, device: d.device, target: d.target.dev, source: d.source.path ?? '-',
    }));
  }

  async getBlockInfo(disk: string): Promise<BlockInfo> {
    const d = this.liveDefinition().devices.disks.find((x) => x.target.dev === disk || (x.source.path !== undefined && x.source.path === disk));
    if (!d) throw diskNotAssigned(disk);
    if (d.source.path === undefined) {
      throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: disk '${d.target.dev}' does not currently have a source assigned`);
    }
    return diskSizes(this.host, d.source.path);
  }

  async getInterfaces(flags: { inactive?: boolean } = {}): Promise<Array<{ name: string; type: string; source: string; model: string; mac: string }>> {
    const lv = this.liveness();
    // the taps were recorded in the order of the booted definition's interfaces
    const def = flags.inactive ? this.definition() : this.liveDefinition(lv);
    const taps = flags.inactive ? new Map<InterfaceDef, string>() : this.liveTaps(def, lv);
    return def.devices.interfaces.map((n) => ({
      name: taps.get(n) ?? '-', type: n.type, source: n.source?.bridge ?? n.source?.network ?? '-',
      model: n.model ?? '-', mac: n.mac ?? '-',
    }));
  }

  /** The running guest's tap of each tap-backed interface (none when it is not running). */
  private liveTaps(def: DomainDef, lv: Liveness = this.liveness()): Map<InterfaceDef, string> {
    const names = lv.active ? lv.live?.taps ?? [] : [];
    const out = new Map<InterfaceDef, string>();
    tapBackedInterfaces(def).forEach((n, i) => {
      if (names[i] !== undefined) out.set(n, names[i]);
    });
    return out;
  }

  async getTime(): Promise<{ seconds: number; nseconds: number }> {
    this.activeLive();
    return live.getTime(this.host, this.name, this.liveDefinition());
  }

  async setTime(time: { seconds: number; nseconds: number } | { sync: true }): Promise<void> {
    this.connection.checkWritable('virDomainSetTime');
    this.activeLive();
    await live.setTime(this.host, this.name, this.liveDefinition(), time);
  }

  async injectNMI(): Promise<void> {
    this.connection.checkWritable('virDomainInjectNMI');
    this.activeLive();
    await live.injectNMI(this.host, this.name);
  }

  getDefinitionPath(): string | undefined {
    const p = join(this.host.domainsDir, `${this.name}.xml`);
    return existsSync(p) ? p : undefined;
  }

  async openConsole(opts: ConsoleOptions = {}): Promise<ConsoleSession> {
    this.connection.checkWritable('virDomainOpenConsole');
    // VIR_DOMAIN_CONSOLE_SAFE (0x2): libvirt's bhyve driver takes no flags at all; we do
    // --force (0x1), a session ended and taken over, but no "safe" mode
    if (opts.safe) throw new VirError('VIR_ERR_INVALID_ARG', 'unsupported flags (0x2) in function bhyveDomainOpenConsole');
    this.activeLive();
    return openConsole(this.host, this.name, this.liveDefinition(), opts);
  }

  async create(flags: StartFlags = {}): Promise<void> {
    if (flags.passFds?.length) throw filesUnsupported(this.connection, 'virDomainCreateWithFiles');
    this.connection.checkWritable('virDomainCreate');
    const lv = this.liveness();
    if (lv.active) throw alreadyRunning();
    const path = join(this.host.domainsDir, `${this.name}.xml`);
    if (!existsSync(path)) throw noDomain(this.name);
    if (flags.resetNvram) resetNvram(this.host, this.definition());
    await bootGuest(this.host, this.name, !!flags.autodestroy);
    if (flags.autodestroy) this.connection.noteAutodestroy(this.name);
    if (flags.paused) await this.pauseAfterStart();
  }

  /** start --paused: bhyve has no start-paused switch; stop it right after it is up. */
  async pauseAfterStart(): Promise<void> {
    sendRequest(this.host, this.name, 'suspend', this.liveness());
    await this.awaitOrFail((l) => l.state === DomainState.Paused || !l.active, 'suspend');
  }

  async destroy(flags: { graceful?: boolean } = {}): Promise<void> {
    this.connection.checkWritable('virDomainDestroy');
    const lv = this.liveness();
    if (!lv.active) throw notRunning();
    // graceful: vm_suspend(POWEROFF) through bhyvectl instead of SIGKILL
    await destroyGuest(this.host, this.name, lv, !!flags.graceful);
  }

  async shutdown(opts: ShutdownOptions = {}): Promise<void> {
    this.connection.checkWritable('virDomainShutdown');
    checkModes(opts.mode, 'virDomainShutdownFlags');
    const lv = this.liveness();
    if (!lv.active) throw notRunning();
    sendRequest(this.host, this.name, 'shutdown', lv);
    if (opts.timeout === undefined) return;
    const off = await awaitState(this.host, this.name, (l) => !l.active, opts.timeout * 1000);
    if (off) return;
    const now = this.liveness();
    if (now.active) await destroyGuest(this.host, this.name, now);
  }

  async reboot(opts: { mode?: ShutdownMode[] } = {}): Promise<void> {
    this.connection.checkWritable('virDomainReboot');
    checkModes(opts.mode, 'virDomainReboot');
    sendRequest(this.host, this.name, 'reboot', this.liveness());
  }

  async reset(): Promise<void> {
    this.connection.checkWritable('virDomainReset');
    sendRequest(this.host, this.name, 'reset', this.liveness());
  }

  async suspend(): Promise<void> {
    this.connection.checkWritable('virDomainSuspend');
    const lv = this.liveness();
    if (lv.state === DomainState.Paused) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is already paused');
    sendRequest(this.host, this.name, 'suspend', lv);
    await this.awaitOrFail((l) => l.state === DomainState.Paused || !l.active, 'suspend');
  }

  async resume(): Promise<void> {
    this.connection.checkWritable('virDomainResume');
    const lv = this.liveness();
    if (lv.active && lv.state !== DomainState.Paused) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not paused');
    }
    sendRequest(this.host, this.name, 'resume', lv);
    await this.awaitOrFail((l) => l.state === DomainState.Running || !l.active, 'resume');
  }

  async awaitOrFail(done: (l: Liveness) => boolean, what: string): Promise<void> {
    const r = await awaitState(this.host, this.name, done, 10000);
    if (!r) throw new VirError('VIR_ERR_OPERATION_TIMEOUT', `Timed out during operation: cannot ${what} domain '${this.name}'`);
  }

  async undefine(): Promise<void> {
    this.connection.checkWritable('virDomainUndefineFlags');
    const path = join(this.host.domainsDir, `${this.name}.xml`);
    const text = readIfExists(path);
    if (text === undefined) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot undefine transient domain');
    }
    unlinkIfExists(join(this.host.autostartDir, `${this.name}.xml`));
    if (this.liveness().active) {
      // still running: it lives on as a transient guest (with the definition it booted from) until it stops
      atomicWriteFile(join(this.host.runDir, `${this.name}.xml`), readIfExists(bootedDefinitionPath(this.host, this.name)) ?? text);
      unlinkIfExists(bootedDefinitionPath(this.host, this.name));
      unlinkSync(path);
      return;
    }
    unlinkSync(path);
    unlinkIfExists(join(this.host.runDir, `${this.name}.json`));
  }
}
