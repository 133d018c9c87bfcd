/**
 * buildBhyveCommand(def, ctx): a post-parsed DomainDef (conf/postparse.ts
 * applyBhyveDefaults) -> what must run to boot it:
 *   loader: bhyveload / grub-bhyve (+ its device.map text) / a custom
 *           <bootloader>, optionally wrapped in timeout(1); absent when the
 *           domain boots a ROM (<os><loader>: UEFI, arm64 u-boot);
 *   bhyve:  the bhyve(8) argv, argv[0] being the program path (ctx.bhyvePath).
 *
 * Follows libvirt's bhyve driver conventions (the conformance corpus in
 * ../shared/conformance/libvirt-bhyve is the yardstick): option order
 * -c [-p] [-n] -m [-S] [-A] [-w] [-u] -H -P, hostbridge at 0:0, bootrom,
 * controllers in definition order (ahci packing with AHCI32SLOT, xhci tablet,
 * lpc, nvme, virtio-console, virtio-scsi), NICs, virtio disks, fbuf, hda,
 * virtio-9p, virtio-rnd, passthru, then -l comN, SMBIOS -o, extra args, name.
 *
 * Capabilities are explicit (ctx.caps): what the installed bhyve supports.
 * Anything bhyve cannot take — a path with ',' or a newline, a name bhyve
 * cannot use, a device combination bhyve lacks — is a VirError
 * (VIR_ERR_CONFIG_UNSUPPORTED), never a broken command line.
 *
 * Pure: no I/O. Host facts (tap names, VNC ports, firmware listing) come from
 * the context.
 */
import { VirError } from '../errors';
import {
  ChannelDef, ChrSource, ControllerDef, DEFAULT_VNC_LISTEN, DiskDef, DomainDef, InterfaceDef, PciAddress,
} from '../conf/domain';
import { expandCpuset } from '../conf/cpuset';

export type BhyveCap =
  | 'RTC_UTC' | 'AHCI32SLOT' | 'NET_E1000' | 'LPC_BOOTROM' | 'FBUF' | 'XHCI' | 'CPUTOPOLOGY'
  | 'SOUND_HDA' | 'VNC_PASSWORD' | 'VIRTIO_9P' | 'NVME' | 'VIRTIO_RND';

/** Every capability a current (FreeBSD 14/15) bhyve has. */
export const ALL_BHYVE_CAPS: ReadonlySet<BhyveCap> = new Set<BhyveCap>([
  'RTC_UTC', 'AHCI32SLOT', 'NET_E1000', 'LPC_BOOTROM', 'FBUF', 'XHCI', 'CPUTOPOLOGY',
  'SOUND_HDA', 'VNC_PASSWORD', 'VIRTIO_9P', 'NVME', 'VIRTIO_RND',
]);

export interface BhyveCommandContext {
  /** host architecture; default def.os.arch ?? 'x86_64' */
  arch?: 'x86_64' | 'aarch64';
  /** capabilities of the installed bhyve; default ALL_BHYVE_CAPS */
  caps?: ReadonlySet<BhyveCap>;
  /** grub-bhyve understands --cons-dev; default true */
  grubConsDev?: boolean;
  /** program paths as the host names them */
  bhyvePath?: string;       // default /usr/sbin/bhyve
  bhyveloadPath?: string;   // default /usr/sbin/bhyveload
  timeoutPath?: string;     // default timeout
  /** where the grub device.map will be written; default /var/run/bvirsh/<name>.devmap */
  deviceMapPath?: string;
  /** tap interface for a bridged/network NIC (the driver creates it); default targetDev ?? tap<index> */
  tapName?: (net: InterfaceDef, index: number) => string;
  /** VNC port for autoport graphics; default: 5900, 5901, … per call */
  vncPortAllocator?: () => number;
  /** wrap bhyveload in timeout(1): seconds, and kill-after seconds */
  bhyveloadTimeout?: { timeout: number; killAfter: number };
  /** unprivileged (non-root) bhyve: -M plus -o rundir=<dir> (needs a bhyve with that support) */
  unprivilegedRunDir?: string;
}

export interface BhyvePlan {
  loader?: { argv: string[]; deviceMap?: string };
  bhyve: string[];
  /** extra environment for bhyve (<bhyve:env>) */
  env?: Record<string, string>;
  /** the VNC ports in use (autoport ones as allocated) */
  vncPorts?: number[];
  /** UEFI variable store the driver must create from the template before start */
  nvram?: { path: string; template?: string };
  /** limits the driver applies with rctl(8) (memtune hard_limit, blkiotune '*') */
  rctl?: { memoryuseBytes?: number; readbps?: number; writebps?: number; readiops?: number; writeiops?: number };
}

/** bhyve's VM_MAX_NAMELEN: at most 32 characters (the kernel buffer has room for the NUL). */
export const BHYVE_MAX_NAME_LEN = 32;
/** upper bound on -p vcpu:hostcpu pairs (keeps a hostile cpuset from building a huge argv) */
const MAX_PINS = 65536;
/** bhyve -m: a bare number below 1 MiB is MiB; at or above it would mean bytes */
const MIB_BARE_LIMIT = 1024 * 1024;

function unsupported(msg: string): VirError {
  return new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${msg}`);
}

// module constants: a regex literal inside a function makes a new RegExp object on every call
const NEWLINE_OR_NUL_RE = /[\n\r\0]/;
// eslint-disable-next-line no-control-regex
const NAME_FORBIDDEN_RE = /[\/\x00-\x1f\x7f]/;

/** A value that goes inside a comma-separated bhyve option. */
function optValue(value: string, what: string): string {
  if (value.indexOf(',') >= 0) throw unsupported(`${what} '${value}' contains a comma, which bhyve cannot accept`);
  if (NEWLINE_OR_NUL_RE.test(value)) throw unsupported(`${what} contains a newline or NUL character`);
  if (value === '') throw unsupported(`${what} is empty`);
  return value;
}

function plainArg(value: string, what: string): string {
  if (NEWLINE_OR_NUL_RE.test(value)) throw unsupported(`${what} contains a newline or NUL character`);
  return value;
}

export function checkBhyveName(name: string): void {
  if (name.length === 0) throw unsupported('empty domain name');
  if (name.length > BHYVE_MAX_NAME_LEN) {
    throw unsupported(`domain name '${name}' is longer than ${BHYVE_MAX_NAME_LEN} characters, the most bhyve accepts`);
  }
  // eslint-disable-next-line no-control-regex
  if (NAME_FORBIDDEN_RE.test(name)) throw unsupported(`domain name '${name}' contains '/' or a control character, which bhyve cannot use`);
  if (name[0] === '-') throw unsupported(`domain name '${name}' starts with '-', which bhyve would take for an option`);
}

function memMiB(kib: number): number {
  return Math.ceil(kib / 1024);
}

/** -m value: bare MiB below 1 TiB (as libvirt writes it), with a unit above. */
export function bhyveMemArg(kib: number): string {
  const mib = memMiB(kib);
  return mib < MIB_BARE_LIMIT ? String(mib) : `${mib}M`;
}

function slotStr(a: PciAddress | undefined, what: string, withFunction = false): string {
  if (!a) throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: ${what} has no PCI address (definition not post-processed)`);
  return withFunction || a.function !== 0 ? `${a.slot}:${a.function}` : `${a.slot}:0`;
}

function diskPath(d: DiskDef): string {
  if (d.type === 'volume') {
    throw unsupported(`disk '${d.target.dev}': storage pool volumes ('${d.source.pool ?? ''}/${d.source.volume ?? ''}') must be resolved to a path first`);
  }
  if (d.source.path === undefined) {
    throw unsupported(d.device === 'cdrom' ? `cdrom '${d.target.dev}' without source path is not supported` : `disk '${d.target.dev}' has no source`);
  }
  return d.source.path;
}

function checkBootIndex(order: number | undefined, what: string): void {
  if (order !== undefined && order > 0x7fffffff) throw unsupported(`boot order ${order} of ${what} is larger than bhyve accepts`);
}

/** block backend options shared by ahci ports, virtio-blk and nvme */
function blockOpts(d: DiskDef): string {
  let s = '';
  if (d.readonly && d.device !== 'cdrom') s += ',ro';
  const cache = d.driver?.cache;
  if (cache === 'none') s += ',nocache';
  else if (cache === 'directsync') s += ',nocache,direct';
  else if (cache === 'writethrough') s += ',direct';
  if (d.driver?.discard === 'ignore') s += ',nodelete';
  if (d.blockio?.logicalBlockSize !== undefined) {
    s += `,sectorsize=${d.blockio.logicalBlockSize}`;
    if (d.blockio.physicalBlockSize !== undefined) s += `/${d.blockio.physicalBlockSize}`;
  }
  return s;
}

function checkSerial(serial: string | undefined, what: string, max: number): void {
  if (serial === undefined) return;
  optValue(serial, `${what} serial`);
  if (serial.length > max) throw unsupported(`${what} serial '${serial}' is longer than ${max} characters`);
}

function chrPath(src: ChrSource, what: string): string {
  switch (src.type) {
    case 'nmdm':
      if (!src.master) throw unsupported(`${what}: nmdm device without a master path`);
      return optValue(src.master, `${what} path`);
    case 'tcp':
      if (src.mode !== 'bind') throw unsupported(`${what}: bhyve only listens on TCP ports (source mode must be 'bind')`);
      return `tcp=${optValue(src.host, `${what} host`)}:${optValue(src.service, `${what} service`)}`;
    default:
      throw unsupported(`${what}: only nmdm and tcp serial ports are supported`);
  }
}

export function buildBhyveCommand(def: DomainDef, ctx: BhyveCommandContext = {}): BhyvePlan {
  const caps = ctx.caps ?? ALL_BHYVE_CAPS;
  const arch = def.os.arch ?? ctx.arch ?? 'x86_64';
  const x86 = arch === 'x86_64';
  const dev = def.devices;
  checkBhyveName(def.name);
  if (def.type !== 'bhyve' && def.type !== 'test') throw unsupported(`domain type '${def.type}'`);

  const argv: string[] = [ctx.bhyvePath ?? '/usr/sbin/bhyve'];
  const plan: BhyvePlan = { bhyve: argv };

  if (ctx.unprivilegedRunDir !== undefined) argv.push('-M', '-o', `rundir=${optValue(ctx.unprivilegedRunDir, 'run directory')}`);

  // CPUs: the current count (<vcpu current='N'>), as libvirt's bhyve driver boots with; bhyve has no hotplug up to a maximum
  const topo = def.cpu?.topology;
  const nvcpus = def.vcpuCurrent ?? def.vcpu;
  if (topo) {
    if (!caps.has('CPUTOPOLOGY')) throw unsupported('installed bhyve binary does not support CPU topology');
    if (topo.sockets * topo.cores * topo.threads !== nvcpus) {
      throw unsupported(`CPU topology (${topo.sockets} sockets x ${topo.cores} cores x ${topo.threads} threads) does not match the vCPU count ${nvcpus}`);
    }
    if (topo.dies !== undefined && topo.dies !== 1) throw unsupported('bhyve has no CPU dies');
    argv.push('-c', `cpus=${nvcpus},sockets=${topo.sockets},cores=${topo.cores},threads=${topo.threads}`);
  } else {
    argv.push('-c', String(nvcpus));
  }
  let pins = 0;
  for (const pin of def.vcpupin) {
    const cpus = expandCpuset(pin.cpuset);
    if (cpus.length === 0) throw unsupported(`vcpupin for vCPU ${pin.vcpu} has an empty cpuset`);
    pins += cpus.length;
    if (pins > MAX_PINS) throw unsupported(`more than ${MAX_PINS} vCPU pinnings (-p) requested`);
    for (const c of cpus) argv.push('-p', `${pin.vcpu}:${c}`);
  }
  const numa = def.cpu?.numa;
  if (numa && numa.length > 0) {
    if (numa.length > 8) throw unsupported(`bhyve supports at most 8 NUMA domains, ${numa.length} given`);
    for (const cell of numa) {
      if (!cell.cpus) throw unsupported(`NUMA cell ${cell.id} has an empty cpuset`);
      argv.push('-n', `id=${cell.id},size=${memMiB(cell.memory)},cpus=${optValue(cell.cpus, 'NUMA cpus')}`);
    }
  }
  argv.push('-m', bhyveMemArg(def.memory));
  if (def.memoryLocked || dev.hostdevs.length > 0) argv.push('-S');
  if (def.features.acpi && x86) argv.push('-A');
  if (def.features.msrsUnknown === 'ignore') argv.push('-w');
  if (def.clock?.offset === 'utc' && x86) {
    if (!caps.has('RTC_UTC')) throw unsupported('installed bhyve binary does not support UTC clock');
    argv.push('-u');
  }
  if (x86) argv.push('-H', '-P');

  // resource limits applied through rctl by the driver
  if (def.memtune) {
    const m = def.memtune;
    if (m.softLimit !== undefined || m.swapHardLimit !== undefined || m.minGuarantee !== undefined) {
      throw unsupported('only memtune hard_limit is supported by the bhyve driver');
    }
    if (m.hardLimit !== undefined) plan.rctl = { ...plan.rctl, memoryuseBytes: m.hardLimit * 1024 };
  }
  if (def.blkiotune) {
    const b = def.blkiotune;
    if (b.weight !== undefined) throw unsupported('blkiotune weight is not supported by the bhyve driver');
    if (b.devices.length > 1) throw unsupported('only a single blkiotune device entry (path \'*\') is supported');
    for (const d of b.devices) {
      if (d.path !== '*') throw unsupported(`blkiotune device path '${d.path}': only '*' (all disks) is supported`);
      if (d.weight !== undefined) throw unsupported('blkiotune device weight is not supported by the bhyve driver');
      plan.rctl = { ...plan.rctl, readbps: d.readBytesSec, writebps: d.writeBytesSec, readiops: d.readIopsSec, writeiops: d.writeIopsSec };
    }
  }

  argv.push('-s', '0:0,hostbridge');

  // boot ROM
  if (def.os.firmware === 'efi' && !def.os.loader?.path) {
    throw new VirError('VIR_ERR_OPERATION_FAILED', "operation failed: unable to find any usable EFI firmware for firmware='efi'");
  }
  if (def.os.loader) {
    const rom = def.os.loader.path;
    if (!rom) throw unsupported('<loader> without a firmware path');
    if (def.bootloader) throw unsupported('both <loader> and <bootloader> are set');
    if (x86) {
      if (!caps.has('LPC_BOOTROM')) throw unsupported('installed bhyve binary does not support UEFI loader');
      let v = `bootrom,${optValue(rom, 'loader path')}`;
      if (def.os.nvram?.path) {
        v += `,${optValue(def.os.nvram.path, 'nvram path')}`;
        plan.nvram = { path: def.os.nvram.path, ...(def.os.nvram.template ? { template: def.os.nvram.template } : {}) };
      }
      argv.push('-l', `${v},fwcfg=qemu`);
    } else {
      argv.push('-o', `bootrom=${optValue(rom, 'loader path')}`);
    }
  }

  // controllers, in definition order
  const seen: ControllerCounts = { usb: 0, isa: 0 };
  for (const c of dev.controllers) buildController(def, c, caps, argv, seen, x86);

  // NICs
  dev.interfaces.forEach((n, i) => buildNet(n, i, caps, ctx, argv));

  // disks on their own PCI function
  for (const d of dev.disks) {
    // (the device name is only put together when there is something to check)
    if (d.bootOrder !== undefined) checkBootIndex(d.bootOrder, `disk '${d.target.dev}'`);
    if (d.target.bus === 'sata' || d.target.bus === 'nvme' || d.target.bus === 'scsi') continue;
    if (d.device !== 'disk') throw unsupported(`virtio disk '${d.target.dev}' must be device='disk'`);
    if (d.target.rotationRate !== undefined) throw unsupported(`rotation_rate is only supported for SATA disks ('${d.target.dev}')`);
    if (d.driver?.queues !== undefined || d.driver?.queueSize !== undefined) throw unsupported(`queues/queue_size are only supported for NVMe disks ('${d.target.dev}')`);
    if (d.type === 'ctl') throw unsupported(`disk type 'ctl' needs bus 'scsi' ('${d.target.dev}')`);
    if (d.serial !== undefined) checkSerial(d.serial, `disk '${d.target.dev}'`, 20);
    let v = `${slotStr(d.address as PciAddress, `disk '${d.target.dev}'`)},virtio-blk,${optValue(diskPath(d), 'disk source')}${blockOpts(d)}`;
    if (d.serial !== undefined) v += `,ser=${d.serial}`;
    if (d.bootOrder !== undefined) v += `,bootindex=${d.bootOrder}`;
    argv.push('-s', v);
  }

  // graphics
  if (dev.graphics.length > 0) {
    if (dev.graphics.length > 1 || dev.videos.length > 1) throw unsupported('multiple graphics devices are not supported');
    if (dev.videos.length === 0) throw unsupported('VNC graphics need a <video> device');
    const g = dev.graphics[0], v = dev.videos[0];
    if (!caps.has('LPC_BOOTROM') || def.bootloader || !def.os.loader) throw unsupported('graphics are only supported when booting using UEFI');
    if (!caps.has('FBUF')) throw unsupported('bhyve version does not support framebuffer');
    const addr = g.listens?.[0]?.address ?? g.listen ?? DEFAULT_VNC_LISTEN;
    let port: number;
    if (g.autoport || g.port === undefined || g.port < 0) {
      port = ctx.vncPortAllocator ? ctx.vncPortAllocator() : 5900;
    } else {
      if (g.port < 5900 || g.port > 65535) throw unsupported('vnc port must be in range [5900,65535]');
      port = g.port;
    }
    plan.vncPorts = [port];
    let s = `${slotStr(v.address, 'video', true)},fbuf,tcp=${addr.includes(':') ? `[${optValue(addr, 'VNC listen address')}]` : optValue(addr, 'VNC listen address')}:${port}`;
    if (v.model.resolution) s += `,w=${v.model.resolution.x},h=${v.model.resolution.y}`;
    if (v.vgaconf) s += `,vga=${v.vgaconf}`;
    if (g.passwd !== undefined) {
      if (!caps.has('VNC_PASSWORD')) throw unsupported('VNC password authentication not supported by bhyve');
      if (g.passwd.includes(',')) throw unsupported("VNC password may not contain ',' character");
      s += `,password=${plainArg(g.passwd, 'VNC password')}`;
    }
    if (g.wait) s += ',wait';
    argv.push('-s', s);
  }

  // sound
  for (const snd of dev.sounds) {
    if (!caps.has('SOUND_HDA')) throw unsupported('sound devices are not supported by this bhyve binary');
    const audio = snd.audioId !== undefined ? dev.audios.find(a => a.id === snd.audioId) : dev.audios[0];
    let s = `${slotStr(snd.address, 'sound')},hda`;
    if (audio?.type === 'oss') {
      if (audio.outputDev) s += `,play=${optValue(audio.outputDev, 'audio output device')}`;
      if (audio.inputDev) s += `,rec=${optValue(audio.inputDev, 'audio input device')}`;
    }
    argv.push('-s', s);
  }

  // 9p shares
  for (const fs of dev.filesystems) {
    if (!caps.has('VIRTIO_9P')) throw unsupported('virtio-9p is not supported by this bhyve binary');
    if (fs.type !== 'mount') throw unsupported(`only filesystem type 'mount' is supported, not '${fs.type}'`);
    if (fs.accessmode !== undefined && fs.accessmode !== 'passthrough') throw unsupported(`only filesystem accessmode 'passthrough' is supported, not '${fs.accessmode}'`);
    if (fs.driverType !== undefined && fs.driverType !== 'path') throw unsupported(`filesystem driver type '${fs.driverType}' is not supported`);
    if (fs.targetDir.includes('=')) throw unsupported(`filesystem target '${fs.targetDir}' contains '='`);
    argv.push('-s', `${slotStr(fs.address, 'filesystem')},virtio-9p,${optValue(fs.targetDir, 'filesystem target')}=${optValue(fs.sourceDir, 'filesystem source')}${fs.readonly ? ',ro' : ''}`);
  }

  // rng
  for (const r of dev.rngs) {
    if (!caps.has('VIRTIO_RND')) throw unsupported('virtio-rnd is not supported by this bhyve binary');
    if (r.backend.model !== 'random') throw unsupported(`rng backend model '${r.backend.model}' is not supported`);
    if ((r.backend.path ?? '/dev/random') !== '/dev/random') throw unsupported(`rng backend '${r.backend.path}': bhyve only reads /dev/random`);
    argv.push('-s', `${slotStr(r.address, 'rng')},virtio-rnd`);
  }

  // PCI passthrough
  for (const h of dev.hostdevs) {
    checkBootIndex(h.bootOrder, 'hostdev');
    if (h.source.domain !== 0) throw unsupported('PCI passthrough of devices outside PCI domain 0');
    let s = `${slotStr(h.address, 'hostdev', h.address?.function !== 0)},passthru,${h.source.bus}/${h.source.slot}/${h.source.function}`;
    if (h.bootOrder !== undefined) s += `,bootindex=${h.bootOrder}`;
    argv.push('-s', s);
  }

  // serial ports
  if (x86) {
    for (const s of dev.serials) {
      const port = s.targetPort ?? 0;
      if (port > 3) throw unsupported(`serial port ${port} is out of range: bhyve has com1 to com4 (ports 0-3)`);
      argv.push('-l', `com${port + 1},${chrPath(s.source, `serial port ${port}`)}`);
    }
  } else if (dev.serials.length > 0) {
    if (dev.serials.length > 1) throw unsupported('bhyve on arm64 has a single console');
    const s = dev.serials[0];
    if (s.source.type !== 'nmdm') throw unsupported('only nmdm consoles are supported on arm64');
    argv.push('-o', `console=${chrPath(s.source, 'console')}`);
  }

  // SMBIOS
  if (def.sysinfo) {
    const map: Record<string, Record<string, string>> = {
      bios: { vendor: 'bios.vendor', version: 'bios.version', date: 'bios.release_date' },
      system: { manufacturer: 'system.manufacturer', product: 'system.product_name', version: 'system.version', serial: 'system.serial_number', sku: 'system.sku', family: 'system.family_name' },
      baseBoard: { manufacturer: 'board.manufacturer', product: 'board.product_name', version: 'board.version', serial: 'board.serial_number', asset: 'board.asset_tag', location: 'board.location' },
      chassis: { manufacturer: 'chassis.manufacturer', version: 'chassis.version', serial: 'chassis.serial_number', asset: 'chassis.asset_tag', sku: 'chassis.sku' },
    };
    // fixed order per section, as libvirt emits them
    const order: Record<string, string[]> = {
      bios: ['vendor', 'version', 'date'],
      system: ['manufacturer', 'product', 'serial', 'sku', 'version', 'family'],
      baseBoard: ['manufacturer', 'product', 'version', 'serial', 'asset', 'location'],
      chassis: ['manufacturer', 'version', 'serial', 'asset', 'sku'],
    };
    for (const sec of ['bios', 'system', 'baseBoard', 'chassis'] as const) {
      for (const e of def.sysinfo[sec]) {
        if (!map[sec][e.name]) throw unsupported(`sysinfo ${sec} entry '${e.name}' has no bhyve equivalent`);
      }
      for (const name of order[sec]) {
        const e = def.sysinfo[sec].find(x => x.name === name);
        if (e) argv.push('-o', `${map[sec][name]}=${plainArg(e.value, `sysinfo ${sec} ${name}`)}`);
      }
    }
  }

  if (def.bhyveCommandline) {
    for (const a of def.bhyveCommandline.args) argv.push(plainArg(a, 'bhyve:arg'));
    if (def.bhyveCommandline.env.length) {
      plan.env = {};
      for (const e of def.bhyveCommandline.env) plan.env[e.name] = plainArg(e.value ?? '', 'bhyve:env value');
    }
  }
  argv.push(def.name);

  if (!def.os.loader) plan.loader = buildLoader(def, ctx);
  return plan;
}

/** controllers of the kinds bhyve allows only once, counted while building */
interface ControllerCounts { usb: number; isa: number }

function buildController(def: DomainDef, c: ControllerDef, caps: ReadonlySet<BhyveCap>, argv: string[],
  seen: ControllerCounts, x86: boolean): void {
  const dev = def.devices;
  switch (c.type) {
    case 'pci':
      if (c.model !== undefined && c.model !== 'pci-root') throw unsupported(`unsupported PCI controller model '${c.model}': only pci-root`);
      return;
    case 'sata': {
      const disks = dev.disks.filter(d => d.target.bus === 'sata' && d.address?.type === 'drive' && d.address.controller === c.index);
      if (disks.length === 0) return;
      const ports = disks.map(d => {
        if (d.type !== 'file' && d.type !== 'block' && d.type !== 'volume') throw unsupported(`disk type '${d.type}' on SATA ('${d.target.dev}')`);
        if (d.driver?.queues !== undefined || d.driver?.queueSize !== undefined) throw unsupported(`queues/queue_size are only supported for NVMe disks ('${d.target.dev}')`);
        if (d.serial !== undefined) checkSerial(d.serial, `disk '${d.target.dev}'`, 20);
        let p = `${optValue(diskPath(d), 'disk source')}${blockOpts(d)}`;
        if (d.target.rotationRate !== undefined) p += `,nmrr=${d.target.rotationRate}`;
        if (d.serial !== undefined) p += `,ser=${d.serial}`;
        if (d.bootOrder !== undefined) p += `,bootindex=${d.bootOrder}`;
        return { kind: d.device === 'cdrom' ? 'cd' : 'hd', p };
      });
      if (caps.has('AHCI32SLOT')) {
        if (ports.length > 32) throw unsupported('an AHCI controller has at most 32 ports');
        argv.push('-s', `${slotStr(c.address, 'sata controller')},ahci,${ports.map(p => `${p.kind}:${p.p}`).join(',')}`);
      } else {
        if (ports.length > 1) throw unsupported('this bhyve binary supports only one disk per AHCI controller');
        argv.push('-s', `${slotStr(c.address, 'sata controller')},ahci-${ports[0].kind},${ports[0].p}`);
      }
      return;
    }
    case 'usb': {
      if (c.model !== undefined && c.model !== 'nec-xhci') throw unsupported(`USB controller model '${c.model}': only nec-xhci`);
      if (!caps.has('XHCI')) throw unsupported('installed bhyve binary does not support XHCI');
      if (++seen.usb > 1) throw unsupported('only a single USB controller is supported');
      for (const i of dev.inputs) {
        if (i.bus !== 'usb') throw unsupported('only USB input devices are supported');
        if (i.type !== 'tablet') throw unsupported('only tablet input devices are supported');
      }
      if (dev.inputs.length !== 1) throw unsupported('the XHCI controller needs exactly one input device (a USB tablet)');
      argv.push('-s', `${slotStr(c.address, 'usb controller', true)},xhci,tablet`);
      return;
    }
    case 'isa':
      if (!x86) throw unsupported('bhyve on arm64 has no LPC bridge');
      if (++seen.isa > 1) throw unsupported('only a single ISA controller is supported');
      argv.push('-s', `${slotStr(c.address, 'isa controller')},lpc`);
      return;
    case 'nvme': {
      if (!caps.has('NVME')) throw unsupported('NVMe is not supported by this bhyve binary');
      const disks = dev.disks.filter(d => d.target.bus === 'nvme' && d.address?.type === 'drive' && d.address.controller === c.index);
      if (disks.length === 0) return;
      if (disks.length > 1 || disks[0].address?.type === 'drive' && disks[0].address.unit !== 0) {
        throw unsupported(`only one disk (namespace 1) per NVMe controller is supported (controller ${c.index})`);
      }
      const d = disks[0];
      if (d.device !== 'disk') throw unsupported(`NVMe disk '${d.target.dev}' must be device='disk'`);
      if (d.target.rotationRate !== undefined) throw unsupported(`rotation_rate is only supported for SATA disks ('${d.target.dev}')`);
      checkSerial(c.serial, `NVMe controller ${c.index}`, 20);
      let s = `${slotStr(c.address, 'nvme controller')},nvme,${optValue(diskPath(d), 'disk source')}${blockOpts(d)}`;
      if (d.driver?.queues !== undefined) s += `,maxq=${d.driver.queues}`;
      if (d.driver?.queueSize !== undefined) s += `,qsz=${d.driver.queueSize}`;
      if (d.wwn !== undefined) s += `,eui64=${d.wwn.startsWith('0x') ? d.wwn : '0x' + d.wwn}`;
      if (c.serial !== undefined) s += `,ser=${c.serial}`;
      if (d.bootOrder !== undefined) s += `,bootindex=${d.bootOrder}`;
      argv.push('-s', s);
      return;
    }
    case 'virtio-serial': {
      const ports = c.ports ?? 16;
      if (ports > 16) throw unsupported(`virtio-serial controller ${c.index}: bhyve's virtio-console has at most 16 ports, ${ports} requested`);
      const chans = dev.channels.filter(ch => ch.address?.controller === c.index)
        .sort((a, b) => a.address!.port - b.address!.port);
      if (chans.length === 0) return;
      const list = chans.map((ch: ChannelDef) => {
        if (ch.source.type !== 'unix' || ch.source.mode !== 'bind') throw unsupported('virtio-console channels must be unix sockets in bind mode');
        if (!ch.target.name) throw unsupported('virtio-console channel without a target name');
        if (ch.address!.port >= ports) throw unsupported(`channel port ${ch.address!.port} exceeds the ${ports} ports of controller ${c.index}`);
        if (ch.target.name.includes('=')) throw unsupported(`channel name '${ch.target.name}' contains '='`);
        return `${optValue(ch.target.name, 'channel name')}=${optValue(ch.source.path, 'channel socket path')}`;
      });
      argv.push('-s', `${slotStr(c.address, 'virtio-serial controller')},virtio-console,${list.join(',')}`);
      return;
    }
    case 'scsi': {
      if (c.model !== undefined && c.model !== 'virtio-scsi') throw unsupported(`SCSI controller model '${c.model}': only virtio-scsi`);
      const disks = dev.disks.filter(d => d.target.bus === 'scsi' && d.address?.type === 'drive' && d.address.controller === c.index);
      if (disks.length === 0) return;
      if (disks.length > 1) throw unsupported('only one CTL target per virtio-scsi controller is supported');
      const d = disks[0];
      if (d.type !== 'ctl') throw unsupported(`SCSI disk '${d.target.dev}' must be of type 'ctl' (a CAM target layer port)`);
      let s = `${slotStr(c.address, 'scsi controller')},virtio-scsi,${optValue(diskPath(d), 'CTL device')}`;
      if (d.bootOrder !== undefined) s += `,bootindex=${d.bootOrder}`;
      argv.push('-s', s);
      return;
    }
  }
}

function buildNet(n: InterfaceDef, index: number, caps: ReadonlySet<BhyveCap>, ctx: BhyveCommandContext, argv: string[]): void {
  const model = n.model ?? 'virtio';
  let nic: string;
  if (model === 'virtio') nic = 'virtio-net';
  else {
    if (!caps.has('NET_E1000')) throw unsupported("NIC model 'e1000' is not supported by given bhyve binary");
    nic = 'e1000';
  }
  if (!n.mac) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: interface without MAC address (definition not post-processed)');
  checkBootIndex(n.bootOrder, 'interface');
  let backend: string;
  if (n.type === 'bridge' || n.type === 'network' || n.type === 'ethernet') {
    backend = optValue(ctx.tapName ? ctx.tapName(n, index) : n.targetDev ?? `tap${index}`, 'tap device name');
    backend += `,mac=${n.mac}`;
  } else {
    if (n.ips && n.ips.length > 0) throw unsupported('guest IP addresses cannot be set on a user-mode (slirp) interface');
    backend = `slirp,mac=${n.mac},open`;
  }
  if (n.mtu !== undefined) backend += `,mtu=${n.mtu}`;
  if (n.bootOrder !== undefined) backend += `,bootindex=${n.bootOrder}`;
  argv.push('-s', `${slotStr(n.address, 'interface')},${nic},${backend}`);
}

/** libvirt splits bootloader_args on single spaces (no shell quoting). */
function splitArgs(s: string): string[] {
  return s.split(' ').filter(a => a !== '').map(a => plainArg(a, 'bootloader argument'));
}

function bootDisk(def: DomainDef): DiskDef {
  const disks = def.devices.disks;
  if (disks.length < 1) throw unsupported('domain should have at least one disk defined');
  const usable = (d: DiskDef): boolean => d.device === 'disk' || d.device === 'cdrom';
  if (def.os.bootDevs.length > 1) throw unsupported('only one boot device is supported');
  if (def.os.bootDevs.length === 1) {
    const want = def.os.bootDevs[0];
    if (want !== 'hd' && want !== 'cdrom') throw unsupported(`cannot boot from device ${want}`);
    const kind = want === 'hd' ? 'disk' : 'cdrom';
    const m = disks.find(d => usable(d) && d.device === kind);
    if (!m) throw unsupported(`cannot find boot device of requested type ${want}`);
    return m;
  }
  const withOrder = disks.filter(d => usable(d) && (d.bootOrder ?? 0) > 0);
  if (withOrder.length > 1) throw unsupported('only one boot device is supported');
  if (withOrder.length === 1) return withOrder[0];
  const first = disks.find(usable);
  if (!first) throw unsupported('no usable boot disk');
  return first;
}

function buildLoader(def: DomainDef, ctx: BhyveCommandContext): { argv: string[]; deviceMap?: string } {
  const mem = String(memMiB(def.memory));
  if (!def.bootloader) {
    let argv: string[];
    if (def.bootloaderArgs !== undefined) {
      argv = [ctx.bhyveloadPath ?? '/usr/sbin/bhyveload', ...splitArgs(def.bootloaderArgs)];
    } else {
      const disk = bootDisk(def);
      argv = [ctx.bhyveloadPath ?? '/usr/sbin/bhyveload', '-m', mem, '-d', plainArg(diskPath(disk), 'boot disk path'), def.name];
    }
    if (ctx.bhyveloadTimeout && ctx.bhyveloadTimeout.timeout > 0) {
      const t = ctx.bhyveloadTimeout;
      argv = [ctx.timeoutPath ?? 'timeout', '--foreground', '--verbose', '-k', `${t.killAfter}s`, `${t.timeout}s`, ...argv];
    }
    return { argv };
  }
  if (def.bootloaderArgs !== undefined) {
    return { argv: [plainArg(def.bootloader, 'bootloader'), ...splitArgs(def.bootloaderArgs)] };
  }
  if (!def.bootloader.includes('grub-bhyve')) {
    throw unsupported('custom loader requires explicit bootloader_args configuration');
  }
  // grub-bhyve: pick the boot disk (explicit boot order first, else a CD, else the first disk)
  let cd: DiskDef | undefined, hd: DiskDef | undefined, userdef: DiskDef | undefined;
  let best = Infinity;
  for (const d of def.devices.disks) {
    if (d.bootOrder && d.bootOrder < best) { userdef = d; best = d.bootOrder; continue; }
    if (!cd && d.device === 'cdrom') cd = d;
    if (!hd && d.device === 'disk') hd = d;
  }
  const mapLine = (d: DiskDef): string => `${d.device === 'cdrom' ? '(cd)' : '(hd0)'} ${plainArg(diskPath(d), 'disk path')}\n`;
  let deviceMap = '';
  if (userdef) deviceMap = mapLine(userdef);
  else { if (hd) deviceMap += mapLine(hd); if (cd) deviceMap += mapLine(cd); }
  const root = userdef ? (userdef.device === 'cdrom' ? 'cd' : 'hd0,msdos1') : cd ? 'cd' : 'hd0,msdos1';
  const argv = [plainArg(def.bootloader, 'bootloader'), '--root', root, '--device-map',
    ctx.deviceMapPath ?? `/var/run/bvirsh/${def.name}.devmap`, '--memory', mem];
  if ((ctx.grubConsDev ?? true) && def.devices.serials.length > 0) {
    const s = def.devices.serials[0];
    if (s.source.type !== 'nmdm') throw unsupported('only nmdm console types are supported');
    argv.push('--cons-dev', plainArg(s.source.master ?? '', 'console device'));
  }
  argv.push(def.name);
  return { argv, deviceMap };
}
