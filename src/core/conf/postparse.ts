/**
 * applyBhyveDefaults(def, opts): the bhyve driver's post-parse step, run on
 * `define` (and before building a command line). Mutates and returns `def`.
 *
 *  - libvirt defaults: currentMemory, vcpu placement, os arch, <boot dev='hd'/>
 *    when nothing else says how to boot, clock utc (localtime on arm64), lifecycle actions,
 *    cdrom readonly, console <-> serial mirroring, video for VNC;
 *  - firmware='efi': loader + nvram picked from opts.firmwareDir / nvramDir
 *    (<nvramDir>/<name>_VARS.fd); <nvram/> without a path gets that path too;
 *  - implicit controllers: pci-root, isa (LPC; x86 when a serial port, boot ROM
 *    or framebuffer needs it), sata / nvme / scsi for the disks, virtio-serial
 *    for channels;
 *  - addresses: SATA/NVMe/SCSI drive addresses (32 disks per AHCI controller
 *    with the AHCI32SLOT capability, else one per controller), virtio-serial
 *    ports, and PCI slots (0 = hostbridge; 1 kept for the LPC unless taken
 *    explicitly; then controllers, NICs, virtio disks, video, sound,
 *    filesystems, rng, hostdevs in that order, the order bhyve(8) users expect);
 *  - MAC addresses for NICs without one (opts.macGenerator, injectable: the
 *    conformance tests use the mocked 52:54:00:00:00:00);
 *  - nmdm ports without a source: /dev/nmdm<uuid>A (bhyve side) / B (user side).
 *
 * Deterministic when opts supplies macGenerator, uuidGenerator and
 * firmwareList (the tests do); the defaults use crypto randomness and list
 * opts.firmwareDir (only for firmware='efi').
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { VirError } from '../errors';
import { diskIndexFromName } from './xml-parse';
import { ControllerDef, ControllerType, DomainDef, PciAddress } from './domain';

export interface BhyveDefaultsOptions {
  /** host arch for <type arch>, default 'x86_64' */
  arch?: 'x86_64' | 'aarch64';
  /** bhyve has the AHCI32SLOT capability (all SATA disks on one ahci slot); default true */
  ahci32slot?: boolean;
  /** directory holding BHYVE_UEFI.fd (+ BHYVE_UEFI_VARS.fd) for firmware='efi' */
  firmwareDir?: string;
  /** directory for per-VM NVRAM copies, default /var/lib/bvirsh/nvram */
  nvramDir?: string;
  /** list a firmware directory (default: fs.readdirSync; [] when missing) */
  firmwareList?: (dir: string) => string[];
  /** MAC generator for NICs without one (default: random 52:54:00:xx:xx:xx) */
  macGenerator?: () => string;
  /** UUID generator when <uuid> is absent (default: crypto.randomUUID) */
  uuidGenerator?: () => string;
}

export const DEFAULT_FIRMWARE_DIR = '/usr/local/share/uefi-firmware';
export const DEFAULT_NVRAM_DIR = '/var/lib/bvirsh/nvram';
const UEFI_CODE = 'BHYVE_UEFI.fd';
const UEFI_VARS = 'BHYVE_UEFI_VARS.fd';

/** random bytes drawn from a pool refilled 4 KiB at a time (one syscall per ~1300 MACs) */
let macPool = Buffer.alloc(0);
let macPoolAt = 0;

/** A random MAC in the 52:54:00 prefix libvirt uses. */
export function randomMac(): string {
  if (macPoolAt + 3 > macPool.length) { macPool = randomBytes(4096); macPoolAt = 0; }
  const hex = (b: number): string => (b < 16 ? '0' : '') + b.toString(16);
  const m = `52:54:00:${hex(macPool[macPoolAt])}:${hex(macPool[macPoolAt + 1])}:${hex(macPool[macPoolAt + 2])}`;
  macPoolAt += 3;
  return m;
}

function defaultFirmwareList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

function pci(slot: number, fn = 0): PciAddress {
  return { type: 'pci', domain: 0, bus: 0, slot, function: fn };
}

/** Insert an implicit controller the way libvirt orders them: after the last
 *  controller of the same type, else at the end. */
function insertController(list: ControllerDef[], c: ControllerDef): void {
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].type === c.type) { list.splice(i + 1, 0, c); return; }
  }
  list.push(c);
}

function hasController(def: DomainDef, type: ControllerType, index: number): boolean {
  return def.devices.controllers.some(c => c.type === type && c.index === index);
}

function ensureController(def: DomainDef, type: ControllerType, index: number, model?: string): void {
  if (hasController(def, type, index)) return;
  // the same shape as a parsed controller (conf/xml-parse.ts parseController)
  const c: ControllerDef = { type, index, model, ports: undefined, serial: undefined, address: undefined };
  insertController(def.devices.controllers, c);
}

export function applyBhyveDefaults(def: DomainDef, opts: BhyveDefaultsOptions = {}): DomainDef {
  const arch = def.os.arch ?? opts.arch ?? 'x86_64';
  const x86 = arch === 'x86_64';
  const ahci32 = opts.ahci32slot ?? true;
  const dev = def.devices;

  def.uuid ??= (opts.uuidGenerator ?? randomUUID)();
  def.os.arch = arch;
  def.currentMemory ??= def.memory;
  def.vcpuPlacement ??= 'static';
  // bhyve on arm64 has no UTC RTC switch: the guest clock follows the host's local time
  def.clock ??= { offset: x86 ? 'utc' : 'localtime' };
  def.onPoweroff ??= 'destroy';
  def.onReboot ??= 'restart';
  def.onCrash ??= 'destroy';

  // controller indexes left out in the XML: next free index per type
  for (const c of dev.controllers) {
    if (c.index >= 0) continue;
    let i = 0;
    while (dev.controllers.some(o => o !== c && o.type === c.type && o.index === i)) i++;
    c.index = i;
  }

  // firmware autoselection
  if (def.os.firmware === 'efi' && !def.os.loader?.path) {
    const fwDir = opts.firmwareDir ?? DEFAULT_FIRMWARE_DIR;
    const files = (opts.firmwareList ?? defaultFirmwareList)(fwDir);
    if (files.includes(UEFI_CODE)) {
      def.os.loader = { path: `${fwDir}/${UEFI_CODE}`, readonly: true, type: 'pflash', format: 'raw' };
      def.os.nvram ??= {};
      if (!def.os.nvram.template && files.includes(UEFI_VARS)) def.os.nvram.template = `${fwDir}/${UEFI_VARS}`;
      def.os.nvram.format ??= 'raw';
    }
    // else: left unset; the command builder reports the missing firmware
  }
  // arm64 boots a ROM image (u-boot) through -o bootrom=
  if (!x86 && def.os.loader?.path !== undefined) def.os.loader.type ??= 'rom';
  if (def.os.loader && def.os.nvram && !def.os.nvram.path) {
    def.os.nvram.path = `${opts.nvramDir ?? DEFAULT_NVRAM_DIR}/${def.name}_VARS.fd`;
  }

  const deviceBoot = dev.disks.some(d => d.bootOrder !== undefined) ||
    dev.interfaces.some(n => n.bootOrder !== undefined) || dev.hostdevs.some(h => h.bootOrder !== undefined);
  if (!def.bootloader && def.os.bootDevs.length === 0 && !deviceBoot) def.os.bootDevs.push('hd');

  // disks
  let sataAuto = 0;
  for (const d of dev.disks) {
    if (d.device === 'cdrom') d.readonly = true;
    // a virtio disk is a PCI function of its own: a drive address makes no sense there
    if (d.target.bus === 'virtio' && d.address?.type === 'drive') d.address = undefined;
    if (d.address) continue;
    const bus = d.target.bus;
    if (bus === 'sata') {
      let idx = diskIndexFromName(d.target.dev);
      if (idx < 0) idx = sataAuto;
      sataAuto = idx + 1;
      d.address = ahci32
        ? { type: 'drive', controller: Math.floor(idx / 32), bus: 0, target: 0, unit: idx % 32 }
        : { type: 'drive', controller: idx, bus: 0, target: 0, unit: 0 };
    } else if (bus === 'nvme') {
      const m = /^nvme([0-9]+)n([0-9]+)$/.exec(d.target.dev);
      if (!m) throw new VirError('VIR_ERR_XML_DETAIL', `XML error: invalid NVMe disk target '${d.target.dev}' (expected nvme<controller>n<namespace>)`);
      d.address = { type: 'drive', controller: Number(m[1]), bus: 0, target: 0, unit: Number(m[2]) - 1 };
    } else if (bus === 'scsi') {
      let idx = diskIndexFromName(d.target.dev);
      if (idx < 0) idx = 0;
      d.address = { type: 'drive', controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
    }
  }

  // implicit controllers
  ensureController(def, 'pci', 0, 'pci-root');
  for (const c of dev.controllers) if (c.type === 'pci' && c.index === 0 && !c.model) c.model = 'pci-root';
  const needLpc = x86 && (dev.serials.length > 0 || dev.consoles.length > 0 || def.os.loader !== undefined || dev.graphics.length > 0);
  if (needLpc && !dev.controllers.some(c => c.type === 'isa')) ensureController(def, 'isa', 0);
  // channels: virtio-serial controllers and ports
  for (const ch of dev.channels) {
    if (ch.address) continue;
    let ctl = 0;
    for (;;) {
      const c = dev.controllers.find(o => o.type === 'virtio-serial' && o.index === ctl);
      const ports = c?.ports ?? 16;
      const used = dev.channels.filter(o => o.address && o.address.controller === ctl).map(o => o.address!.port);
      let port = 1;
      while (used.includes(port)) port++;
      if (port < ports) { ch.address = { type: 'virtio-serial', controller: ctl, bus: 0, port }; break; }
      ctl++;
    }
  }
  for (const ch of dev.channels) ensureController(def, 'virtio-serial', ch.address!.controller);
  for (const c of dev.controllers) if (c.type === 'virtio-serial') c.ports ??= 16;
  for (const d of dev.disks) {
    if (d.address?.type !== 'drive') continue;
    if (d.target.bus === 'nvme') ensureController(def, 'nvme', d.address.controller);
    else if (d.target.bus === 'scsi') ensureController(def, 'scsi', d.address.controller);
  }
  for (const d of dev.disks) {
    if (d.target.bus === 'sata' && d.address?.type === 'drive') ensureController(def, 'sata', d.address.controller);
  }

  // NICs: MAC addresses
  for (const n of dev.interfaces) if (!n.mac) n.mac = (opts.macGenerator ?? randomMac)();

  // consoles and serial ports mirror each other (libvirt's console = serial0)
  if (dev.consoles.length > 0 && dev.serials.length === 0 && (dev.consoles[0].targetType ?? 'serial') === 'serial') {
    dev.serials.push({ source: { ...dev.consoles[0].source }, targetPort: 0 });
  }
  let nextPort = 0;
  for (const s of dev.serials) {
    if (s.targetPort === undefined) {
      while (dev.serials.some(o => o.targetPort === nextPort)) nextPort++;
      s.targetPort = nextPort;
    }
  }
  const uuid = def.uuid;
  const fillNmdm = (src: { type: string; master?: string; slave?: string }): void => {
    if (src.type !== 'nmdm') return;
    src.master ??= `/dev/nmdm${uuid}A`;
    src.slave ??= `/dev/nmdm${uuid}B`;
  };
  for (const s of dev.serials) fillNmdm(s.source);
  if (dev.serials.length > 0) {
    // the console is serial 0 seen as a console: same source, same port (as libvirt copies it)
    const s0 = dev.serials[0];
    if (dev.consoles.length === 0) dev.consoles.push({ source: { ...s0.source }, targetType: 'serial', targetPort: s0.targetPort });
    else if ((dev.consoles[0].targetType ?? 'serial') === 'serial') {
      dev.consoles[0].source = { ...s0.source };
      dev.consoles[0].targetPort = s0.targetPort;
    }
  }
  for (const c of dev.consoles) {
    fillNmdm(c.source);
    if (c.targetType === undefined) c.targetType = 'serial';
    if (c.targetPort === undefined) c.targetPort = 0;
  }

  // graphics
  for (const g of dev.graphics) {
    if (g.port === undefined || g.port === -1) {
      if (g.autoport !== false) { g.port = -1; g.autoport = true; }
    } else g.autoport ??= false;
    if (g.listens && g.listens.length > 0 && g.listens[0].address !== undefined) g.listen ??= g.listens[0].address;
    else if (g.listen !== undefined) g.listens = [{ type: 'address', address: g.listen }];
  }
  if (dev.graphics.length > 0 && dev.videos.length === 0 && x86) dev.videos.push({ model: { type: 'gop' } });
  for (const v of dev.videos) {
    v.model.heads ??= 1;
    if (v.model.primary === undefined && v === dev.videos[0]) v.model.primary = true;
  }
  for (const fs of dev.filesystems) fs.accessmode ??= 'passthrough';
  for (const r of dev.rngs) if (r.backend.model === 'random') r.backend.path ??= '/dev/random';

  assignPciSlots(def);
  return def;
}

function deviceName(kind: string, id?: string): string {
  return id === undefined ? kind : `${kind} '${id}'`;
}

/** bhyve PCI slot assignment on bus 0 (slot 0 = hostbridge). */
function assignPciSlots(def: DomainDef): void {
  const dev = def.devices;
  const used = new Set<number>([0]);
  // devices are named as "<kind>" or "<kind> '<id>'" in errors; the text is only built for one
  const reserve = (a: PciAddress | undefined, kind: string, id?: string): void => {
    if (!a) return;
    if (a.bus !== 0 || a.domain !== 0) throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${deviceName(kind, id)}: bhyve only has PCI bus 0`);
    if (a.slot === 0) throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: ${deviceName(kind, id)}: PCI slot 0 is reserved for the host bridge`);
    used.add(a.slot);
  };
  for (const c of dev.controllers) reserve(c.address, 'controller', c.type);
  for (const n of dev.interfaces) reserve(n.address, 'interface');
  for (const d of dev.disks) if (d.address?.type === 'pci') reserve(d.address, 'disk', d.target.dev);
  for (const v of dev.videos) reserve(v.address, 'video');
  for (const s of dev.sounds) reserve(s.address, 'sound');
  for (const f of dev.filesystems) reserve(f.address, 'filesystem');
  for (const r of dev.rngs) reserve(r.address, 'rng');
  for (const h of dev.hostdevs) reserve(h.address, 'hostdev');

  let next = 1;
  const take = (kind: string, id?: string): PciAddress => {
    while (used.has(next)) next++;
    if (next > 31) throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: no free PCI slot left for ${deviceName(kind, id)} (bhyve has slots 1-31 on bus 0)`);
    used.add(next);
    return pci(next);
  };
  // slot 1 is kept for the LPC bridge unless something was put there on purpose
  if (!used.has(1)) {
    used.add(1);
    const isa = dev.controllers.find(c => c.type === 'isa' && !c.address);
    if (isa) isa.address = pci(1);
  }
  for (const c of dev.controllers) {
    if (c.address) continue;
    if (c.type === 'pci' || (c.type === 'usb' && c.model !== undefined && c.model !== 'nec-xhci')) continue;
    c.address = take('controller', c.type);
  }
  for (const n of dev.interfaces) if (!n.address) n.address = take('interface');
  for (const d of dev.disks) if (d.target.bus === 'virtio' && !d.address) d.address = take('disk', d.target.dev);
  for (const v of dev.videos) if (!v.address) v.address = take('video');
  for (const s of dev.sounds) if (!s.address) s.address = take('sound');
  for (const f of dev.filesystems) if (!f.address) f.address = take('filesystem');
  for (const r of dev.rngs) if (!r.address) r.address = take('rng');
  for (const h of dev.hostdevs) if (!h.address) h.address = take('hostdev');
}
