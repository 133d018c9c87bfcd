/**
 * Virtual networks on bhyve hosts (vm-bhyve's "virtual switches"), as
 * libvirt's network driver keeps them, for bhyve:///system and sim:///:
 *
 *   networksDir/NAME.xml                 persistent definitions
 *   networkAutostartDir/NAME.xml         autostart symlinks
 *   networkRunDir/NAME.xml + NAME.json   an active network: the definition it runs
 *                                        with, and {bridge, createdBridge, addresses}
 *
 * What a network can be here:
 *  - isolated (no <forward>): net-start creates its bridge (<bridge name>, else the
 *    first free bvirbrN, chosen at define time as libvirt does) and brings it up,
 *    with the <ip> addresses on it; net-destroy destroys that bridge;
 *  - <forward mode='bridge'/> + <bridge name='X'/>: an existing host bridge
 *    (made in rc.conf, vm-bhyve's switches); bvirsh neither makes nor removes it.
 * NAT and routed networks need firewall (pf) rules and DHCP needs dnsmasq; libvirt 9's
 * FreeBSD network driver has neither, and bvirsh does not pretend: they are refused
 * with "unsupported configuration". Host bridges are made through host.ts
 * (real: ifconfig(8), untested on FreeBSD; sim: its bridge registry).
 *
 * Guests: an <interface type='network'> joins the bridge of its (active) network;
 * networkBridgeFor() is what the boot plan asks.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Connection, ListAllNetworksFlags, Network } from '../api';
import { readOnlyError, VirError } from '../errors';
import { canonicalUUID, ipPrefix, ownsBridge, parseNetworkXML, type NetworkDef } from '../network/def';
import { formatNetworkXML } from '../network/format';
import { validateNetworkXML } from '../network/validate';
import { withFileLock } from '../vmm';
import type { BhyveHost } from './host';
import { atomicWriteFile, readIfExists, removeDeadTempFiles, unlinkIfExists } from './state';

interface ActiveState { bridge: string; createdBridge: boolean; addresses: string[] }

const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

function noNetwork(name: string): VirError {
  return new VirError('VIR_ERR_NO_NETWORK', `Network not found: no network with matching name '${name}'`);
}

function invalid(msg: string): VirError {
  return new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: ${msg}`);
}

function unsupported(msg: string): VirError {
  return new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${msg}`);
}

/** Names become file names: the same rules as domain names (no '/', no leading '.', no control characters). */
function checkName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name.startsWith('.') || /[\x00-\x1f\x7f]/.test(name) || name.length > 64) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: network name '${name}' cannot be a file name (no leading '.', no control characters, at most 64 characters)`);
  }
}

/** Paths of one network. */
function paths(host: BhyveHost, name: string) {
  return {
    config: join(host.networksDir, `${name}.xml`),
    autostart: join(host.networkAutostartDir, `${name}.xml`),
    liveXML: join(host.networkRunDir, `${name}.xml`),
    liveState: join(host.networkRunDir, `${name}.json`),
  };
}

function readDef(path: string): NetworkDef | undefined {
  const text = readIfExists(path);
  return text === undefined ? undefined : parseNetworkXML(text);
}

function readActive(host: BhyveHost, name: string): ActiveState | undefined {
  const text = readIfExists(paths(host, name).liveState);
  if (text === undefined) return undefined;
  try { return JSON.parse(text) as ActiveState; } catch { return undefined; }
}

/** Every network name: persistent definitions and active (possibly transient) ones. */
function networkNames(host: BhyveHost): string[] {
  const set = new Set<string>();
  for (const dir of [host.networksDir, host.networkRunDir]) {
    let files: string[] = [];
    try { files = readdirSync(dir); } catch { /* none yet */ }
    for (const f of files) if (f.endsWith('.xml') && !f.startsWith('.')) set.add(f.slice(0, -4));
  }
  return [...set].sort();
}

/** The definitions that claim bridge names: every network's persistent and live one. */
function allDefs(host: BhyveHost, except: string): NetworkDef[] {
  const out: NetworkDef[] = [];
  for (const n of networkNames(host)) {
    if (n === except) continue;
    for (const p of [paths(host, n).config, paths(host, n).liveXML]) {
      try { const d = readDef(p); if (d) out.push(d); } catch { /* unreadable: not ours to judge here */ }
    }
  }
  return out;
}

/** What bhyve hosts can run; checked at define, create and start. */
function checkSupported(def: NetworkDef): void {
  const mode = def.forward.mode;
  if (mode === 'nat' || mode === 'route' || mode === 'open') {
    throw unsupported(`network '${def.name}': forward mode '${mode}' needs firewall (pf) rules, which bvirsh does not set up on bhyve hosts; use an isolated network (no <forward>) or <forward mode='bridge'/> with a host bridge`);
  }
  if (mode !== 'none' && mode !== 'bridge') {
    throw unsupported(`network '${def.name}': forward mode '${mode}' is not available on FreeBSD (no macvtap or SR-IOV pools); use an isolated network or <forward mode='bridge'/>`);
  }
  if (mode === 'bridge') {
    if (def.bridge.name === undefined) throw unsupported(`network '${def.name}': forward mode 'bridge' needs <bridge name='…'/> naming an existing host bridge`);
    if (def.ips.length > 0) throw unsupported(`Unsupported <ip> element in network ${def.name} with forward mode='bridge'`);
  }
  if (def.bridge.name !== undefined && !IFNAME_RE.test(def.bridge.name)) {
    throw unsupported(`network '${def.name}': bridge name '${def.bridge.name}' is not a FreeBSD interface name (at most 15 letters, digits, '_', '.', '-')`);
  }
}

/** At start: what bvirsh cannot do for an isolated network yet. */
function checkStartable(def: NetworkDef): void {
  checkSupported(def);
  if (def.ips.some((ip) => ip.dhcp && (ip.dhcp.ranges.length > 0 || ip.dhcp.hosts.length > 0))) {
    throw unsupported(`network '${def.name}': DHCP (<dhcp>) is not served by bvirsh on bhyve hosts (libvirt runs dnsmasq for it); remove <dhcp> and give guests static addresses`);
  }
}

/** libvirt fills in a bridge name (first free bvirbrN) and a MAC when it defines an isolated network. */
function fillIn(host: BhyveHost, def: NetworkDef, old: NetworkDef | undefined): void {
  if (!ownsBridge(def.forward.mode)) return;
  const others = allDefs(host, def.name);
  const taken = new Set(others.map((d) => d.bridge.name).filter((b): b is string => b !== undefined));
  if (def.bridge.name === undefined && old?.bridge.name !== undefined && !taken.has(old.bridge.name)) def.bridge.name = old.bridge.name;
  if (def.bridge.name === undefined) {
    let i = 0;
    while (taken.has(`bvirbr${i}`) || host.bridgeExists(`bvirbr${i}`)) i++;
    def.bridge.name = `bvirbr${i}`;
  } else if (taken.has(def.bridge.name)) {
    throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: bridge name '${def.bridge.name}' already in use.`);
  }
  def.mac ??= old?.mac ?? `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

/** virNetworkObjAssignDef's clash checks against the other networks. */
function checkClash(host: BhyveHost, def: NetworkDef, live: boolean): NetworkDef | undefined {
  for (const other of networkNames(host)) {
    if (other === def.name) continue;
    const p = paths(host, other);
    let od: NetworkDef | undefined;
    try { od = readDef(p.liveXML) ?? readDef(p.config); } catch { continue; }
    if (od && od.uuid === def.uuid) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${other}' is already defined with uuid ${def.uuid}`);
    }
  }
  const p = paths(host, def.name);
  const mine = readDef(p.liveXML) ?? readDef(p.config);
  if (!mine) return undefined;
  if (mine.uuid !== def.uuid) {
    throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${def.name}' already exists with uuid ${mine.uuid}`);
  }
  if (live && existsSync(p.liveState)) throw invalid(`network is already active as '${def.name}'`);
  return mine;
}

/** Bring a network up: make (or check) its bridge, record it active. */
function startNetwork(host: BhyveHost, def: NetworkDef): void {
  checkStartable(def);
  const p = paths(host, def.name);
  const bridge = def.bridge.name!;
  let created = false;
  if (def.forward.mode === 'bridge') {
    if (!host.bridgeExists(bridge)) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${def.name}': host bridge '${bridge}' does not exist`);
    }
  } else {
    if (host.bridgeExists(bridge)) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${def.name}': bridge '${bridge}' already exists on this host`);
    }
    host.createBridge(bridge);
    created = true;
  }
  const addresses: string[] = [];
  try {
    if (created) {
      for (const ip of def.ips) {
        const family = isIP(ip.address) === 6 ? 6 : 4;
        host.addBridgeAddress(bridge, ip.address, ipPrefix(ip), family);
        addresses.push(`${ip.address}${ipPrefix(ip) === undefined ? '' : `/${ipPrefix(ip)}`}`);
      }
    }
    atomicWriteFile(p.liveXML, formatNetworkXML(def));
    const st: ActiveState = { bridge, createdBridge: created, addresses };
    atomicWriteFile(p.liveState, `${JSON.stringify(st)}\n`);
  } catch (e) {
    if (created) { try { host.destroyBridge(bridge); } catch { /* already reported */ } }
    unlinkIfExists(p.liveXML);
    unlinkIfExists(p.liveState);
    throw e;
  }
}

function stopNetwork(host: BhyveHost, name: string, st: ActiveState): void {
  const p = paths(host, name);
  // the state goes first: a bridge that cannot be destroyed must not keep the network "active"
  unlinkIfExists(p.liveState);
  unlinkIfExists(p.liveXML);
  if (st.createdBridge && host.bridgeExists(st.bridge)) host.destroyBridge(st.bridge);
}

/** The networks directories exist once a network has been defined or started (not before: a host without networks keeps its tree as it was). */
function ensureDirs(host: BhyveHost): void {
  for (const d of [host.networksDir, host.networkAutostartDir, host.networkRunDir]) mkdirSync(d, { recursive: true });
}

/** One lock for every change to a host's networks (define/start/destroy race otherwise). */
function locked<T>(host: BhyveHost, fn: () => T): T {
  ensureDirs(host);
  return withFileLock(join(host.networkRunDir, '.lock'), fn, 10000);
}

/**
 * The bridge a guest's <interface type='network'> joins: the active network's,
 * or libvirt's errors for an unknown or inactive network.
 */
export function networkBridgeFor(host: BhyveHost, name: string): string {
  if (name === '' || name.includes('/')) throw noNetwork(name);
  const st = readActive(host, name);
  if (st) {
    if (!host.bridgeExists(st.bridge)) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${name}': its bridge '${st.bridge}' has gone from the host`);
    }
    return st.bridge;
  }
  if (existsSync(paths(host, name).config)) throw invalid(`network '${name}' is not active`);
  throw noNetwork(name);
}

/** The bridge of an active network, or undefined (the live domain XML shows it). */
export function activeNetworkBridge(host: BhyveHost, name: string): string | undefined {
  if (name === '' || name.includes('/')) return undefined;
  return readActive(host, name)?.bridge;
}

export class BhyveNetwork implements Network {
  constructor(readonly connection: Connection, private readonly host: BhyveHost, private readonly name: string) {}

  private get p() { return paths(this.host, this.name); }
  private writable(api: string): void { if (this.connection.isReadOnly()) throw readOnlyError(api); }
  private exists(): void { if (!existsSync(this.p.config) && !existsSync(this.p.liveState)) throw noNetwork(this.name); }

  /** the definition it runs with when active, else the persistent one */
  private def(): NetworkDef {
    const d = (existsSync(this.p.liveState) ? readDef(this.p.liveXML) : undefined) ?? readDef(this.p.config);
    if (!d) throw noNetwork(this.name);
    return d;
  }

  getName(): string { return this.name; }
  async getUUIDString(): Promise<string> { return this.def().uuid; }

  async getBridgeName(): Promise<string> {
    const b = readActive(this.host, this.name)?.bridge ?? this.def().bridge.name;
    if (b === undefined) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: network '${this.name}' does not have a bridge name.`);
    return b;
  }

  async getXMLDesc(flags: { inactive?: boolean } = {}): Promise<string> {
    const d = flags.inactive ? readDef(this.p.config) ?? this.def() : this.def();
    return formatNetworkXML(d);
  }

  async isActive(): Promise<boolean> { this.exists(); return existsSync(this.p.liveState); }
  async isPersistent(): Promise<boolean> { this.exists(); return existsSync(this.p.config); }

  async getAutostart(): Promise<boolean> {
    this.exists();
    try { lstatSync(this.p.autostart); return true; } catch { return false; }
  }

  async setAutostart(autostart: boolean): Promise<void> {
    this.writable('virNetworkSetAutostart');
    this.exists();
    if (!existsSync(this.p.config)) throw invalid('cannot set autostart for transient network');
    if (!autostart) { unlinkIfExists(this.p.autostart); return; }
    ensureDirs(this.host);
    if (!(await this.getAutostart())) symlinkSync(this.p.config, this.p.autostart);
  }

  async create(): Promise<void> {
    this.writable('virNetworkCreate');
    locked(this.host, () => {
      this.exists();
      if (existsSync(this.p.liveState)) throw invalid('network is already active');
      const def = readDef(this.p.config);
      if (!def) throw noNetwork(this.name);
      startNetwork(this.host, def);
    });
  }

  async destroy(): Promise<void> {
    this.writable('virNetworkDestroy');
    locked(this.host, () => {
      this.exists();
      const st = readActive(this.host, this.name);
      if (!st) throw invalid(`network '${this.name}' is not active`);
      // (libvirt lets a network go while guests use it: their taps lose the bridge)
      stopNetwork(this.host, this.name, st);
    });
  }

  async undefine(): Promise<void> {
    this.writable('virNetworkUndefine');
    locked(this.host, () => {
      this.exists();
      if (!existsSync(this.p.config)) throw invalid("can't undefine transient network");
      // an active network keeps running, transient from now on (libvirt's network driver does so)
      unlinkIfExists(this.p.autostart);
      unlinkIfExists(this.p.config);
    });
  }
}

/** The Connection calls, for BhyveConnection to delegate to. */
export class BhyveNetworks {
  constructor(private readonly conn: Connection, private readonly host: BhyveHost) {}

  private net(name: string): BhyveNetwork { return new BhyveNetwork(this.conn, this.host, name); }

  async list(f: ListAllNetworksFlags = {}): Promise<Network[]> {
    const out: Network[] = [];
    for (const name of networkNames(this.host)) {
      const n = this.net(name);
      const p = paths(this.host, name);
      const active = existsSync(p.liveState);
      const persistent = existsSync(p.config);
      if (!active && !persistent) continue; // a transient network's leftover definition
      if ((f.active || f.inactive) && !((f.active && active) || (f.inactive && !active))) continue;
      if ((f.persistent || f.transient) && !((f.persistent && persistent) || (f.transient && !persistent))) continue;
      const auto = await n.getAutostart();
      if ((f.autostart || f.noAutostart) && !((f.autostart && auto) || (f.noAutostart && !auto))) continue;
      out.push(n);
    }
    return out;
  }

  async byName(name: string): Promise<Network> {
    if (name === '' || name.includes('/') || name.startsWith('.')) throw noNetwork(name);
    const p = paths(this.host, name);
    if (!existsSync(p.config) && !existsSync(p.liveState)) throw noNetwork(name);
    return this.net(name);
  }

  async byUUID(uuid: string): Promise<Network> {
    const want = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(uuid) ? canonicalUUID(uuid) : undefined;
    if (want) {
      for (const n of await this.list()) if ((await n.getUUIDString()) === want) return n;
    }
    throw new VirError('VIR_ERR_NO_NETWORK', `Network not found: no network with matching uuid '${uuid}'`);
  }

  async define(xml: string, flags: { validate?: boolean } = {}): Promise<Network> {
    if (this.conn.isReadOnly()) throw readOnlyError(flags.validate ? 'virNetworkDefineXMLFlags' : 'virNetworkDefineXML');
    if (flags.validate) validateNetworkXML(xml, 'bhyve');
    const def = parseNetworkXML(xml);
    checkName(def.name);
    checkSupported(def);
    return locked(this.host, () => {
      const old = checkClash(this.host, def, false);
      fillIn(this.host, def, old);
      removeDeadTempFiles(this.host.networksDir);
      // (a running network keeps its live definition: the new one applies at its next start)
      atomicWriteFile(paths(this.host, def.name).config, formatNetworkXML(def));
      return this.net(def.name);
    });
  }

  async create(xml: string, flags: { validate?: boolean } = {}): Promise<Network> {
    if (this.conn.isReadOnly()) throw readOnlyError(flags.validate ? 'virNetworkCreateXMLFlags' : 'virNetworkCreateXML');
    if (flags.validate) validateNetworkXML(xml, 'bhyve');
    const def = parseNetworkXML(xml);
    checkName(def.name);
    checkStartable(def);
    return locked(this.host, () => {
      const old = checkClash(this.host, def, true);
      fillIn(this.host, def, old);
      startNetwork(this.host, def);
      return this.net(def.name);
    });
  }
}
