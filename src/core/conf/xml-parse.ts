/**
 * parseDomainXML(xml): libvirt domain XML text -> DomainDef (conf/domain.ts).
 *
 * Safety first (the XML may come from anyone who can run `define`):
 *  - conf/xml-reader.ts checks the size limit (10 MiB) first, refuses any
 *    <!DOCTYPE / <!ENTITY outright (no entity expansion, no external
 *    entities: billion laughs and XXE die in O(n) with no allocation), and
 *    reads strictly (malformed XML is diagnosed by fast-xml-parser's validator).
 * Then every element is checked against what the model knows; an unknown
 * element or attribute value is a VirError naming the element and the value
 * (see the unknown-element policy in conf/domain.ts).
 *
 * Errors: VIR_ERR_XML_ERROR (not well-formed, hostile, too large),
 * VIR_ERR_XML_DETAIL (invalid value), VIR_ERR_CONFIG_UNSUPPORTED (valid
 * libvirt XML that bhyve cannot run / the model does not know).
 */
import { VirError } from '../errors';
import { MAX_XML_BYTES, readXMLTree, XmlElement } from './xml-reader';
import {
  AudioDef, BHYVE_NS_URI, BlkioTune, ChannelDef, ChrSource, ConsoleDef, ControllerDef, ControllerType,
  DiskDef, DomainDef, DriveAddress, FilesystemDef, GraphicsDef, HostdevDef, InputDef, InterfaceDef,
  LifecycleAction, MemTune, NumaCell, PciAddress, RngDef, SerialDef, SoundDef, SysinfoDef, SysinfoEntry,
  VideoDef, VirtioSerialAddress, emptyDevices,
} from './domain';

export const MAX_DOMAIN_XML_BYTES = MAX_XML_BYTES;

type El = XmlElement;

function xmlError(msg: string): VirError {
  return new VirError('VIR_ERR_XML_ERROR', msg);
}
function detail(msg: string): VirError {
  return new VirError('VIR_ERR_XML_DETAIL', `XML error: ${msg}`);
}
function unsupported(msg: string): VirError {
  return new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${msg}`);
}

// ---------------------------------------------------------------- helpers

function child(el: El, name: string): El | undefined {
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

function checkChildren(el: El, allowed: ReadonlySet<string>, where: string): void {
  for (const c of el.children) {
    if (!allowed.has(c.name)) {
      throw unsupported(`element '${c.name}' in <${where}> is not supported by the bhyve driver`);
    }
  }
}

/** only ASCII digits (and at least one) */
function isDecimal(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const HEX_RE = /^0x[0-9a-fA-F]+$/;

/**
 * The value of "0x" followed by hex digits (what HEX_RE accepts), else NaN. Computed by hand:
 * PCI addresses are written in hex, four numbers per device, and a regex test plus slice plus
 * parseInt cost several times more. Exact below 2^53; larger values are refused anyway.
 */
function hexValue(v: string): number {
  if (v.length < 3 || v.charCodeAt(0) !== 48 /* 0 */ || v.charCodeAt(1) !== 120 /* x */) return NaN;
  let n = 0;
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return NaN;
    n = n * 16 + digit;
  }
  return n;
}

/** value (decimal or 0x hex, whitespace around allowed) as a number no larger than max, or -1 */
function uintOrMinus1(value: string, max: number): number {
  const v = value.trim();
  const n = isDecimal(v) ? Number(v) : hexValue(v);
  return Number.isSafeInteger(n) && n <= max ? n : -1;
}

function parseUInt(value: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = uintOrMinus1(value, max);
  if (n >= 0) return n;
  const v = value.trim();
  if (!isDecimal(v) && !HEX_RE.test(v)) throw detail(`invalid value '${value}' for ${what}: expected a non-negative integer`);
  throw detail(`value '${value}' for ${what} is out of range`);
}

/**
 * Numeric attribute `field` of an <address> (0 when absent). `what` names the device; the
 * "<what> address <field>" text is only put together for an error (addresses are on nearly
 * every device: building it for each field was measurable).
 */
function addressField(a: El, field: string, what: string, max: number): number {
  const v = a.attr(field) ?? '0';
  const n = uintOrMinus1(v, max);
  return n >= 0 ? n : parseUInt(v, `${what} address ${field}`, max);
}

function optUInt(el: El | undefined, attr: string, what: string, max?: number): number | undefined {
  if (!el) return undefined;
  const v = el.attr(attr);
  return v === undefined ? undefined : parseUInt(v, what, max);
}

function yesNo(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes' || value === 'on') return true;
  if (value === 'no' || value === 'off') return false;
  throw detail(`invalid value '${value}' for ${what}: expected 'yes' or 'no'`);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string, unsupportedToo = false): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  if (unsupportedToo) throw unsupported(`${what} '${value}' is not supported by the bhyve driver`);
  throw detail(`invalid value '${value}' for ${what}`);
}

const UNIT_SCALE: Record<string, number> = {
  b: 1, bytes: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1048576, mib: 1048576, mb: 1e6,
  g: 1073741824, gib: 1073741824, gb: 1e9,
  t: 1099511627776, tib: 1099511627776, tb: 1e12,
  p: 1125899906842624, pib: 1125899906842624, pb: 1e15,
};

/** A scaled size element -> KiB (rounded up like libvirt). */
function sizeKiB(el: El, what: string): number {
  return scaledKiB(el.text, el.attr('unit'), what);
}

/** A number with an optional unit -> KiB (rounded up like libvirt). */
function scaledKiB(text: string, unit: string | undefined, what: string): number {
  const n = parseUInt(text, what);
  if (unit === undefined) return n;
  // libvirt compares unit suffixes case-insensitively (KiB = kib, KB = 1000)
  const key = unit.toLowerCase();
  const scale = Object.prototype.hasOwnProperty.call(UNIT_SCALE, key) ? UNIT_SCALE[key] : undefined;
  if (scale === undefined) throw detail(`unknown unit '${unit}' for ${what}`);
  const bytes = n * scale;
  if (!Number.isSafeInteger(bytes)) throw detail(`value '${text.trim()}${unit}' for ${what} is too large`);
  return Math.ceil(bytes / 1024);
}

function parsePciAddr(a: El, what: string, requireType = true): PciAddress {
  if (requireType && a.attr('type') !== 'pci') throw detail(`expected a PCI address in ${what}`);
  const slot = addressField(a, 'slot', what, 31);
  // optional fields are assigned, not spread in (`...(c ? {k} : {})` is slow in V8; same keys, same order)
  const addr: PciAddress = {
    type: 'pci',
    domain: addressField(a, 'domain', what, 0xffff),
    bus: addressField(a, 'bus', what, 0xff),
    slot,
    function: addressField(a, 'function', what, 7),
  };
  const multifunction = a.attr('multifunction');
  if (multifunction !== undefined) addr.multifunction = yesNo(multifunction, 'multifunction');
  return addr;
}

function parseAddress(a: El | undefined, what: string): PciAddress | DriveAddress | VirtioSerialAddress | undefined {
  if (!a) return undefined;
  switch (a.attr('type')) {
    case 'pci': return parsePciAddr(a, what);
    case 'drive':
      return {
        type: 'drive',
        controller: addressField(a, 'controller', what, 0xffff),
        bus: addressField(a, 'bus', what, 0xffff),
        target: addressField(a, 'target', what, 0xffff),
        unit: addressField(a, 'unit', what, 0xffff),
      };
    case 'virtio-serial':
      return {
        type: 'virtio-serial',
        controller: addressField(a, 'controller', what, 0xffff),
        bus: addressField(a, 'bus', what, 0xffff),
        port: addressField(a, 'port', what, 0xffff),
      };
    case undefined: throw detail(`missing address type in ${what}`);
    default: throw unsupported(`address type '${a.attr('type')}' in ${what} is not supported by the bhyve driver`);
  }
}

function pciOnly(addr: ReturnType<typeof parseAddress>, what: string): PciAddress | undefined {
  if (addr && addr.type !== 'pci') throw unsupported(`address type '${addr.type}' is not valid for ${what}`);
  return addr as PciAddress | undefined;
}

const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
/** already in canonical form (lower-case hex, dashes at 8-13-18-23): the common case, no regex or rebuilding */
function isCanonicalUUID(v: string): boolean {
  if (v.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function normUUID(s: string): string {
  const v = s.trim();
  if (isCanonicalUUID(v)) return v;
  if (!UUID_RE.test(v)) throw detail(`invalid value '${s}' for <uuid>: malformed UUID`);
  const h = v.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

const LIFECYCLE: readonly LifecycleAction[] = ['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart'];

// ---------------------------------------------------------------- sections

/** allowed children per element (built once) */
const KIDS_OS = new Set(['type', 'loader', 'nvram', 'boot', 'bootmenu']);
const KIDS_SYSINFO = new Set(['bios', 'system', 'baseBoard', 'chassis']);
const KIDS_CPU = new Set(['topology', 'numa', 'model', 'vendor', 'feature']);
const KIDS_DISK = new Set(['driver', 'source', 'target', 'readonly', 'shareable', 'serial', 'wwn', 'boot', 'blockio', 'address']);
const KIDS_CONTROLLER = new Set(['address', 'serial']);
const KIDS_INTERFACE = new Set(['mac', 'source', 'model', 'target', 'mtu', 'ip', 'boot', 'address']);
const KIDS_SERIAL = new Set(['source', 'target', 'protocol']);
const KIDS_CONSOLE = new Set(['source', 'target', 'protocol']);
const KIDS_CHANNEL = new Set(['source', 'target', 'address']);
const KIDS_GRAPHICS = new Set(['listen']);
const KIDS_VIDEO = new Set(['model', 'driver', 'address']);
const KIDS_INPUT = new Set(['address']);
const KIDS_SOUND = new Set(['audio', 'address']);
const KIDS_AUDIO = new Set(['input', 'output']);
const KIDS_RNG = new Set(['backend', 'address']);
const KIDS_FILESYSTEM = new Set(['source', 'target', 'readonly', 'driver', 'address']);
const KIDS_HOSTDEV = new Set(['source', 'address', 'boot']);
const KIDS_MEMORYBACKING = new Set(['locked']);


/** the children <domain> may have, each with its own bit (one Map lookup per child checks both "known" and "not repeated") */
const DOMAIN_CHILD_BIT = new Map([
  'name', 'uuid', 'title', 'description', 'metadata', 'memory', 'currentMemory', 'memoryBacking',
  'memtune', 'blkiotune', 'vcpu', 'cputune', 'cpu', 'sysinfo', 'os', 'bootloader', 'bootloader_args',
  'features', 'clock', 'on_poweroff', 'on_reboot', 'on_crash', 'devices',
].map((name, i) => [name, 1 << i]));

function parseOs(el: El, def: DomainDef): void {
  checkChildren(el, KIDS_OS, 'os');
  const t = child(el, 'type');
  if (!t) throw detail('missing <type> in <os>');
  const osType = t.text.trim();
  if (osType !== 'hvm') throw unsupported(`os type '${osType}' is not supported by the bhyve driver (only 'hvm')`);
  def.os.arch = oneOf(t.attr('arch'), ['x86_64', 'aarch64'] as const, 'os type arch', true);
  if (t.attr('machine') !== undefined) def.os.machine = t.attr('machine');
  if (el.attr('firmware') !== undefined) def.os.firmware = oneOf(el.attr('firmware'), ['efi'] as const, 'os firmware', true);
  const loader = child(el, 'loader');
  if (loader) {
    const path = loader.text.trim();
    const l: NonNullable<DomainDef['os']['loader']> = {};
    if (path !== '') l.path = path;
    const readonly = loader.attr('readonly'), type = loader.attr('type'), format = loader.attr('format');
    if (readonly !== undefined) l.readonly = yesNo(readonly, 'loader readonly');
    if (type !== undefined) l.type = oneOf(type, ['pflash', 'rom'] as const, 'loader type');
    if (format !== undefined) l.format = oneOf(format, ['raw'] as const, 'loader format', true);
    def.os.loader = l;
  }
  const nvram = child(el, 'nvram');
  if (nvram) {
    const path = nvram.text.trim();
    const v: NonNullable<DomainDef['os']['nvram']> = {};
    if (path !== '') v.path = path;
    const template = nvram.attr('template'), format = nvram.attr('format');
    if (template !== undefined) v.template = template;
    if (format !== undefined) v.format = oneOf(format, ['raw'] as const, 'nvram format', true);
    def.os.nvram = v;
  }
  for (const c of el.children) {
    if (c.name === 'boot') {
      const dev = oneOf(c.attr('dev'), ['hd', 'cdrom', 'network', 'fd'] as const, 'os boot dev');
      if (!dev) throw detail('missing boot device in <boot>');
      def.os.bootDevs.push(dev);
    } else if (c.name === 'bootmenu') {
      def.os.bootmenu = yesNo(c.attr('enable'), 'bootmenu enable');
    }
  }
}

function parseSysinfo(el: El): SysinfoDef {
  if (el.attr('type') !== 'smbios') throw unsupported(`sysinfo type '${el.attr('type') ?? ''}' is not supported (only 'smbios')`);
  checkChildren(el, KIDS_SYSINFO, 'sysinfo');
  const s: SysinfoDef = { type: 'smbios', bios: [], system: [], baseBoard: [], chassis: [] };
  const allowed: Record<string, string[]> = {
    bios: ['vendor', 'version', 'date', 'release'],
    system: ['manufacturer', 'product', 'version', 'serial', 'uuid', 'sku', 'family'],
    baseBoard: ['manufacturer', 'product', 'version', 'serial', 'asset', 'location'],
    chassis: ['manufacturer', 'version', 'serial', 'asset', 'sku'],
  };
  for (const sec of el.children) {
    const list: SysinfoEntry[] = s[sec.name as 'bios' | 'system' | 'baseBoard' | 'chassis'];
    for (const e of sec.children) {
      if (e.name !== 'entry') throw unsupported(`element '${e.name}' in <sysinfo><${sec.name}> is not supported`);
      const name = e.attr('name');
      if (!name || !allowed[sec.name].includes(name)) throw detail(`invalid sysinfo ${sec.name} entry name '${name ?? ''}'`);
      list.push({ name, value: e.text });
    }
  }
  return s;
}

function parseCpu(el: El, def: DomainDef): void {
  checkChildren(el, KIDS_CPU, 'cpu');
  for (const c of el.children) {
    if (c.name === 'model' || c.name === 'vendor' || c.name === 'feature') {
      throw unsupported(`<cpu><${c.name}> is not supported: bhyve always passes the host CPU through`);
    }
  }
  def.cpu = {};
  if (el.attr('mode') !== undefined) def.cpu.mode = el.attr('mode');
  const topo = child(el, 'topology');
  if (topo) {
    def.cpu.topology = {
      sockets: parseUInt(topo.attr('sockets') ?? '1', 'cpu topology sockets', 65535),
      cores: parseUInt(topo.attr('cores') ?? '1', 'cpu topology cores', 65535),
      threads: parseUInt(topo.attr('threads') ?? '1', 'cpu topology threads', 65535),
      ...(topo.attr('dies') !== undefined ? { dies: parseUInt(topo.attr('dies')!, 'cpu topology dies', 65535) } : {}),
    };
    const t = def.cpu.topology;
    if (t.sockets === 0 || t.cores === 0 || t.threads === 0) throw detail('cpu topology values must be greater than zero');
  }
  const numa = child(el, 'numa');
  if (numa) {
    const cells: NumaCell[] = [];
    for (const c of numa.children) {
      if (c.name !== 'cell') throw unsupported(`element '${c.name}' in <numa> is not supported`);
      const mem = c.attr('memory');
      if (mem === undefined) throw detail('missing memory in <numa><cell>');
      cells.push({
        id: parseUInt(c.attr('id') ?? String(cells.length), 'numa cell id'),
        cpus: c.attr('cpus') ?? '',
        memory: scaledKiB(mem, c.attr('unit') || undefined, 'numa cell memory'),
      });
    }
    def.cpu.numa = cells;
  }
}

function parseBlkiotune(el: El): BlkioTune {
  const t: BlkioTune = { devices: [] };
  for (const c of el.children) {
    if (c.name === 'weight') { t.weight = parseUInt(c.text, 'blkiotune weight'); continue; }
    if (c.name !== 'device') throw unsupported(`element '${c.name}' in <blkiotune> is not supported`);
    const path = child(c, 'path');
    if (!path) throw detail('missing <path> in <blkiotune><device>');
    const d: BlkioTune['devices'][number] = { path: path.text.trim() };
    for (const f of c.children) {
      switch (f.name) {
        case 'path': break;
        case 'weight': d.weight = parseUInt(f.text, 'blkiotune device weight'); break;
        case 'read_bytes_sec': d.readBytesSec = parseUInt(f.text, 'read_bytes_sec'); break;
        case 'write_bytes_sec': d.writeBytesSec = parseUInt(f.text, 'write_bytes_sec'); break;
        case 'read_iops_sec': d.readIopsSec = parseUInt(f.text, 'read_iops_sec'); break;
        case 'write_iops_sec': d.writeIopsSec = parseUInt(f.text, 'write_iops_sec'); break;
        default: throw unsupported(`element '${f.name}' in <blkiotune><device> is not supported`);
      }
    }
    t.devices.push(d);
  }
  return t;
}

function parseMemtune(el: El): MemTune {
  const t: MemTune = {};
  for (const c of el.children) {
    switch (c.name) {
      case 'hard_limit': t.hardLimit = sizeKiB(c, 'memtune hard_limit'); break;
      case 'soft_limit': t.softLimit = sizeKiB(c, 'memtune soft_limit'); break;
      case 'min_guarantee': t.minGuarantee = sizeKiB(c, 'memtune min_guarantee'); break;
      case 'swap_hard_limit': t.swapHardLimit = sizeKiB(c, 'memtune swap_hard_limit'); break;
      default: throw unsupported(`element '${c.name}' in <memtune> is not supported`);
    }
  }
  return t;
}

// ---------------------------------------------------------------- devices

function diskIndexFromName(dev: string): number {
  const m = /^(?:hd|sd|vd|xvd|ubd)([a-z]+)$/.exec(dev);
  if (!m) return -1;
  let idx = 0;
  for (const ch of m[1]) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return idx - 1;
}
export { diskIndexFromName };

function parseDisk(el: El): DiskDef {
  const type = oneOf(el.attr('type') ?? 'file', ['file', 'block', 'volume', 'ctl'] as const, 'disk type', true)!;
  const device = oneOf(el.attr('device') ?? 'disk', ['disk', 'cdrom'] as const, 'disk device', true)!;
  checkChildren(el, KIDS_DISK, 'disk');
  const target = child(el, 'target');
  if (!target || !target.attr('dev')) throw detail('missing target dev in <disk>');
  const bus = oneOf(target.attr('bus'), ['virtio', 'sata', 'nvme', 'scsi'] as const, `disk '${target.attr('dev')}' bus`, true);
  if (!bus) throw detail(`missing target bus for disk '${target.attr('dev')}'`);
  // all optional fields present from the start: one shape for every disk (see parseDomainXML)
  const disk: DiskDef = {
    type, device, driver: undefined, source: {}, target: { dev: target.attr('dev')!, bus }, readonly: undefined,
    shareable: undefined, serial: undefined, wwn: undefined, bootOrder: undefined, blockio: undefined, address: undefined,
  };
  if (target.attr('rotation_rate') !== undefined) disk.target.rotationRate = parseUInt(target.attr('rotation_rate')!, 'disk rotation_rate', 65534);
  const drv = child(el, 'driver');
  if (drv) {
    disk.driver = {};
    if (drv.attr('name') !== undefined) disk.driver.name = drv.attr('name');
    if (drv.attr('type') !== undefined) disk.driver.type = drv.attr('type');
    if (drv.attr('cache') !== undefined) disk.driver.cache = oneOf(drv.attr('cache'), ['none', 'writethrough', 'writeback', 'directsync', 'unsafe', 'default'] as const, 'disk driver cache');
    if (drv.attr('io') !== undefined) disk.driver.io = oneOf(drv.attr('io'), ['threads', 'native', 'io_uring', 'default'] as const, 'disk driver io');
    if (drv.attr('discard') !== undefined) disk.driver.discard = oneOf(drv.attr('discard'), ['unmap', 'ignore'] as const, 'disk driver discard');
    if (drv.attr('queues') !== undefined) disk.driver.queues = parseUInt(drv.attr('queues')!, 'disk driver queues', 65535);
    if (drv.attr('queue_size') !== undefined) disk.driver.queueSize = parseUInt(drv.attr('queue_size')!, 'disk driver queue_size', 65535);
  }
  const src = child(el, 'source');
  if (src) {
    if (type === 'file') { if (src.attr('file') !== undefined) disk.source.path = src.attr('file'); }
    else if (type === 'block' || type === 'ctl') { if (src.attr('dev') !== undefined) disk.source.path = src.attr('dev'); }
    else { disk.source.pool = src.attr('pool'); disk.source.volume = src.attr('volume'); }
  }
  if (child(el, 'readonly')) disk.readonly = true;
  if (child(el, 'shareable')) disk.shareable = true;
  const serial = child(el, 'serial');
  if (serial) disk.serial = serial.text;
  const wwn = child(el, 'wwn');
  if (wwn) {
    const v = wwn.text.trim();
    if (!/^(0x)?[0-9a-fA-F]{16}$/.test(v)) throw detail(`invalid value '${v}' for disk wwn`);
    disk.wwn = v;
  }
  const boot = child(el, 'boot');
  if (boot) {
    const order = parseUInt(boot.attr('order') ?? '', 'disk boot order', 0xffffffff);
    if (order === 0) throw detail(`invalid value '0' for disk boot order: must be at least 1`);
    disk.bootOrder = order;
  }
  const blockio = child(el, 'blockio');
  if (blockio) {
    disk.blockio = {};
    if (blockio.attr('logical_block_size') !== undefined) disk.blockio.logicalBlockSize = parseUInt(blockio.attr('logical_block_size')!, 'blockio logical_block_size');
    if (blockio.attr('physical_block_size') !== undefined) disk.blockio.physicalBlockSize = parseUInt(blockio.attr('physical_block_size')!, 'blockio physical_block_size');
  }
  const addr = parseAddress(child(el, 'address'), `disk '${disk.target.dev}'`);
  if (addr && addr.type === 'virtio-serial') throw unsupported(`address type 'virtio-serial' is not valid for a disk`);
  disk.address = addr as DriveAddress | PciAddress | undefined;
  return disk;
}

const CONTROLLER_TYPES: readonly ControllerType[] = ['pci', 'sata', 'usb', 'isa', 'nvme', 'scsi', 'virtio-serial'];

function parseController(el: El): ControllerDef {
  const type = oneOf(el.attr('type'), CONTROLLER_TYPES, 'controller type', true);
  if (!type) throw detail('missing controller type');
  checkChildren(el, KIDS_CONTROLLER, 'controller');
  // all optional fields present from the start: one shape for every controller (see parseDomainXML)
  const c: ControllerDef = {
    type, index: el.attr('index') !== undefined ? parseUInt(el.attr('index')!, 'controller index', 0xffff) : -1,
    model: undefined, ports: undefined, serial: undefined, address: undefined,
  };
  if (el.attr('model') !== undefined) c.model = el.attr('model');
  if (el.attr('ports') !== undefined) c.ports = parseUInt(el.attr('ports')!, 'controller ports', 0xffff);
  const serial = child(el, 'serial');
  if (serial) c.serial = serial.text;
  c.address = pciOnly(parseAddress(child(el, 'address'), `controller '${type}'`), `controller '${type}'`);
  return c;
}

function parseInterface(el: El): InterfaceDef {
  const type = oneOf(el.attr('type'), ['bridge', 'network', 'user', 'ethernet'] as const, 'interface type', true);
  if (!type) throw detail('missing interface type');
  checkChildren(el, KIDS_INTERFACE, 'interface');
  // all optional fields present from the start: one shape for every interface (see parseDomainXML)
  const n: InterfaceDef = {
    type, mac: undefined, source: undefined, model: undefined, targetDev: undefined, mtu: undefined,
    ips: undefined, bootOrder: undefined, address: undefined,
  };
  const mac = child(el, 'mac');
  if (mac) {
    const a = mac.attr('address') ?? '';
    if (!MAC_RE.test(a)) throw detail(`invalid value '${a}' for interface mac address`);
    n.mac = a.toLowerCase();
  }
  const src = child(el, 'source');
  if (src) {
    n.source = {};
    if (src.attr('bridge') !== undefined) n.source.bridge = src.attr('bridge');
    if (src.attr('network') !== undefined) n.source.network = src.attr('network');
  }
  if (type === 'bridge' && !n.source?.bridge) throw detail(`missing source bridge for interface of type 'bridge'`);
  if (type === 'network' && !n.source?.network) throw detail(`missing source network for interface of type 'network'`);
  const model = child(el, 'model');
  if (model) n.model = oneOf(model.attr('type'), ['virtio', 'e1000'] as const, 'interface model', true);
  const target = child(el, 'target');
  if (target && target.attr('dev') !== undefined) n.targetDev = target.attr('dev');
  const mtu = child(el, 'mtu');
  if (mtu) n.mtu = parseUInt(mtu.attr('size') ?? '', 'interface mtu size', 65535);
  for (const c of el.children) {
    if (c.name === 'ip') {
      n.ips ??= [];
      n.ips.push({
        address: c.attr('address') ?? '',
        ...(c.attr('family') !== undefined ? { family: c.attr('family') } : {}),
        ...(c.attr('prefix') !== undefined ? { prefix: parseUInt(c.attr('prefix')!, 'ip prefix', 128) } : {}),
      });
    }
  }
  const boot = child(el, 'boot');
  if (boot) n.bootOrder = parseUInt(boot.attr('order') ?? '', 'interface boot order', 0xffffffff);
  n.address = pciOnly(parseAddress(child(el, 'address'), 'interface'), 'interface');
  return n;
}

function parseChrSource(el: El, what: string): ChrSource {
  const type = el.attr('type') ?? 'pty';
  const src = child(el, 'source');
  switch (type) {
    case 'nmdm': {
      const nmdm: ChrSource = { type: 'nmdm' };
      const master = src?.attr('master'), slave = src?.attr('slave');
      if (master !== undefined) nmdm.master = master;
      if (slave !== undefined) nmdm.slave = slave;
      return nmdm;
    }
    case 'tcp': {
      if (!src || src.attr('host') === undefined || src.attr('service') === undefined) throw detail(`missing source host/service for ${what} of type 'tcp'`);
      const mode = oneOf(src.attr('mode') ?? 'connect', ['bind', 'connect'] as const, `${what} source mode`)!;
      const proto = child(el, 'protocol');
      const tcp: ChrSource = { type: 'tcp', mode, host: src.attr('host')!, service: src.attr('service')! };
      const protocol = proto?.attr('type');
      if (protocol !== undefined) tcp.protocol = protocol;
      return tcp;
    }
    case 'unix': {
      if (!src || src.attr('path') === undefined) throw detail(`missing source path for ${what} of type 'unix'`);
      const mode = oneOf(src.attr('mode') ?? 'connect', ['bind', 'connect'] as const, `${what} source mode`)!;
      return { type: 'unix', mode, path: src.attr('path')! };
    }
    case 'stdio': return { type: 'stdio' };
    default: throw unsupported(`${what} type '${type}' is not supported by the bhyve driver`);
  }
}

function parseSerial(el: El): SerialDef {
  checkChildren(el, KIDS_SERIAL, 'serial');
  const s: SerialDef = { source: parseChrSource(el, 'serial') };
  const t = child(el, 'target');
  const port = optUInt(t, 'port', 'serial target port', 0xffff);
  if (port !== undefined) s.targetPort = port;
  return s;
}

function parseConsole(el: El): ConsoleDef {
  checkChildren(el, KIDS_CONSOLE, 'console');
  const c: ConsoleDef = { source: parseChrSource(el, 'console') };
  const t = child(el, 'target');
  if (t?.attr('type') !== undefined) c.targetType = oneOf(t.attr('type'), ['serial', 'virtio'] as const, 'console target type', true);
  const port = optUInt(t, 'port', 'console target port', 0xffff);
  if (port !== undefined) c.targetPort = port;
  return c;
}

function parseChannel(el: El): ChannelDef {
  checkChildren(el, KIDS_CHANNEL, 'channel');
  const source = parseChrSource(el, 'channel');
  const t = child(el, 'target');
  if (!t || t.attr('type') !== 'virtio') throw unsupported(`channel target type '${t?.attr('type') ?? ''}' is not supported (only 'virtio')`);
  const target: ChannelDef['target'] = { type: 'virtio' };
  const name = t.attr('name');
  if (name !== undefined) target.name = name;
  const ch: ChannelDef = { source, target };
  const addr = parseAddress(child(el, 'address'), 'channel');
  if (addr && addr.type !== 'virtio-serial') throw unsupported(`address type '${addr.type}' is not valid for a channel`);
  ch.address = addr as VirtioSerialAddress | undefined;
  return ch;
}

function parseGraphics(el: El): GraphicsDef {
  if (el.attr('type') !== 'vnc') throw unsupported(`graphics type '${el.attr('type') ?? ''}' is not supported by the bhyve driver (only 'vnc')`);
  checkChildren(el, KIDS_GRAPHICS, 'graphics');
  const g: GraphicsDef = { type: 'vnc' };
  if (el.attr('port') !== undefined) {
    const p = el.attr('port')!.trim();
    if (!/^-?[0-9]+$/.test(p) || Number(p) < -1 || Number(p) > 65535) throw detail(`invalid value '${p}' for vnc port`);
    g.port = Number(p);
  }
  if (el.attr('autoport') !== undefined) g.autoport = yesNo(el.attr('autoport'), 'graphics autoport');
  if (el.attr('listen') !== undefined) g.listen = el.attr('listen');
  if (el.attr('passwd') !== undefined) g.passwd = el.attr('passwd');
  if (el.attr('wait') !== undefined) g.wait = yesNo(el.attr('wait'), 'graphics wait');
  for (const c of el.children) {
    const lt = oneOf(c.attr('type') ?? 'address', ['address'] as const, 'graphics listen type', true)!;
    g.listens ??= [];
    const listen: NonNullable<GraphicsDef['listens']>[number] = { type: lt };
    const address = c.attr('address');
    if (address !== undefined) listen.address = address;
    g.listens.push(listen);
  }
  return g;
}

function parseVideo(el: El): VideoDef {
  checkChildren(el, KIDS_VIDEO, 'video');
  const m = child(el, 'model');
  const type = oneOf(m?.attr('type') ?? 'gop', ['gop'] as const, 'video model', true)!;
  const v: VideoDef = { model: { type } };
  if (m) {
    if (m.attr('heads') !== undefined) v.model.heads = parseUInt(m.attr('heads')!, 'video heads', 16);
    if (m.attr('primary') !== undefined) v.model.primary = yesNo(m.attr('primary'), 'video primary');
    const r = child(m, 'resolution');
    if (r) v.model.resolution = { x: parseUInt(r.attr('x') ?? '', 'video resolution x', 65535), y: parseUInt(r.attr('y') ?? '', 'video resolution y', 65535) };
  }
  const drv = child(el, 'driver');
  if (drv?.attr('vgaconf') !== undefined) v.vgaconf = oneOf(drv.attr('vgaconf'), ['io', 'on', 'off'] as const, 'video driver vgaconf');
  v.address = pciOnly(parseAddress(child(el, 'address'), 'video'), 'video');
  return v;
}

function parseInput(el: El): InputDef {
  checkChildren(el, KIDS_INPUT, 'input');
  const type = oneOf(el.attr('type'), ['tablet', 'mouse', 'keyboard'] as const, 'input type', true);
  if (!type) throw detail('missing input type');
  const bus = oneOf(el.attr('bus') ?? 'usb', ['usb', 'virtio', 'ps2'] as const, 'input bus', true)!;
  return { type, bus };
}

function parseSound(el: El): SoundDef {
  checkChildren(el, KIDS_SOUND, 'sound');
  const model = oneOf(el.attr('model'), ['ich7'] as const, 'sound model', true);
  if (!model) throw detail('missing sound model');
  const s: SoundDef = { model };
  const a = child(el, 'audio');
  if (a) s.audioId = parseUInt(a.attr('id') ?? '', 'sound audio id');
  s.address = pciOnly(parseAddress(child(el, 'address'), 'sound'), 'sound');
  return s;
}

function parseAudio(el: El): AudioDef {
  checkChildren(el, KIDS_AUDIO, 'audio');
  const type = oneOf(el.attr('type'), ['oss', 'none'] as const, 'audio type', true);
  if (!type) throw detail('missing audio type');
  const a: AudioDef = { id: parseUInt(el.attr('id') ?? '', 'audio id'), type };
  const i = child(el, 'input');
  if (i?.attr('dev') !== undefined) a.inputDev = i.attr('dev');
  const o = child(el, 'output');
  if (o?.attr('dev') !== undefined) a.outputDev = o.attr('dev');
  return a;
}

function parseRng(el: El): RngDef {
  checkChildren(el, KIDS_RNG, 'rng');
  const model = oneOf(el.attr('model'), ['virtio', 'virtio-transitional', 'virtio-non-transitional'] as const, 'rng model');
  if (model !== 'virtio') throw unsupported(`rng model '${el.attr('model') ?? ''}' is not supported by the bhyve driver (only 'virtio')`);
  const b = child(el, 'backend');
  if (!b) throw detail('missing <backend> in <rng>');
  let backend: RngDef['backend'];
  if (b.attr('model') === 'random') {
    const path = b.text.trim();
    backend = { model: 'random', ...(path !== '' ? { path } : {}) };
  } else if (b.attr('model') === 'builtin') backend = { model: 'builtin' };
  else throw unsupported(`rng backend model '${b.attr('model') ?? ''}' is not supported by the bhyve driver`);
  return { model, backend, address: pciOnly(parseAddress(child(el, 'address'), 'rng'), 'rng') };
}

function parseFilesystem(el: El): FilesystemDef {
  checkChildren(el, KIDS_FILESYSTEM, 'filesystem');
  const type = oneOf(el.attr('type') ?? 'mount', ['mount', 'bind'] as const, 'filesystem type', true)!;
  const src = child(el, 'source');
  const tgt = child(el, 'target');
  if (!src?.attr('dir')) throw detail('missing source dir in <filesystem>');
  if (!tgt?.attr('dir')) throw detail('missing target dir in <filesystem>');
  const fs: FilesystemDef = { type, sourceDir: src.attr('dir')!, targetDir: tgt.attr('dir')! };
  if (el.attr('accessmode') !== undefined) fs.accessmode = oneOf(el.attr('accessmode'), ['passthrough', 'mapped', 'squash'] as const, 'filesystem accessmode');
  const drv = child(el, 'driver');
  if (drv?.attr('type') !== undefined) fs.driverType = drv.attr('type');
  if (child(el, 'readonly')) fs.readonly = true;
  fs.address = pciOnly(parseAddress(child(el, 'address'), 'filesystem'), 'filesystem');
  return fs;
}

function parseHostdev(el: El): HostdevDef {
  if (el.attr('mode') !== 'subsystem' || el.attr('type') !== 'pci') {
    throw unsupported(`hostdev mode '${el.attr('mode') ?? ''}' type '${el.attr('type') ?? ''}' is not supported (only subsystem pci)`);
  }
  checkChildren(el, KIDS_HOSTDEV, 'hostdev');
  const src = child(el, 'source');
  const sa = src && child(src, 'address');
  if (!sa) throw detail('missing source address in <hostdev>');
  const a = parsePciAddr(sa, 'hostdev source', false);
  const h: HostdevDef = { mode: 'subsystem', type: 'pci', source: { domain: a.domain, bus: a.bus, slot: a.slot, function: a.function } };
  if (el.attr('managed') !== undefined) h.managed = yesNo(el.attr('managed'), 'hostdev managed');
  const boot = child(el, 'boot');
  if (boot) h.bootOrder = parseUInt(boot.attr('order') ?? '', 'hostdev boot order', 0xffffffff);
  h.address = pciOnly(parseAddress(child(el, 'address'), 'hostdev'), 'hostdev');
  return h;
}

/** far more than bhyve's 31 PCI slots x 8 functions can use; keeps post-parse work bounded */
export const MAX_DEVICES = 1024;
/** highest host/guest CPU number accepted in a cpuset */
const MAX_CPU_ID = 65535;

function parseDevices(el: El, def: DomainDef): void {
  const d = def.devices;
  if (el.children.length > MAX_DEVICES) {
    throw unsupported(`${el.children.length} devices is more than the ${MAX_DEVICES} a bhyve domain can have`);
  }
  for (const c of el.children) {
    switch (c.name) {
      case 'emulator': d.emulator = c.text.trim(); break;
      case 'disk': d.disks.push(parseDisk(c)); break;
      case 'controller': d.controllers.push(parseController(c)); break;
      case 'interface': d.interfaces.push(parseInterface(c)); break;
      case 'serial': d.serials.push(parseSerial(c)); break;
      case 'console': d.consoles.push(parseConsole(c)); break;
      case 'channel': d.channels.push(parseChannel(c)); break;
      case 'graphics': d.graphics.push(parseGraphics(c)); break;
      case 'video': d.videos.push(parseVideo(c)); break;
      case 'input': d.inputs.push(parseInput(c)); break;
      case 'sound': d.sounds.push(parseSound(c)); break;
      case 'audio': d.audios.push(parseAudio(c)); break;
      case 'rng': d.rngs.push(parseRng(c)); break;
      case 'filesystem': d.filesystems.push(parseFilesystem(c)); break;
      case 'hostdev': d.hostdevs.push(parseHostdev(c)); break;
      case 'memballoon':
        if (c.attr('model') !== 'none') throw unsupported(`memballoon model '${c.attr('model') ?? ''}' is not supported by the bhyve driver`);
        break;
      default:
        throw unsupported(`element '${c.name}' in <devices> is not supported by the bhyve driver`);
    }
  }
  // duplicate disk targets are a definition error (libvirt: "target 'hda' duplicated")
  const seen = new Set<string>();
  for (const disk of d.disks) {
    if (seen.has(disk.target.dev)) throw detail(`target '${disk.target.dev}' duplicated for disk sources`);
    seen.add(disk.target.dev);
  }
  const indexes = new Set<string>();
  for (const ctl of d.controllers) {
    if (ctl.index < 0) continue;
    const k = `${ctl.type}/${ctl.index}`;
    if (indexes.has(k)) throw detail(`multiple '${ctl.type}' controllers with index '${ctl.index}'`);
    indexes.add(k);
  }
}

/** Serialize <metadata> children back to text (libxml2 style: double quotes). */
function rawXml(el: El, indent: string): string {
  let attrs = '';
  for (let i = 0; i < el.attrCount; i++) attrs += ` ${el.attrName(i)}="${escapeAttrDq(el.attrValue(i))}"`;
  const text = el.text.trim();
  if (el.children.length === 0) {
    return text === '' ? `${indent}<${el.name}${attrs}/>` : `${indent}<${el.name}${attrs}>${escapeText(text)}</${el.name}>`;
  }
  let s = `${indent}<${el.name}${attrs}>\n`;
  for (const c of el.children) s += rawXml(c, indent + '  ') + '\n';
  return s + `${indent}</${el.name}>`;
}
function escapeText(s: string): string { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
function escapeAttrDq(s: string): string { return escapeText(s).replace(/"/g, '&quot;'); }

/**
 * Parse a domain XML document. Throws VirError on anything invalid or
 * unsupported; never returns a partial definition.
 */
export function parseDomainXML(xml: string): DomainDef {
  const root = readXMLTree(xml);
  if (root.name !== 'domain') throw xmlError(`XML error: expected root element <domain>, found <${root.name}>`);
  const type = root.attr('type');
  if (!type) throw detail('missing domain type attribute');
  if (type !== 'bhyve' && type !== 'test') throw unsupported(`domain type '${type}' is not supported by this driver (expected 'bhyve')`);

  // namespace prefix bound to libvirt's bhyve namespace (usually 'bhyve')
  let bhyvePrefix: string | undefined;
  for (let i = 0; i < root.attrCount; i++) {
    const k = root.attrName(i);
    if (k.startsWith('xmlns:') && root.attrValue(i) === BHYVE_NS_URI) bhyvePrefix = k.slice(6);
  }

  // Every optional field is present from the start (undefined until set): all definitions then
  // share one object shape, so the post-parse and command-building code that reads them stays
  // monomorphic instead of meeting a different shape for each combination of optional elements.
  const def: DomainDef = {
    type, name: '', uuid: undefined, title: undefined, description: undefined, metadata: undefined,
    memory: 0, currentMemory: undefined, memoryLocked: undefined, memtune: undefined, blkiotune: undefined,
    vcpu: 0, vcpuPlacement: undefined, vcpuCurrent: undefined, vcpupin: [], cpu: undefined, sysinfo: undefined,
    os: { type: 'hvm', arch: undefined, machine: undefined, firmware: undefined, loader: undefined, nvram: undefined, bootDevs: [], bootmenu: undefined },
    bootloader: undefined, bootloaderArgs: undefined, features: {}, clock: undefined,
    onPoweroff: undefined, onReboot: undefined, onCrash: undefined, devices: emptyDevices(), bhyveCommandline: undefined,
  };
  let seen = 0;
  let sawOs = false;
  let sawMemory = false;
  for (const c of root.children) {
    if (bhyvePrefix !== undefined && c.name === `${bhyvePrefix}:commandline`) {
      def.bhyveCommandline ??= { args: [], env: [] };
      for (const a of c.children) {
        if (a.name === `${bhyvePrefix}:arg`) {
          if (a.attr('value') === undefined) throw detail('missing value in <bhyve:arg>');
          def.bhyveCommandline.args.push(a.attr('value')!);
        } else if (a.name === `${bhyvePrefix}:env`) {
          if (!a.attr('name')) throw detail('missing name in <bhyve:env>');
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.attr('name')!)) throw detail(`invalid environment variable name '${a.attr('name')}' in <bhyve:env>`);
          def.bhyveCommandline.env.push({ name: a.attr('name')!, ...(a.attr('value') !== undefined ? { value: a.attr('value') } : {}) });
        } else throw unsupported(`element '${a.name}' in <bhyve:commandline> is not supported`);
      }
      continue;
    }
    const bit = DOMAIN_CHILD_BIT.get(c.name);
    if (bit === undefined) throw unsupported(`element '${c.name}' in <domain> is not supported by the bhyve driver`);
    // every child of <domain> is a singleton in libvirt's schema
    if ((seen & bit) !== 0) throw detail(`element <${c.name}> appears more than once in <domain>`);
    seen |= bit;
    switch (c.name) {
      case 'name': def.name = c.text.trim(); break;
      case 'uuid': def.uuid = normUUID(c.text); break;
      case 'title':
        if (/[\r\n]/.test(c.text)) throw detail('title can\'t contain newlines');
        def.title = c.text; break;
      case 'description': def.description = c.text; break;
      case 'metadata': def.metadata = c.children.map(m => rawXml(m, '')); break;
      case 'memory': def.memory = sizeKiB(c, '<memory>'); sawMemory = true; break;
      case 'currentMemory': def.currentMemory = sizeKiB(c, '<currentMemory>'); break;
      case 'memoryBacking':
        checkChildren(c, KIDS_MEMORYBACKING, 'memoryBacking');
        if (child(c, 'locked')) def.memoryLocked = true;
        break;
      case 'memtune': def.memtune = parseMemtune(c); break;
      case 'blkiotune': def.blkiotune = parseBlkiotune(c); break;
      case 'vcpu':
        def.vcpu = parseUInt(c.text, '<vcpu>', 65535);
        if (def.vcpu === 0) throw detail("invalid value '0' for <vcpu>: a domain needs at least one vCPU");
        if (c.attr('placement') !== undefined) def.vcpuPlacement = oneOf(c.attr('placement'), ['static', 'auto'] as const, 'vcpu placement');
        if (c.attr('current') !== undefined) def.vcpuCurrent = parseUInt(c.attr('current')!, 'vcpu current', 65535);
        break;
      case 'cputune': {
        const pinned = new Set<number>();
        for (const p of c.children) {
          if (p.name !== 'vcpupin') throw unsupported(`element '${p.name}' in <cputune> is not supported by the bhyve driver`);
          const cpuset = p.attr('cpuset') ?? '';
          if (!/^\^?[0-9]+(-[0-9]+)?(,\^?[0-9]+(-[0-9]+)?)*$/.test(cpuset)) throw detail(`invalid value '${cpuset}' for vcpupin cpuset`);
          for (const part of cpuset.split(/[,^-]/)) {
            if (part !== '' && Number(part) > MAX_CPU_ID) throw detail(`CPU ${part} in vcpupin cpuset '${cpuset}' is out of range (0-${MAX_CPU_ID})`);
          }
          const vcpu = parseUInt(p.attr('vcpu') ?? '', 'vcpupin vcpu', 65535);
          if (pinned.has(vcpu)) throw detail(`duplicate vcpupin for vCPU ${vcpu}`);
          pinned.add(vcpu);
          def.vcpupin.push({ vcpu, cpuset });
        }
        break;
      }
      case 'cpu': parseCpu(c, def); break;
      case 'sysinfo': def.sysinfo = parseSysinfo(c); break;
      case 'os': parseOs(c, def); sawOs = true; break;
      case 'bootloader': def.bootloader = c.text.trim(); break;
      case 'bootloader_args': def.bootloaderArgs = c.text.trim(); break;
      case 'features':
        for (const f of c.children) {
          if (f.name === 'acpi') def.features.acpi = true;
          else if (f.name === 'apic') def.features.apic = true;
          else if (f.name === 'msrs') def.features.msrsUnknown = oneOf(f.attr('unknown'), ['ignore', 'fail'] as const, 'msrs unknown');
          else throw unsupported(`feature '${f.name}' is not supported by the bhyve driver`);
        }
        break;
      case 'clock': {
        if (c.children.length) throw unsupported('clock timers are not supported by the bhyve driver');
        const offset = oneOf(c.attr('offset') ?? 'utc', ['utc', 'localtime'] as const, 'clock offset', true)!;
        def.clock = { offset };
        break;
      }
      case 'on_poweroff': def.onPoweroff = oneOf(c.text.trim(), LIFECYCLE, 'on_poweroff'); break;
      case 'on_reboot': def.onReboot = oneOf(c.text.trim(), LIFECYCLE, 'on_reboot'); break;
      case 'on_crash': def.onCrash = oneOf(c.text.trim(), LIFECYCLE, 'on_crash'); break;
      case 'devices': parseDevices(c, def); break;
    }
  }
  if (def.name === '') throw new VirError('VIR_ERR_NO_NAME', 'missing domain name information');
  if (!sawMemory) throw detail('missing <memory> element');
  if (def.memory === 0) throw detail('memory size must be greater than zero');
  if (!sawOs) throw detail('missing <os> element');
  if (def.vcpu === 0) def.vcpu = 1;
  if (def.vcpuCurrent !== undefined && def.vcpuCurrent > def.vcpu) throw detail(`vcpu current ${def.vcpuCurrent} is greater than the maximum ${def.vcpu}`);
  if (def.currentMemory !== undefined && def.currentMemory > def.memory) def.currentMemory = def.memory;
  for (const p of def.vcpupin) {
    if (p.vcpu >= def.vcpu) throw detail(`vcpupin vcpu ${p.vcpu} is out of range (domain has ${def.vcpu} vcpus)`);
  }
  return def;
}
