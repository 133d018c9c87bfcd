/**
 * Domain XML for the test:/// driver: parse a <domain> document into the
 * canonical form libvirt 9 gives it (defaults filled in, units in KiB,
 * elements in libvirt's order, unknown elements dropped) and pull out the
 * values the driver's calls report (memory, vCPUs, disks, interfaces …).
 *
 * This is deliberately self-contained (its own small XML tree, see xml.ts):
 * the bhyve driver's typed DomainDef (src/core/conf/) models bhyve guests;
 * the test driver only has to echo libvirt's canonical XML back.
 *
 * Written from observing `virsh -c test:///default define/dumpxml`; the
 * messages are the ones virsh prints for the same mistakes.
 */
import type * as Crypto from 'node:crypto';
import { VirError } from '../errors';
import { attr, child, children, cloneNode, el, formatXML, parseXML, setAttr, type XNode } from './xml';

export interface TestDisk { type: string; device: string; target: string; source: string }
export interface TestNet { name: string; type: string; source: string; model: string; mac: string }

export interface TestDomainDef {
  name: string;
  uuid: string;
  /** KiB */
  memory: number;
  /** KiB */
  currentMemory: number;
  vcpus: number;
  maxVcpus: number;
  osType: string;
  onPoweroff: string;
  onReboot: string;
  /** a memballoon other than model='none' (dommemstat has data only then) */
  hasBalloon: boolean;
  disks: TestDisk[];
  nets: TestNet[];
  /** the canonical <domain> element, without the live id attribute */
  tree: XNode;
  /** test driver namespace settings (<test:runstate> etc.) */
  ns: { runstate?: number; transient: boolean; hasManagedSave: boolean };
}

export const TOP_ORDER = ['name', 'uuid', 'genid', 'title', 'description', 'metadata', 'maxMemory', 'memory', 'currentMemory',
  'blkiotune', 'memtune', 'memoryBacking', 'vcpu', 'vcpus', 'iothreads', 'cputune', 'numatune', 'resource', 'sysinfo',
  'bootloader', 'bootloader_args', 'os', 'features', 'cpu', 'clock', 'on_poweroff', 'on_reboot', 'on_crash', 'pm', 'perf',
  'devices', 'seclabel'];

export const DEVICE_ORDER = ['emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial',
  'parallel', 'console', 'channel', 'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev',
  'redirfilter', 'hub', 'watchdog', 'memballoon', 'rng', 'nvram', 'panic', 'shmem', 'memory', 'iommu', 'vsock'];

const DISK_ORDER = ['driver', 'source', 'backingStore', 'backenddomain', 'geometry', 'blockio', 'target', 'iotune',
  'readonly', 'shareable', 'transient', 'serial', 'wwn', 'vendor', 'product', 'encryption', 'boot', 'alias', 'address'];

/** libvirt's order of <features> children (virDomainFeature) */
const FEATURE_ORDER = ['acpi', 'apic', 'pae', 'hap', 'viridian', 'privnet', 'hyperv', 'kvm', 'pvspinlock', 'capabilities',
  'pmu', 'vmport', 'gic', 'smm', 'ioapic', 'hpt', 'vmcoreinfo', 'htm', 'nested-hv', 'msrs', 'ccf-assist', 'xen', 'cfpc',
  'sbbc', 'ibs', 'tcg', 'async-teardown'];

const NET_ORDER = ['mac', 'source', 'virtualport', 'ip', 'route', 'script', 'backenddomain', 'target', 'guest', 'model',
  'driver', 'backend', 'filterref', 'tune', 'teaming', 'link', 'mtu', 'coalesce', 'bandwidth', 'vlan', 'boot', 'rom',
  'alias', 'address'];

const OS_ORDER = ['type', 'firmware', 'loader', 'nvram', 'kernel', 'initrd', 'cmdline', 'dtb', 'acpi', 'init',
  'initarg', 'initenv', 'initdir', 'inituser', 'initgroup', 'boot', 'bootmenu', 'smbios', 'bios'];

/** what libvirt 9.0 accepts for <disk type> and <target bus> */
const DISK_TYPES = ['block', 'file', 'dir', 'network', 'volume', 'nvme', 'vhostuser', 'vhostvdpa'];
const DISK_BUSES = ['ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata', 'sd'];

const LIFECYCLE = new Set(['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart']);

const TEST_NS = 'http://libvirt.org/schemas/domain/test/1.0';

/** Units libvirt accepts for memory sizes, as multipliers of one byte. */
const UNITS: Record<string, number> = {
  b: 1, bytes: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
  p: 1024 ** 5, pib: 1024 ** 5, pb: 1000 ** 5,
  e: 1024 ** 6, eib: 1024 ** 6, eb: 1000 ** 6,
};

function sortBy(nodes: XNode[], order: string[], dropUnknown: boolean): XNode[] {
  const rank = (n: XNode): number => {
    const i = order.indexOf(n.name);
    return i < 0 ? order.length : i;
  };
  const kept = dropUnknown ? nodes.filter((n) => order.includes(n.name)) : nodes;
  return kept.map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i).map((x) => x.n);
}

function scaledKiB(n: XNode, what: string): number {
  const raw = (n.text ?? '').trim();
  if (!/^\d+$/.test(raw)) throw new VirError('VIR_ERR_XML_ERROR', `XML error: Invalid value '${raw}' for element or attribute './${what}[1]'`);
  const unit = (attr(n, 'unit') ?? 'KiB').toLowerCase();
  const mult = UNITS[unit];
  if (mult === undefined) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unknown suffix '${attr(n, 'unit')}'`);
  return Math.ceil((Number(raw) * mult) / 1024);
}

function isUUID(s: string): boolean {
  return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s.trim());
}

function normUUID(s: string): string {
  const h = s.trim().replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** node:crypto, loaded only when a MAC or UUID has to be made up (not at start-up) */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = (): typeof Crypto => require('node:crypto') as typeof Crypto;

function randomMAC(): string {
  const b = crypto().randomBytes(3);
  return ['52', '54', '00', ...Array.from(b, (x) => x.toString(16).padStart(2, '0'))].join(':');
}

function hex(v: string | undefined, width: number): string {
  const n = v === undefined ? 0 : Number.parseInt(v, v.toLowerCase().startsWith('0x') ? 16 : 10);
  return '0x' + (Number.isFinite(n) ? n : 0).toString(16).padStart(width, '0');
}

function normAddress(a: XNode, pci = attr(a, 'type') === 'pci'): void {
  if (pci) {
    const multi = attr(a, 'multifunction');
    a.attrs = [...(attr(a, 'type') ? [['type', 'pci'] as [string, string]] : []), ['domain', hex(attr(a, 'domain'), 4)],
      ['bus', hex(attr(a, 'bus'), 2)], ['slot', hex(attr(a, 'slot'), 2)], ['function', hex(attr(a, 'function'), 1)]];
    if (multi) a.attrs.push(['multifunction', multi]);
  }
}

/** Disk target name → index (hda → 0, vdb → 1, sdaa → 26), as libvirt counts. */
function diskIndex(dev: string): number {
  const m = /^(?:hd|sd|vd|xvd|ubd)([a-z]+)$/.exec(dev);
  if (!m) return -1;
  let idx = 0;
  for (const ch of m[1]) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return idx - 1;
}

function canonDisk(d: XNode, controllers: Map<string, Set<number>>): TestDisk {
  const type = attr(d, 'type') ?? 'file';
  const device = attr(d, 'device') ?? 'disk';
  d.attrs = [['type', type], ['device', device], ...d.attrs.filter(([k]) => k !== 'type' && k !== 'device')];
  const target = child(d, 'target');
  const dev = attr(target, 'dev');
  if (!target || !dev) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: missing target information for device');
  let bus = attr(target, 'bus');
  if (!bus) {
    bus = dev.startsWith('hd') ? 'ide' : dev.startsWith('sd') ? 'scsi' : dev.startsWith('vd') ? 'virtio' : 'ide';
    target.attrs = [['dev', dev], ['bus', bus], ...target.attrs.filter(([k]) => k !== 'dev')];
  }
  const perController: Record<string, [number, number]> = { ide: [2, 2], sata: [1, 6], scsi: [1, 7], fdc: [1, 2] };
  const layout = perController[bus];
  const given = child(d, 'address');
  if (layout && given && attr(given, 'type') === 'drive') {
    // an explicit drive address still needs its controller
    const ctl = Number(attr(given, 'controller') ?? 0);
    given.attrs = [['type', 'drive'], ['controller', String(ctl)], ['bus', attr(given, 'bus') ?? '0'],
      ['target', attr(given, 'target') ?? '0'], ['unit', attr(given, 'unit') ?? '0']];
    if (!controllers.has(bus)) controllers.set(bus, new Set());
    controllers.get(bus)!.add(ctl);
  }
  if (layout && !given) {
    const idx = diskIndex(dev);
    if (idx >= 0) {
      const [buses, units] = layout;
      const perCtl = buses * units;
      const ctl = Math.floor(idx / perCtl);
      const busNo = Math.floor((idx % perCtl) / units);
      const unit = idx % units;
      d.children.push(el('address', [['type', 'drive'], ['controller', String(ctl)], ['bus', String(busNo)], ['target', '0'], ['unit', String(unit)]]));
      if (!controllers.has(bus)) controllers.set(bus, new Set());
      controllers.get(bus)!.add(ctl);
    }
  }
  for (const a of children(d, 'address')) normAddress(a);
  // a CD-ROM or floppy… CD-ROMs are always read-only
  if (device === 'cdrom' && !child(d, 'readonly')) d.children.push(el('readonly'));
  d.children = sortBy(d.children, DISK_ORDER, false);
  const src = child(d, 'source');
  const source = attr(src, 'file') ?? attr(src, 'dev') ?? attr(src, 'dir') ?? attr(src, 'name') ?? attr(src, 'volume') ?? '-';
  return { type, device, target: dev, source };
}

function canonNet(n: XNode, usedNames: Set<string>): TestNet {
  const type = attr(n, 'type');
  if (!type) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: missing type attribute for network device');
  let mac = attr(child(n, 'mac'), 'address');
  if (!mac) {
    mac = randomMAC();
    n.children.unshift(el('mac', [['address', mac]]));
  } else {
    mac = mac.toLowerCase();
    setAttr(child(n, 'mac')!, 'address', mac);
  }
  const src = child(n, 'source');
  if (src && type === 'network') {
    // the bridge a network resolves to is run-time state, not configuration
    src.attrs = src.attrs.filter(([k]) => k === 'network' || k === 'portgroup');
  }
  let target = child(n, 'target');
  let ifname = attr(target, 'dev');
  // names with the prefixes libvirt generates itself are not configuration: dropped, renamed below
  if (ifname && /^(vnet|vif|macvtap|macvlan)/.test(ifname)) {
    n.children = n.children.filter((c) => c !== target);
    target = undefined;
    ifname = undefined;
  }
  if (!ifname) {
    let i = 0;
    while (usedNames.has(`testnet${i}`)) i++;
    ifname = `testnet${i}`;
    if (target) setAttr(target, 'dev', ifname);
    else { target = el('target', [['dev', ifname]]); n.children.push(target); }
  }
  usedNames.add(ifname);
  for (const a of children(n, 'address')) normAddress(a);
  for (const ip of children(n, 'ip')) ip.attrs = orderAttrs(ip.attrs, ['address', 'family', 'prefix', 'peer']);
  n.children = sortBy(n.children, NET_ORDER, false);
  const source = attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev') ?? attr(src, 'path') ?? '-';
  return { name: ifname, type, source, model: attr(child(n, 'model'), 'type') ?? '-', mac };
}

/** <serial> gets a target port; the first console mirrors the first serial (libvirt's compat rule for hvm). */
function canonCharDevs(devs: XNode[]): XNode[] {
  const serials = devs.filter((d) => d.name === 'serial');
  serials.forEach((s, i) => {
    if (!child(s, 'target')) s.children.push(el('target', [['port', String(i)]]));
  });
  const consoles = devs.filter((d) => d.name === 'console');
  // a serial-type console and no serial: the console's device becomes serial 0
  const c0 = consoles[0];
  if (serials.length === 0 && c0 && [undefined, 'serial'].includes(attr(child(c0, 'target'), 'type'))) {
    const serial = cloneNode(c0);
    serial.name = 'serial';
    serial.children = serial.children.filter((c) => c.name !== 'target');
    serial.children.push(el('target', [['port', '0']]));
    devs.push(serial);
    serials.push(serial);
  }
  if (serials.length > 0) {
    const first = consoles[0];
    const ttype = attr(child(first, 'target'), 'type');
    if (!first || ttype === undefined || ttype === 'serial') {
      const copy = cloneNode(serials[0]);
      copy.name = 'console';
      const t = child(copy, 'target');
      if (t) t.attrs = [['type', 'serial'], ['port', attr(t, 'port') ?? '0']];
      if (first) devs[devs.indexOf(first)] = copy;
      else devs.push(copy);
    }
  }
  return devs;
}

function canonGraphics(g: XNode): void {
  if (attr(g, 'type') === 'vnc' && attr(g, 'socket') !== undefined) {
    // a UNIX socket instead of a TCP port: no port, autoport or listen address
    const socket = attr(g, 'socket') as string;
    const known = ['websocket', 'passwd', 'keymap', 'sharePolicy', 'passwdValidTo', 'connected'];
    g.attrs = [['type', 'vnc'], ['socket', socket], ...g.attrs.filter(([k]) => known.includes(k))];
    g.children = [el('listen', [['type', 'socket'], ['socket', socket]])];
  } else if (attr(g, 'type') === 'vnc') {
    const port = attr(g, 'port');
    const auto = attr(g, 'autoport') ?? (port === undefined || port === '-1' ? 'yes' : 'no');
    // the first <listen type='address'> also shows as the listen attribute
    const listen = attr(g, 'listen') ?? attr(children(g, 'listen').find((l) => attr(l, 'type') === 'address'), 'address');
    // attributes libvirt's test driver does not know (bhyve's wait=) are dropped
    const known = ['websocket', 'passwd', 'keymap', 'sharePolicy', 'passwdValidTo', 'connected'];
    const rest = g.attrs.filter(([k]) => known.includes(k));
    g.attrs = [['type', 'vnc'], ['port', auto === 'yes' ? '-1' : port ?? '-1'], ['autoport', auto]];
    if (listen !== undefined) g.attrs.push(['listen', listen]);
    g.attrs.push(...rest);
    if (!child(g, 'listen')) g.children.push(el('listen', listen !== undefined ? [['type', 'address'], ['address', listen]] : [['type', 'address']]));
  }
}

function canonVideo(v: XNode, first: boolean): void {
  // vgaconf='io' is the default, which libvirt does not write out
  v.children = v.children.filter((c) => !(c.name === 'driver' && c.attrs.length === 1 && attr(c, 'vgaconf') === 'io'));
  let m = child(v, 'model');
  if (!m) { m = el('model', [['type', 'cirrus']]); v.children.unshift(m); }
  const type = attr(m, 'type') ?? 'cirrus';
  if (['vga', 'cirrus', 'vmvga', 'qxl'].includes(type) && !attr(m, 'vram')) setAttr(m, 'vram', '16384');
  if (!attr(m, 'heads') && type !== 'none') setAttr(m, 'heads', '1');
  if (first && !attr(m, 'primary')) setAttr(m, 'primary', 'yes');
}

function orderAttrs(attrs: Array<[string, string]>, order: string[]): Array<[string, string]> {
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return attrs.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a[0]) - rank(y.a[0]) || x.i - y.i).map((x) => x.a);
}

function markDoubleQuoted(n: XNode): void {
  n.doubleQuoted = true;
  n.children.forEach(markDoubleQuoted);
}

/** libvirt keeps disks grouped by bus, in target order within a bus (virDomainDiskInsert). */
function orderDisks(devs: XNode[]): XNode[] {
  const disks: XNode[] = [];
  for (const d of devs.filter((x) => x.name === 'disk')) {
    const bus = attr(child(d, 'target'), 'bus') ?? '';
    const idx = diskIndex(attr(child(d, 'target'), 'dev') ?? '');
    let at = -1;
    for (let i = disks.length - 1; i >= 0; i--) {
      const t = child(disks[i], 'target');
      if ((attr(t, 'bus') ?? '') !== bus) continue;
      if (diskIndex(attr(t, 'dev') ?? '') > idx) at = i;
      else if (at === -1) { at = i + 1; break; }
    }
    if (at === -1) disks.push(d); else disks.splice(at, 0, d);
  }
  let k = 0;
  return devs.map((x) => (x.name === 'disk' ? disks[k++] : x));
}

/** CPU list syntax ("1-4,^2") → libvirt's canonical ranges ("1,3-4"). */
function canonCpuset(text: string): string {
  const on = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const neg = part.startsWith('^');
    const m = /^(\d+)(?:-(\d+))?$/.exec(neg ? part.slice(1) : part);
    if (!m) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: Failed to parse bitmap '${text}'`);
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) { if (neg) on.delete(i); else on.add(i); }
  }
  const sorted = [...on].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return out.join(',');
}

function canonCputune(n: XNode): XNode {
  for (const c of n.children) {
    const cs = attr(c, 'cpuset');
    if (cs !== undefined) setAttr(c, 'cpuset', canonCpuset(cs));
  }
  return n;
}

const MEMTUNE_ORDER = ['hard_limit', 'soft_limit', 'min_guarantee', 'swap_hard_limit'];

function canonMemtune(n: XNode): XNode {
  const kids = n.children.filter((c) => MEMTUNE_ORDER.includes(c.name))
    .map((c) => el(c.name, [['unit', 'KiB']], [], String(scaledKiB(c, `memtune/${c.name}`))));
  return el('memtune', [], sortBy(kids, MEMTUNE_ORDER, true));
}

function canonBlkiotune(n: XNode): XNode {
  for (const d of children(n, 'device')) {
    d.children = sortBy(d.children, ['path', 'weight', 'read_iops_sec', 'write_iops_sec', 'read_bytes_sec', 'write_bytes_sec'], false);
  }
  return n;
}

export interface ParseOptions {
  /** '(domain_definition)' for strings, the file name for node files */
  docName?: string;
}

/** Parse, validate and canonicalise one <domain>; throws VirError with virsh's wording. */
export function parseTestDomain(xml: string | XNode, opts: ParseOptions = {}): TestDomainDef {
  // read-only until buildCanonical, which works on its own copy
  const root = typeof xml === 'string' ? parseXML(xml, opts.docName ?? '(domain_definition)') : xml;
  if (root.name !== 'domain') {
    throw new VirError('VIR_ERR_XML_ERROR', `XML error: expecting root element of 'domain', not '${root.name}'`);
  }
  const virtType = attr(root, 'type');
  if (!virtType) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: missing domain type attribute');

  // test driver namespace: <test:runstate>, <test:transient/>, <test:hasmanagedsave/>
  const nsPrefix = root.attrs.find(([k, v]) => k.startsWith('xmlns:') && v === TEST_NS)?.[0].slice(6);
  const ns = { transient: false, hasManagedSave: false } as TestDomainDef['ns'];
  if (nsPrefix) {
    const rs = child(root, `${nsPrefix}:runstate`);
    if (rs) {
      const v = Number((rs.text ?? '').trim());
      if (!Number.isInteger(v) || v < 0) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: invalid runstate');
      if (v >= 8) throw new VirError('VIR_ERR_XML_ERROR', `XML error: runstate '${v}' out of range'`);
      ns.runstate = v;
    }
    ns.transient = !!child(root, `${nsPrefix}:transient`);
    ns.hasManagedSave = !!child(root, `${nsPrefix}:hasmanagedsave`);
    if (ns.transient && ns.runstate === 5) throw new VirError('VIR_ERR_XML_ERROR', "XML error: transient domain cannot have runstate 'shutoff'");
    if (ns.hasManagedSave && (ns.runstate ?? 1) !== 5) throw new VirError('VIR_ERR_XML_ERROR', "XML error: domain with managedsave data can only have runstate 'shutoff'");
  }

  const name = (child(root, 'name')?.text ?? '').trim();
  if (!name) throw new VirError('VIR_ERR_NO_NAME', 'missing name information');
  if (name.includes('/')) throw new VirError('VIR_ERR_XML_ERROR', `XML error: name ${name} cannot contain '/'`);

  const uuidText = child(root, 'uuid')?.text;
  if (uuidText !== undefined && !isUUID(uuidText)) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: malformed uuid element');
  const uuid = uuidText !== undefined ? normUUID(uuidText) : crypto().randomUUID();

  const memNode = child(root, 'memory');
  if (!memNode) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: Memory size must be specified via <memory> or in the <numa> configuration');
  const memory = scaledKiB(memNode, 'memory');
  const curNode = child(root, 'currentMemory');
  let currentMemory = curNode ? scaledKiB(curNode, 'currentMemory') : memory;
  if (currentMemory === 0 || currentMemory > memory) currentMemory = memory;

  const vcpuNode = child(root, 'vcpu');
  const maxVcpus = vcpuNode ? Number((vcpuNode.text ?? '1').trim() || '1') : 1;
  if (!Number.isInteger(maxVcpus) || maxVcpus < 1) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: maximum vcpus count must be an integer');
  const curAttr = attr(vcpuNode, 'current');
  const vcpus = curAttr !== undefined ? Number(curAttr) : maxVcpus;
  if (!Number.isInteger(vcpus) || vcpus < 1) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: current vcpus count must be an integer');
  if (vcpus > maxVcpus) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: maxvcpus must not be less than current vcpus');

  const os = child(root, 'os');
  const osTypeNode = child(os, 'type');
  const osType = (osTypeNode?.text ?? '').trim();
  if (!os || !osTypeNode || !osType) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: an os <type> must be specified');

  const lifecycle = (tag: string, dflt: string): string => {
    const v = (child(root, tag)?.text ?? '').trim() || dflt;
    if (!LIFECYCLE.has(v)) throw new VirError('VIR_ERR_XML_ERROR', `XML error: Invalid value '${v}' for element or attribute './${tag}[1]'`);
    return v;
  };
  const onPoweroff = lifecycle('on_poweroff', 'destroy');
  const onReboot = lifecycle('on_reboot', 'restart');
  const onCrash = lifecycle('on_crash', 'destroy');

  // devices whose absence of detail libvirt rejects (checked now: the rest is built on demand)
  for (const d of child(root, 'devices')?.children ?? []) {
    if (d.name === 'disk') {
      const type = attr(d, 'type');
      if (type !== undefined && !DISK_TYPES.includes(type)) {
        throw new VirError('VIR_ERR_XML_ERROR', `XML error: Invalid value for attribute 'type' in element 'disk': '${type}'.`);
      }
      const target = child(d, 'target');
      if (!attr(target, 'dev')) throw new VirError('VIR_ERR_XML_ERROR', 'XML error: missing target information for device');
      const bus = attr(target, 'bus');
      if (bus !== undefined && !DISK_BUSES.includes(bus)) {
        throw new VirError('VIR_ERR_XML_ERROR', `XML error: Invalid value for attribute 'bus' in element 'target': '${bus}'.`);
      }
    }
    if (d.name === 'interface' && !attr(d, 'type')) {
      throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: missing type attribute for network device');
    }
  }

  // The canonical tree (and what is read from it) is built on first use: a
  // node file with thousands of domains is listed without formatting them all.
  const source = root;
  let built: Canonical | undefined;
  const build = (): Canonical => (built ??= buildCanonical(cloneNode(source), {
    name, uuid, memory, currentMemory, vcpus, maxVcpus, osType, onPoweroff, onReboot, onCrash, virtType,
  }));
  return {
    name, uuid, memory, currentMemory, vcpus, maxVcpus, osType, onPoweroff, onReboot, ns,
    get hasBalloon() { return build().hasBalloon; },
    get disks() { return build().disks; },
    get nets() { return build().nets; },
    get tree() { return build().tree; },
  };
}

interface Canonical { tree: XNode; disks: TestDisk[]; nets: TestNet[]; hasBalloon: boolean }

interface Scalars {
  name: string; uuid: string; memory: number; currentMemory: number; vcpus: number; maxVcpus: number; osType: string;
  onPoweroff: string; onReboot: string; onCrash: string; virtType: string;
}

/** libvirt's canonical form of a validated <domain> (`root` is a private copy: it is taken apart). */
function buildCanonical(root: XNode, sc: Scalars): Canonical {
  const { name, uuid, memory, currentMemory, vcpus, maxVcpus, osType, onPoweroff, onReboot, onCrash, virtType } = sc;
  const vcpuNode = child(root, 'vcpu');
  const os = child(root, 'os')!;
  const osTypeNode = child(os, 'type')!;
  // ---- build the canonical tree
  const top: XNode[] = [];
  top.push(el('name', [], [], name));
  top.push(el('uuid', [], [], uuid));
  for (const k of ['genid', 'title', 'description', 'metadata', 'maxMemory']) {
    const n = child(root, k);
    // metadata is kept as foreign XML, which libvirt writes with double quotes
    if (n && k === 'metadata') n.children.forEach(markDoubleQuoted);
    if (n) top.push(n);
  }
  top.push(el('memory', [['unit', 'KiB']], [], String(memory)));
  top.push(el('currentMemory', [['unit', 'KiB']], [], String(currentMemory)));
  for (const k of ['blkiotune', 'memtune', 'memoryBacking']) {
    const n = child(root, k);
    if (n) top.push(k === 'memtune' ? canonMemtune(n) : k === 'blkiotune' ? canonBlkiotune(n) : n);
  }
  const vAttrs: Array<[string, string]> = [['placement', attr(vcpuNode, 'placement') ?? 'static']];
  const cpuset = attr(vcpuNode, 'cpuset');
  if (cpuset) vAttrs.push(['cpuset', cpuset]);
  if (vcpus !== maxVcpus) vAttrs.push(['current', String(vcpus)]);
  top.push(el('vcpu', vAttrs, [], String(maxVcpus)));
  for (const k of ['iothreads', 'cputune', 'numatune', 'resource', 'sysinfo', 'bootloader', 'bootloader_args']) {
    const n = child(root, k);
    // arguments without a bootloader mean nothing to libvirt: dropped
    if (n && (k !== 'bootloader_args' || child(root, 'bootloader'))) top.push(k === 'cputune' ? canonCputune(n) : n);
  }
  // automatic vCPU placement implies automatic memory placement
  if (vAttrs[0][1] === 'auto' && !child(root, 'numatune')) {
    top.push(el('numatune', [], [el('memory', [['mode', 'strict'], ['placement', 'auto']])]));
  }

  const typeAttrs: Array<[string, string]> = [['arch', attr(osTypeNode, 'arch') ?? 'i686']];
  const machine = attr(osTypeNode, 'machine');
  if (machine) typeAttrs.push(['machine', machine]);
  const osKids = os.children.filter((c) => c.name !== 'type');
  osKids.unshift(el('type', typeAttrs, [], osType));
  // libvirt boots from the first disk unless <os> or a device says otherwise
  const deviceBoot = (child(root, 'devices')?.children ?? []).some((d) => !!child(d, 'boot'));
  if (deviceBoot && osKids.some((c) => c.name === 'boot')) {
    throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', 'unsupported configuration: per-device boot elements cannot be used together with os/boot elements');
  }
  if (!osKids.some((c) => c.name === 'boot') && !deviceBoot && !child(root, 'bootloader') && osType === 'hvm') {
    osKids.push(el('boot', [['dev', 'hd']]));
  }
  top.push(el('os', os.attrs, sortBy(osKids.filter((c) => !(c.name === 'nvram' && c.attrs.length === 0 && !c.text && c.children.length === 0)),
    OS_ORDER, true)));

  const features = child(root, 'features');
  if (features) top.push(el('features', features.attrs, sortBy(features.children, FEATURE_ORDER, false)));
  const cpu = child(root, 'cpu');
  if (cpu) {
    const topo = child(cpu, 'topology');
    if (topo) {
      const get = (k: string, d: string): string => attr(topo, k) ?? d;
      topo.attrs = [['sockets', get('sockets', '1')], ['dies', get('dies', '1')], ['cores', get('cores', '1')], ['threads', get('threads', '1')]];
    }
    top.push(cpu);
  }
  const clock = child(root, 'clock') ?? el('clock', [['offset', 'utc']]);
  if (!attr(clock, 'offset')) clock.attrs.unshift(['offset', 'utc']);
  top.push(clock);
  top.push(el('on_poweroff', [], [], onPoweroff));
  top.push(el('on_reboot', [], [], onReboot));
  top.push(el('on_crash', [], [], onCrash));
  for (const k of ['pm', 'perf']) {
    const n = child(root, k);
    if (n) top.push(n);
  }

  // devices
  const devIn = child(root, 'devices')?.children ?? [];
  const controllers = new Map<string, Set<number>>();
  const disks: TestDisk[] = [];
  const nets: TestNet[] = [];
  const usedIf = new Set(devIn.filter((d) => d.name === 'interface').map((d) => attr(child(d, 'target'), 'dev'))
    .filter((x): x is string => !!x && !/^(vnet|vif|macvtap|macvlan)/.test(x)));
  let devs = devIn.filter((d) => DEVICE_ORDER.includes(d.name));
  devs = orderDisks(devs);
  for (const d of devs) {
    if (d.name === 'disk') disks.push(canonDisk(d, controllers));
    else if (d.name === 'filesystem') {
      d.attrs = [['type', attr(d, 'type') ?? 'mount'], ['accessmode', attr(d, 'accessmode') ?? 'passthrough'],
        ...d.attrs.filter(([k]) => k !== 'type' && k !== 'accessmode')];
    } else if (d.name === 'rng') {
      const b = child(d, 'backend');
      if (b && attr(b, 'model') === 'random' && !b.text) b.text = '/dev/random';
    } else if (d.name === 'audio') {
      d.attrs = orderAttrs(d.attrs, ['id', 'type']);
    }
    else if (d.name === 'interface') nets.push(canonNet(d, usedIf));
    else if (d.name === 'graphics') canonGraphics(d);
    else if (d.name === 'hostdev' && attr(d, 'mode') === 'subsystem' && attr(d, 'type') === 'pci') {
      if (!attr(d, 'managed')) setAttr(d, 'managed', 'no');
      const a = child(child(d, 'source'), 'address');
      if (a) normAddress(a, true);
    }
    for (const a of children(d, 'address')) normAddress(a);
  }
  // graphics need a video device: the test driver's default model (xen for xen/linux guests)
  if (devs.some((d) => d.name === 'graphics') && !devs.some((d) => d.name === 'video')) {
    devs.push(el('video', [], [el('model', [['type', ['xen', 'linux'].includes(osType) ? 'xen' : 'cirrus']])]));
  }
  devs.filter((d) => d.name === 'video').forEach((v, i) => canonVideo(v, i === 0));
  // virtio consoles and channels sit on a virtio-serial controller
  if (devs.some((d) => (d.name === 'console' || d.name === 'channel') && attr(child(d, 'target'), 'type') === 'virtio')) {
    if (!controllers.has('virtio-serial')) controllers.set('virtio-serial', new Set());
    controllers.get('virtio-serial')!.add(0);
  }
  // controllers the disks need and the XML did not declare
  for (const [type, idxs] of controllers) {
    for (const idx of idxs) {
      if (!devs.some((d) => d.name === 'controller' && attr(d, 'type') === type && Number(attr(d, 'index') ?? 0) === idx)) {
        devs.push(el('controller', [['type', type], ['index', String(idx)]]));
      }
    }
  }
  // every controller gets an index (counted per type), written right after its type
  const nextIndex = new Map<string, number>();
  for (const c of devs.filter((d) => d.name === 'controller')) {
    const type = attr(c, 'type') ?? 'ide';
    let idx = attr(c, 'index');
    if (idx === undefined) idx = String(nextIndex.get(type) ?? 0);
    nextIndex.set(type, Math.max(nextIndex.get(type) ?? 0, Number(idx) + 1));
    c.attrs = [['type', type], ['index', idx], ...c.attrs.filter(([k]) => k !== 'type' && k !== 'index')];
  }
  devs = canonCharDevs(devs);
  devs = sortBy(devs, DEVICE_ORDER, true);
  top.push(el('devices', [], devs));
  const seclabel = child(root, 'seclabel');
  if (seclabel) top.push(seclabel);

  const balloon = devs.find((d) => d.name === 'memballoon');
  const tree = el('domain', [['type', virtType]], sortBy(top, TOP_ORDER, true));
  return { tree, disks, nets, hasBalloon: !!balloon && attr(balloon, 'model') !== 'none' };
}

/** The XML text virsh's dumpxml prints (id only for running domains; graphics
 *  passwords only with `secure`, i.e. dumpxml --security-info). */
export function formatTestDomain(def: TestDomainDef, id?: number, opts: { secure?: boolean } = {}): string {
  const t = cloneNode(def.tree);
  if (id !== undefined && id >= 0) t.attrs.push(['id', String(id)]);
  if (!opts.secure) {
    for (const g of children(child(t, 'devices'), 'graphics')) g.attrs = g.attrs.filter(([k]) => k !== 'passwd');
  }
  return formatXML(t, '', new Set(['devices']));
}

/** <title> or <description> text, '' when absent. */
export function metadataText(def: TestDomainDef, type: 'title' | 'description'): string {
  return child(def.tree, type)?.text ?? '';
}

/** dommemstat --period: <stats period='N'/> on the balloon; false when there is none. */
export function setBalloonPeriod(def: TestDomainDef, period: number): boolean {
  const balloon = child(child(def.tree, 'devices'), 'memballoon');
  if (!balloon || attr(balloon, 'model') === 'none') return false;
  // a period of 0 switches collection off: libvirt then writes no <stats/>
  const rest = balloon.children.filter((c) => c.name !== 'stats');
  balloon.children = period > 0 ? [el('stats', [['period', String(period)]]), ...rest] : rest;
  return true;
}

/** A private copy of a definition (the persistent one split off a running domain's live one). */
export function cloneTestDomain(def: TestDomainDef): TestDomainDef {
  const tree = cloneNode(def.tree);
  return {
    name: def.name, uuid: def.uuid, memory: def.memory, currentMemory: def.currentMemory, vcpus: def.vcpus, maxVcpus: def.maxVcpus,
    osType: def.osType, onPoweroff: def.onPoweroff, onReboot: def.onReboot, ns: { ...def.ns }, hasBalloon: def.hasBalloon,
    disks: def.disks.map((d) => ({ ...d })), nets: def.nets.map((n) => ({ ...n })), tree,
  };
}

/** <memory> and <currentMemory> (KiB), in the values and in the canonical tree. */
export function setTestMemory(def: TestDomainDef, memory: number, currentMemory: number): void {
  const t = def.tree; // built (from the old values) before they change
  def.memory = memory;
  def.currentMemory = currentMemory;
  const m = child(t, 'memory');
  const c = child(t, 'currentMemory');
  if (m) m.text = String(memory);
  if (c) c.text = String(currentMemory);
}

/** <vcpu current='N'>MAX</vcpu>: libvirt writes current only when it differs from the maximum. */
export function setTestVcpus(def: TestDomainDef, vcpus: number, maxVcpus: number): void {
  const t = def.tree;
  def.vcpus = vcpus;
  def.maxVcpus = maxVcpus;
  const v = child(t, 'vcpu');
  if (!v) return;
  v.text = String(maxVcpus);
  v.attrs = v.attrs.filter(([k]) => k !== 'current');
  if (vcpus !== maxVcpus) v.attrs.push(['current', String(vcpus)]);
}

/** <maxMemory> in KiB (0: none), and whether <cpu><numa> has cells: what setmaxmem refuses to work around. */
export function memoryLimits(def: TestDomainDef): { maxMemory: number; numaCells: number } {
  const mm = child(def.tree, 'maxMemory');
  let maxMemory = 0;
  if (mm && /^\d+$/.test((mm.text ?? '').trim())) {
    maxMemory = Math.ceil((Number((mm.text ?? '').trim()) * (UNITS[(attr(mm, 'unit') ?? 'KiB').toLowerCase()] ?? 1024)) / 1024);
  }
  return { maxMemory, numaCells: children(child(child(def.tree, 'cpu'), 'numa'), 'cell').length };
}
