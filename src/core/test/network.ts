/**
 * Virtual networks of the test:/// driver, as libvirt 9's test driver keeps
 * them: test:///default starts with one active, persistent network `default`
 * (NAT on virbr0); a node file's <network> elements (or <network file='…'/>)
 * are all active and persistent. Everything lives in memory. Quirks of that
 * driver reproduced on purpose (virsh shows them): net-destroy does not check
 * that the network is running, a transient network may be marked autostart,
 * and net-dumpxml --inactive is refused as an unsupported flag.
 */
import type { Connection, ListAllNetworksFlags, Network } from '../api';
import { readOnlyError, VirError } from '../errors';
import { canonicalUUID, parseNetworkXML, type NetworkDef } from '../network/def';
import { formatNetworkXML } from '../network/format';
import { validateNetworkXML } from '../network/validate';
import type { XNode } from './xml';


interface NetObj {
  def: NetworkDef;
  /** a definition given while the network runs (the test driver never shows it) */
  newDef?: NetworkDef;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
}

/** The networks of one test driver instance (insertion order; names and UUIDs unique). */
export class TestNetworks {
  readonly objs: NetObj[] = [];

  /** Load definitions (node file or the default one): active and persistent. */
  constructor(defs: Array<string | XNode>) {
    for (const x of defs) {
      const def = parseNetworkXML(x);
      this.assign(def, false);
      const o = this.byName(def.name)!;
      o.active = true;
      o.persistent = true;
    }
  }

  byName(name: string): NetObj | undefined { return this.objs.find((o) => o.def.name === name); }
  byUUID(uuid: string): NetObj | undefined {
    if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(uuid)) return undefined;
    const u = canonicalUUID(uuid);
    return this.objs.find((o) => o.def.uuid === u);
  }

  /** virNetworkObjAssignDef: clash checks, then a new object or the existing one updated. */
  assign(def: NetworkDef, live: boolean): NetObj {
    const same = this.byUUID(def.uuid);
    if (same) {
      if (same.def.name !== def.name) {
        throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${same.def.name}' is already defined with uuid ${def.uuid}`);
      }
      if (live) {
        if (same.active) throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: network is already active as '${def.name}'`);
        // started from new XML: the persistent definition comes back when it stops
        if (same.persistent) same.newDef = same.def;
        same.def = def;
      } else if (same.active) {
        same.newDef = def;
      } else {
        same.def = def;
      }
      return same;
    }
    const byName = this.byName(def.name);
    if (byName) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: network '${def.name}' already exists with uuid ${byName.def.uuid}`);
    }
    const o: NetObj = { def, active: false, persistent: false, autostart: false };
    this.objs.push(o);
    return o;
  }

  remove(o: NetObj): void {
    const i = this.objs.indexOf(o);
    if (i >= 0) this.objs.splice(i, 1);
  }
}

export class TestNetwork implements Network {
  constructor(readonly connection: Connection & { networks: TestNetworks }, private readonly uuid: string, private readonly name: string) {}

  private obj(): NetObj {
    const o = this.connection.networks.byUUID(this.uuid);
    if (!o) throw new VirError('VIR_ERR_NO_NETWORK', `Network not found: no network with matching name '${this.name}'`);
    return o;
  }

  private mutable(api: string): NetObj {
    if (this.connection.isReadOnly()) throw readOnlyError(api);
    return this.obj();
  }

  getName(): string { return this.name; }
  async getUUIDString(): Promise<string> { return this.obj().def.uuid; }

  async getBridgeName(): Promise<string> {
    const b = this.obj().def.bridge.name;
    if (b === undefined) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: network '${this.name}' does not have a bridge name.`);
    return b;
  }

  async getXMLDesc(flags: { inactive?: boolean } = {}): Promise<string> {
    if (flags.inactive) throw new VirError('VIR_ERR_INVALID_ARG', 'unsupported flags (0x1) in function testNetworkGetXMLDesc');
    return formatNetworkXML(this.obj().def);
  }

  async isActive(): Promise<boolean> { return this.obj().active; }
  async isPersistent(): Promise<boolean> { return this.obj().persistent; }
  async getAutostart(): Promise<boolean> { return this.obj().autostart; }

  async setAutostart(autostart: boolean): Promise<void> {
    this.mutable('virNetworkSetAutostart').autostart = autostart;
  }

  async create(): Promise<void> {
    const o = this.mutable('virNetworkCreate');
    if (o.active) throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: Network '${this.name}' is already running`);
    o.active = true;
  }

  async destroy(): Promise<void> {
    const o = this.mutable('virNetworkDestroy');
    o.active = false;
    // (libvirt's test driver keeps showing the definition it ran with: a pending one never surfaces)
    if (!o.persistent) this.connection.networks.remove(o);
  }

  async undefine(): Promise<void> {
    const o = this.mutable('virNetworkUndefine');
    if (o.active) throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: Network '${this.name}' is still running`);
    this.connection.networks.remove(o);
  }
}

/** The Connection methods, for TestConnection to delegate to. */
export function listTestNetworks(conn: Connection & { networks: TestNetworks }, f: ListAllNetworksFlags = {}): Network[] {
  return conn.networks.objs.filter((o) => {
    if ((f.active || f.inactive) && !((f.active && o.active) || (f.inactive && !o.active))) return false;
    if ((f.persistent || f.transient) && !((f.persistent && o.persistent) || (f.transient && !o.persistent))) return false;
    if ((f.autostart || f.noAutostart) && !((f.autostart && o.autostart) || (f.noAutostart && !o.autostart))) return false;
    return true;
  }).map((o) => new TestNetwork(conn, o.def.uuid, o.def.name));
}

export function testNetworkByName(conn: Connection & { networks: TestNetworks }, name: string): Network {
  const o = conn.networks.byName(name);
  if (!o) throw new VirError('VIR_ERR_NO_NETWORK', `Network not found: no network with matching name '${name}'`);
  return new TestNetwork(conn, o.def.uuid, o.def.name);
}

export function testNetworkByUUID(conn: Connection & { networks: TestNetworks }, uuid: string): Network {
  const o = conn.networks.byUUID(uuid);
  if (!o) throw new VirError('VIR_ERR_NO_NETWORK', `Network not found: no network with matching uuid '${uuid}'`);
  return new TestNetwork(conn, o.def.uuid, o.def.name);
}

export function testNetworkDefine(conn: Connection & { networks: TestNetworks }, xml: string, flags: { validate?: boolean } = {}): Network {
  if (conn.isReadOnly()) throw readOnlyError(flags.validate ? 'virNetworkDefineXMLFlags' : 'virNetworkDefineXML');
  if (flags.validate) validateNetworkXML(xml, 'libvirt');
  const o = conn.networks.assign(parseNetworkXML(xml), false);
  o.persistent = true;
  return new TestNetwork(conn, o.def.uuid, o.def.name);
}

export function testNetworkCreate(conn: Connection & { networks: TestNetworks }, xml: string, flags: { validate?: boolean } = {}): Network {
  if (conn.isReadOnly()) throw readOnlyError(flags.validate ? 'virNetworkCreateXMLFlags' : 'virNetworkCreateXML');
  if (flags.validate) validateNetworkXML(xml, 'libvirt');
  const o = conn.networks.assign(parseNetworkXML(xml), true);
  o.active = true;
  return new TestNetwork(conn, o.def.uuid, o.def.name);
}
