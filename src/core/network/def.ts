/**
 * The virtual network model (libvirt's <network> XML, the part bvirsh uses):
 * name, uuid, forward mode, <bridge name stp delay>, <mac>, <domain name>,
 * <ip address netmask|prefix> with <dhcp><range/><host/></dhcp>.
 *
 * parseNetworkXML() reads with the shared safe reader (src/core/test/xml.ts:
 * size limit, no DOCTYPE/entities, libxml2's wording for malformed input) and
 * validates with libvirt 9's error words (checked against virsh on test:///).
 * Elements bvirsh has no model for (<dns>, <route>, <portgroup> …) are dropped.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { VirError } from '../errors';
import { attr, child, children, parseXML, type XNode } from '../test/xml';

/** libvirt's virNetworkForwardType names */
export const FORWARD_MODES = ['none', 'nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev'] as const;
export type ForwardMode = typeof FORWARD_MODES[number];

export interface DhcpDef {
  ranges: Array<{ start: string; end: string }>;
  hosts: Array<{ mac?: string; name?: string; ip?: string }>;
}

export interface NetworkIPDef {
  family?: string;
  address: string;
  netmask?: string;
  prefix?: number;
  dhcp?: DhcpDef;
}

export interface NetworkDef {
  name: string;
  uuid: string;
  /** <network ipv6='yes'> */
  ipv6?: string;
  forward: { mode: ForwardMode; dev?: string; natPorts?: { start: string; end: string } };
  bridge: { name?: string; stp: boolean; delay: number };
  mac?: string;
  domainName?: string;
  ips: NetworkIPDef[];
}

/** Modes that route through a host bridge libvirt sets up itself (it writes stp/delay for them). */
export function ownsBridge(mode: ForwardMode): boolean {
  return mode === 'none' || mode === 'nat' || mode === 'route' || mode === 'open';
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function xmlErr(msg: string): VirError {
  return new VirError('VIR_ERR_XML_ERROR', `XML error: ${msg}`);
}

function unsupported(msg: string): VirError {
  return new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${msg}`);
}

/** libvirt's UUID text form (lower case, dashed) */
export function canonicalUUID(u: string): string {
  const h = u.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** IPv4 dotted quad → 32-bit number, or undefined */
export function ipv4ToInt(a: string): number | undefined {
  if (isIP(a) !== 4) return undefined;
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** The prefix length of an ip element (from prefix= or netmask=), undefined when it has neither. */
export function ipPrefix(ip: NetworkIPDef): number | undefined {
  if (ip.prefix !== undefined) return ip.prefix;
  if (ip.netmask === undefined) return undefined;
  const m = ipv4ToInt(ip.netmask) ?? 0;
  let bits = 0;
  for (let b = 31; b >= 0 && (m & (2 ** b)) !== 0; b--) bits++;
  return bits;
}

function parseIP(x: XNode, net: string): NetworkIPDef {
  const address = attr(x, 'address');
  if (address === undefined) throw xmlErr(`Missing required address attribute in network '${net}'`);
  const family = attr(x, 'family');
  const kind = isIP(address);
  if (kind === 0 || (family === 'ipv6' && kind !== 6) || (family !== 'ipv6' && kind === 6 && family !== undefined)) {
    throw xmlErr(`Invalid address '${address}' in network '${net}'`);
  }
  const ip: NetworkIPDef = { family, address };
  const netmask = attr(x, 'netmask');
  const prefixText = attr(x, 'prefix');
  if (prefixText !== undefined) {
    if (!/^\d+$/.test(prefixText)) {
      throw xmlErr(`Invalid value for attribute 'prefix' in element 'ip': '${prefixText}'. Expected non-negative integer value`);
    }
    ip.prefix = Number(prefixText);
  }
  if (netmask !== undefined) {
    if (ipv4ToInt(netmask) === undefined) throw xmlErr(`Invalid netmask '${netmask}' in network '${net}'`);
    ip.netmask = netmask;
  }
  if (netmask !== undefined && prefixText !== undefined) {
    throw unsupported(`Network '${net}' IP address cannot have both a prefix and a netmask`);
  }
  if (ip.prefix !== undefined && ip.prefix > (kind === 6 ? 128 : 32)) {
    throw unsupported(`Invalid ${kind === 6 ? 'IPv6' : 'IPv4'} prefix '${ip.prefix}' in network '${net}'`);
  }
  const dhcp = child(x, 'dhcp');
  if (dhcp) {
    ip.dhcp = { ranges: [], hosts: [] };
    for (const r of children(dhcp, 'range')) {
      const start = attr(r, 'start');
      const end = attr(r, 'end');
      if (start === undefined) throw xmlErr(`Missing 'start' attribute in dhcp range for network '${net}'`);
      if (end === undefined) throw xmlErr(`Missing 'end' attribute in dhcp range for network '${net}'`);
      if (isIP(start) !== kind || isIP(end) !== kind) throw xmlErr(`Invalid dhcp range '${start}' to '${end}' in network '${net}'`);
      checkRange(ip, start, end);
      ip.dhcp.ranges.push({ start, end });
    }
    for (const h of children(dhcp, 'host')) {
      const mac = attr(h, 'mac');
      const ipa = attr(h, 'ip');
      if (mac !== undefined && !MAC_RE.test(mac)) throw xmlErr(`Cannot parse MAC address '${mac}' in network '${net}'`);
      if (ipa !== undefined && isIP(ipa) !== kind) throw xmlErr(`Invalid IP address in static host definition for network '${net}'`);
      ip.dhcp.hosts.push({ mac, name: attr(h, 'name'), ip: ipa });
    }
  }
  return ip;
}

/** A DHCP range must lie inside its network and run upwards (IPv4; IPv6 ranges are only syntax-checked). */
function checkRange(ip: NetworkIPDef, start: string, end: string): void {
  const s = ipv4ToInt(start);
  const e = ipv4ToInt(end);
  const a = ipv4ToInt(ip.address);
  const prefix = ipPrefix(ip);
  if (s === undefined || e === undefined || a === undefined || prefix === undefined) return;
  const size = 2 ** (32 - prefix);
  const base = Math.floor(a / size) * size;
  if (s < base || e < base || s >= base + size || e >= base + size) {
    throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: range ${start} - ${end} is not entirely within network ${ip.address}/${prefix}`);
  }
  if (e < s) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: range ${start} - ${end} is reversed `);
}

/** Parse and validate a <network> document (or its parsed root, as node files hold them). */
export function parseNetworkXML(xml: string | XNode): NetworkDef {
  const root = typeof xml === 'string' ? parseXML(xml, '(network_definition)') : xml;
  if (root.name !== 'network') throw xmlErr(`expecting root element of 'network', not '${root.name}'`);
  const name = child(root, 'name')?.text?.trim();
  if (!name) throw new VirError('VIR_ERR_NO_NAME', 'missing name information');
  if (name.includes('/')) throw new VirError('VIR_ERR_XML_ERROR', 'invalid char in name: /');
  const uuidText = child(root, 'uuid')?.text?.trim();
  let uuid: string;
  if (uuidText === undefined || uuidText === '') uuid = randomUUID();
  else if (UUID_RE.test(uuidText)) uuid = canonicalUUID(uuidText);
  else throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: malformed uuid element');

  const fwd = child(root, 'forward');
  const modeText = fwd ? attr(fwd, 'mode') ?? 'nat' : 'none';
  if (!(FORWARD_MODES as readonly string[]).includes(modeText)) throw unsupported(`unknown forwarding type '${modeText}'`);
  const forward: NetworkDef['forward'] = { mode: modeText as ForwardMode, dev: attr(fwd, 'dev') ?? attr(child(fwd, 'interface'), 'dev') };
  const port = child(child(fwd, 'nat'), 'port');
  if (port && attr(port, 'start') !== undefined && attr(port, 'end') !== undefined) {
    forward.natPorts = { start: attr(port, 'start')!, end: attr(port, 'end')! };
  }

  const br = child(root, 'bridge');
  const delayText = attr(br, 'delay');
  if (delayText !== undefined && !/^\d+$/.test(delayText)) throw xmlErr(`Invalid delay value in network '${name}'`);
  const bridge = { name: attr(br, 'name') || undefined, stp: attr(br, 'stp') !== 'off', delay: delayText === undefined ? 0 : Number(delayText) };

  const mac = attr(child(root, 'mac'), 'address');
  if (mac !== undefined) {
    if (!MAC_RE.test(mac)) throw xmlErr(`Invalid bridge mac address '${mac}' in network '${name}'`);
    if ((parseInt(mac.slice(0, 2), 16) & 1) === 1) throw xmlErr(`Invalid multicast bridge mac address '${mac}' in network '${name}'`);
  }
  const ips = children(root, 'ip').map((x) => parseIP(x, name));
  if (forward.mode === 'open' && ips.length === 0) {
    throw xmlErr(`open forwarding requested, but no IP address provided for network '${name}'`);
  }
  return {
    name, uuid, ipv6: attr(root, 'ipv6'), forward, bridge, mac: mac?.toLowerCase(),
    domainName: attr(child(root, 'domain'), 'name'), ips,
  };
}
