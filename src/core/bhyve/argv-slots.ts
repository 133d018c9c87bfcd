/**
 * argv-slots: bhyve's `-s slot,emulation[,conf]` and `-l lpcdev[,conf]` → devices of a DomainDef.
 *
 *   addSlotDevice(state, value)   one -s value
 *   addLpcDevice(state, value)    one -l value
 *   finishDevices(state)          after all options: disk target names, implicit LPC, checks
 *
 * Every device keeps its PCI address. A device (or device option) that domain XML cannot
 * express is passed to bhyve verbatim through <bhyve:commandline> with a warning, so the VM
 * stays the same; a value bhyve itself would refuse is a VirError.
 */
import { VirError } from '../errors';
import type { DomainDef, DiskDef, DiskBus, PciAddress, ChrSource } from '../conf/domain';
import type { BhyveParseContext } from './argv-bhyve';
import { parsePciSlot, isValidMac, normalizeMac, splitKV, parseCInteger, isDigits, type PciSlot } from './argv-values';

export interface SlotState {
  def: DomainDef;
  name: string;
  ctx: BhyveParseContext;
  /** arguments kept for <bhyve:commandline> */
  extra: string[];
  /** "bus:slot:func" → emulation, to refuse duplicates as bhyve does */
  used: Map<string, string>;
  lpcSlot: PciSlot | undefined;
  haveHostbridge: boolean;
  virtioSerialCount: number;
  /** an -l device that sits on the LPC bridge was given (com1-4, bootrom) */
  lpcUsed: boolean;
  /** -o uuid= was given */
  uuidGiven?: boolean;
}

function invalid(msg: string): VirError {
  return new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: ${msg}`);
}

function pciAddr(s: PciSlot): PciAddress {
  return { type: 'pci', domain: 0, bus: s.bus, slot: s.slot, function: s.func };
}

/** Keep a whole -s device for bhyve as written, with a warning naming why. */
function keepVerbatim(st: SlotState, flag: '-s' | '-l', value: string, why: string): void {
  st.extra.push(flag, value);
  st.ctx.warn(`${flag} ${value}: ${why}; passed to bhyve unchanged through <bhyve:commandline>`);
}

export function addSlotDevice(st: SlotState, value: string): void {
  const parts = value.split(',');
  if (parts.length < 2 || parts[1] === '') {
    if (value === 'help') throw invalid('-s help only lists emulations; it does not describe a VM');
    throw invalid(`invalid -s '${value}' (expected slot,emulation[,conf])`);
  }
  const slot = parsePciSlot(parts[0]);
  const key = `${slot.bus}:${slot.slot}:${slot.func}`;
  const prev = st.used.get(key);
  if (prev) throw invalid(`-s ${value}: PCI slot ${key} is already used by ${prev}`);
  const emul = parts[1];
  st.used.set(key, emul);
  const conf = parts.slice(2);
  switch (emul) {
    case 'hostbridge': case 'amd_hostbridge':
      return hostbridge(st, slot, emul, conf, value);
    case 'lpc':
      if (slot.bus !== 0) throw invalid(`-s ${value}: the LPC bridge must be on bus 0`);
      if (st.lpcSlot) throw invalid(`-s ${value}: only one LPC bridge is allowed`);
      if (conf.length > 0) return keepVerbatim(st, '-s', value, 'LPC bridge options have no domain XML');
      st.lpcSlot = slot;
      return;
    case 'ahci': return ahci(st, slot, conf, value, undefined);
    case 'ahci-hd': return ahci(st, slot, conf, value, 'hd');
    case 'ahci-cd': return ahci(st, slot, conf, value, 'cd');
    case 'virtio-blk': return blockDisk(st, slot, conf, value, 'virtio');
    case 'nvme': return blockDisk(st, slot, conf, value, 'nvme');
    case 'virtio-scsi': return virtioScsi(st, slot, conf, value);
    case 'virtio-net': case 'e1000': return nic(st, slot, emul, conf, value);
    case 'virtio-rnd':
      if (conf.length > 0) return keepVerbatim(st, '-s', value, 'virtio-rnd options have no domain XML');
      st.def.devices.rngs.push({ model: 'virtio', backend: { model: 'random', path: '/dev/random' }, address: pciAddr(slot) });
      return;
    case 'virtio-9p': return ninep(st, slot, conf, value);
    case 'virtio-console': return virtioConsole(st, slot, conf, value);
    case 'fbuf': return fbuf(st, slot, conf, value);
    case 'xhci': return xhci(st, slot, conf, value);
    case 'hda': return hda(st, slot, conf, value);
    case 'passthru': return passthru(st, slot, conf, value);
    case 'uart': case 'virtio-input': case 'virtio-gpu': case 'pci-testdev':
      return keepVerbatim(st, '-s', value, `${emul} has no bhyve domain XML`);
    default:
      throw invalid(`-s ${value}: unknown PCI emulation '${emul}'`);
  }
}

function hostbridge(st: SlotState, slot: PciSlot, emul: string, conf: string[], value: string): void {
  if (slot.bus !== 0 || slot.slot !== 0 || slot.func !== 0) {
    throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: -s ${value}: the host bridge must be at PCI 0:0:0 (bvirsh always places it there)`);
  }
  st.haveHostbridge = true;
  // amd_hostbridge is the host bridge with AMD's IDs; bhyve reads them from pci.0.0.0.*
  if (emul === 'amd_hostbridge') st.extra.push('-o', 'pci.0.0.0.vendor=0x1022', '-o', 'pci.0.0.0.device=0x7432');
  for (const item of conf) {
    const [k, v] = splitKV(item);
    if (v === undefined) throw invalid(`-s ${value}: invalid host bridge option '${item}'`);
    st.extra.push('-o', `pci.0.0.0.${k}=${v}`);
  }
}

// ---- disks ---------------------------------------------------------------------------------

interface BlockOpts { disk: DiskDef; unknown: string[] }

/** Block-backend options common to virtio-blk, ahci ports and nvme. */
function blockOption(d: DiskDef, item: string): boolean {
  const [k, v] = splitKV(item);
  switch (k) {
    case 'ro': if (v !== undefined) return false; d.readonly = true; return true;
    case 'nocache':
      d.driver = { ...d.driver, cache: d.driver?.cache === 'writethrough' ? 'directsync' : 'none' }; return v === undefined;
    case 'direct': case 'sync':
      d.driver = { ...d.driver, cache: d.driver?.cache === 'none' ? 'directsync' : 'writethrough' }; return v === undefined;
    case 'nodelete': d.driver = { ...d.driver, discard: 'ignore' }; return v === undefined;
    case 'sectorsize': {
      const m = v === undefined ? null : /^([0-9]+)(?:\/([0-9]+))?$/.exec(v);
      if (!m) return false;
      d.blockio = { logicalBlockSize: Number(m[1]), ...(m[2] ? { physicalBlockSize: Number(m[2]) } : {}) };
      return true;
    }
    case 'bootindex': {
      const n = v === undefined ? undefined : parseCInteger(v);
      if (n === undefined || n < 1) return false;
      d.bootOrder = n; return true;
    }
    default: return false;
  }
}

function newDisk(path: string, bus: DiskBus, device: 'disk' | 'cdrom'): DiskDef {
  if (path === '') throw invalid(`missing disk path`);
  return {
    type: path.startsWith('/dev/') ? 'block' : 'file',
    device,
    source: { path },
    target: { dev: '', bus },
  };
}

function blockDisk(st: SlotState, slot: PciSlot, conf: string[], value: string, bus: 'virtio' | 'nvme'): void {
  if (conf.length === 0) throw invalid(`-s ${value}: missing disk path`);
  const [path, ...opts] = conf;
  if (bus === 'nvme' && path.startsWith('ram=')) return keepVerbatim(st, '-s', value, 'an NVMe RAM disk has no domain XML');
  const d = newDisk(path, bus, 'disk');
  const o: BlockOpts = { disk: d, unknown: [] };
  let ctrlSerial: string | undefined;
  for (const item of opts) {
    if (blockOption(d, item)) continue;
    const [k, v] = splitKV(item);
    if (bus === 'virtio' && k === 'ser' && v !== undefined) { d.serial = v; continue; }
    if (bus === 'nvme' && v !== undefined) {
      if (k === 'maxq' && isDigits(v)) { d.driver = { ...d.driver, queues: Number(v) }; continue; }
      if (k === 'qsz' && isDigits(v)) { d.driver = { ...d.driver, queueSize: Number(v) }; continue; }
      if (k === 'eui64') { d.wwn = v; continue; }
      if (k === 'ser') { ctrlSerial = v; continue; }
    }
    o.unknown.push(item);
  }
  if (o.unknown.length > 0) return keepVerbatim(st, '-s', value, `disk option(s) ${o.unknown.join(',')} have no domain XML`);
  if (bus === 'virtio') {
    d.address = pciAddr(slot);
  } else {
    const index = st.def.devices.controllers.filter((c) => c.type === 'nvme').length;
    st.def.devices.controllers.push({ type: 'nvme', index, ...(ctrlSerial !== undefined ? { serial: ctrlSerial } : {}), address: pciAddr(slot) });
    d.address = { type: 'drive', controller: index, bus: 0, target: 0, unit: 0 };
  }
  st.def.devices.disks.push(d);
}

/** ahci: ports `hd:path[,opts]` / `cd:path[,opts]`; ahci-hd / ahci-cd: one port, path first. */
function ahci(st: SlotState, slot: PciSlot, conf: string[], value: string, single: 'hd' | 'cd' | undefined): void {
  const ports: Array<{ kind: 'hd' | 'cd'; path: string; opts: string[] }> = [];
  if (single) {
    if (conf.length === 0) throw invalid(`-s ${value}: missing disk path`);
    ports.push({ kind: single, path: conf[0], opts: conf.slice(1) });
  } else {
    for (const item of conf) {
      const m = /^(hd|cd):(.*)$/.exec(item);
      if (m) ports.push({ kind: m[1] as 'hd' | 'cd', path: m[2], opts: [] });
      else if (ports.length === 0) throw invalid(`-s ${value}: ahci options must follow an hd: or cd: port`);
      else ports[ports.length - 1].opts.push(item);
    }
    if (ports.length === 0) throw invalid(`-s ${value}: ahci needs at least one hd: or cd: port`);
    if (ports.length > 32) throw invalid(`-s ${value}: an AHCI controller has at most 32 ports`);
  }
  const disks: DiskDef[] = [];
  for (const p of ports) {
    const d = newDisk(p.path, 'sata', p.kind === 'cd' ? 'cdrom' : 'disk');
    for (const item of p.opts) {
      if (blockOption(d, item)) continue;
      const [k, v] = splitKV(item);
      if (k === 'ser' && v !== undefined) { d.serial = v; continue; }
      if (k === 'nmrr' && v !== undefined && isDigits(v)) { d.target.rotationRate = Number(v); continue; }
      return keepVerbatim(st, '-s', value, `AHCI port option '${item}' has no domain XML`);
    }
    disks.push(d);
  }
  // every AHCI device is a SATA controller at its PCI address; its disks sit on ports 0…n
  const index = st.def.devices.controllers.filter((c) => c.type === 'sata').length;
  st.def.devices.controllers.push({ type: 'sata', index, address: pciAddr(slot) });
  disks.forEach((d, port) => { d.address = { type: 'drive', controller: index, bus: 0, target: 0, unit: port }; });
  st.def.devices.disks.push(...disks);
}

function virtioScsi(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  const [path, ...opts] = conf;
  if (!path || !path.startsWith('/dev/cam/ctl') || opts.length > 0) {
    return keepVerbatim(st, '-s', value, 'only a plain /dev/cam/ctl target maps to a ctl disk');
  }
  const index = st.def.devices.controllers.filter((c) => c.type === 'scsi').length;
  st.def.devices.controllers.push({ type: 'scsi', index, model: 'virtio-scsi', address: pciAddr(slot) });
  st.def.devices.disks.push({
    type: 'ctl', device: 'disk', source: { path }, target: { dev: '', bus: 'scsi' },
    address: { type: 'drive', controller: index, bus: 0, target: 0, unit: 0 },
  });
}

// ---- network -------------------------------------------------------------------------------

function nic(st: SlotState, slot: PciSlot, emul: string, conf: string[], value: string): void {
  const model = emul === 'e1000' ? 'e1000' : 'virtio';
  const [backend, ...opts] = conf;
  if (backend === undefined) throw invalid(`-s ${value}: missing network backend (tapN, vmnetN, slirp, netgraph, netmap)`);
  // bhyve picks the backend by name prefix (net_backends.c): tap…/vmnet… are tap devices
  const isTap = /^(tap|vmnet)./.test(backend);
  if (!isTap && backend !== 'slirp') {
    if (/^(netgraph|netmap:|vale)/.test(backend)) return keepVerbatim(st, '-s', value, `network backend '${backend}' has no domain XML`);
    st.ctx.warn(`-s ${value}: '${backend}' is not a network backend bhyve knows (tapN, vmnetN, slirp, netgraph, netmap); interface skipped`);
    return;
  }
  let mac: string | undefined;
  let macGiven = false;
  let mtu: number | undefined;
  for (const item of opts) {
    const [k, v] = splitKV(item);
    if (k === 'mac' && v !== undefined) {
      macGiven = true;
      if (isValidMac(v) && !/^0?0(:0?0){5}$/.test(v) && (parseInt(v.split(':')[0], 16) & 1) === 0) mac = normalizeMac(v);
      else st.ctx.warn(`-s ${value}: invalid MAC address '${v}' (bhyve refuses it); the interface gets a generated MAC`);
    } else if (k === 'mtu' && v !== undefined && isDigits(v)) {
      mtu = Number(v);
    } else if (backend === 'slirp' && k === 'open' && v === undefined) {
      // bvirsh's slirp NICs are always 'open'
    } else if (backend === 'slirp' && k === 'hostfwd') {
      return keepVerbatim(st, '-s', value, 'slirp port forwarding has no domain XML');
    } else {
      st.ctx.warn(`-s ${value}: ignoring unknown network option '${item}' (bhyve ignores it too)`);
    }
  }
  if (!macGiven) mac = st.ctx.macFor(slot.slot, slot.func, st.name);
  st.def.devices.interfaces.push(backend === 'slirp'
    ? { type: 'user', ...(mac ? { mac } : {}), model, ...(mtu ? { mtu } : {}), address: pciAddr(slot) }
    : { type: 'bridge', ...(mac ? { mac } : {}), source: { bridge: 'virbr0' }, targetDev: backend, model, ...(mtu ? { mtu } : {}), address: pciAddr(slot) });
}

// ---- other PCI devices ---------------------------------------------------------------------

function ninep(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  const [share, ...opts] = conf;
  const [sharename, dir] = splitKV(share ?? '');
  if (!sharename || dir === undefined || dir === '') throw invalid(`-s ${value}: virtio-9p needs sharename=/host/path`);
  let readonly = false;
  for (const o of opts) {
    if (o === 'ro') readonly = true;
    else return keepVerbatim(st, '-s', value, `virtio-9p option '${o}' has no domain XML`);
  }
  st.def.devices.filesystems.push({ type: 'mount', accessmode: 'passthrough', sourceDir: dir, targetDir: sharename, ...(readonly ? { readonly } : {}), address: pciAddr(slot) });
}

function virtioConsole(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  if (conf.length === 0) throw invalid(`-s ${value}: virtio-console needs name=/path/to/socket ports`);
  if (conf.length > 16) throw invalid(`-s ${value}: virtio-console has at most 16 ports`);
  const index = st.virtioSerialCount++;
  st.def.devices.controllers.push({ type: 'virtio-serial', index, address: pciAddr(slot) });
  conf.forEach((item, i) => {
    const [name, path] = splitKV(item);
    if (!name || !path) throw invalid(`-s ${value}: invalid virtio-console port '${item}' (expected name=/path/to/socket)`);
    st.def.devices.channels.push({
      source: { type: 'unix', mode: 'bind', path },
      target: { type: 'virtio', name },
      address: { type: 'virtio-serial', controller: index, bus: 0, port: i + 1 },
    });
  });
}

/** host:port / [v6]:port / :port / port for fbuf tcp= / rfb= */
function parseRfb(text: string, value: string): { host: string; port: number } {
  let host = '127.0.0.1', portText = text;
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(text);
  if (v6) { host = v6[1]; portText = v6[2]; }
  else if (text.includes(':')) { const i = text.lastIndexOf(':'); if (i > 0) host = text.slice(0, i); portText = text.slice(i + 1); }
  if (!isDigits(portText) || Number(portText) > 65535) throw invalid(`-s ${value}: invalid VNC port '${portText}'`);
  return { host, port: Number(portText) };
}

function fbuf(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  if (st.def.devices.graphics.length > 0) throw invalid(`-s ${value}: only one fbuf device is allowed`);
  let listen = { host: '127.0.0.1', port: 5900 };
  let w: number | undefined, h: number | undefined, vga: 'io' | 'on' | 'off' | undefined, wait = false, password: string | undefined;
  for (const item of conf) {
    const [k, v] = splitKV(item);
    if ((k === 'tcp' || k === 'rfb') && v !== undefined) listen = parseRfb(v, value);
    else if (k === 'w' && v && isDigits(v)) w = Number(v);
    else if (k === 'h' && v && isDigits(v)) h = Number(v);
    else if (k === 'vga' && (v === 'io' || v === 'on' || v === 'off')) vga = v;
    else if (k === 'wait' && v === undefined) wait = true;
    else if (k === 'password' && v !== undefined) password = v;
    else return keepVerbatim(st, '-s', value, `fbuf option '${item}' has no domain XML`);
  }
  if ((w === undefined) !== (h === undefined)) throw invalid(`-s ${value}: give both w= and h= or neither`);
  if (w !== undefined && h !== undefined && (w < 640 || w > 3840 || h < 480 || h > 2160)) {
    throw invalid(`-s ${value}: resolution ${w}x${h} out of range (640x480 to 3840x2160)`);
  }
  st.def.devices.graphics.push({
    type: 'vnc', port: listen.port, autoport: false, listen: listen.host,
    listens: [{ type: 'address', address: listen.host }],
    ...(password !== undefined ? { passwd: password } : {}),
    ...(wait ? { wait } : {}),
  });
  st.def.devices.videos.push({
    model: { type: 'gop', heads: 1, ...(w !== undefined && h !== undefined ? { resolution: { x: w, y: h } } : {}) },
    ...(vga ? { vgaconf: vga } : {}),
    address: pciAddr(slot),
  });
}

function xhci(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  for (const item of conf) if (item !== 'tablet') return keepVerbatim(st, '-s', value, `xhci device '${item}' has no domain XML`);
  const index = st.def.devices.controllers.filter((c) => c.type === 'usb').length;
  st.def.devices.controllers.push({ type: 'usb', index, model: 'nec-xhci', address: pciAddr(slot) });
  for (let i = 0; i < conf.length; i++) st.def.devices.inputs.push({ type: 'tablet', bus: 'usb' });
}

function hda(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  let play: string | undefined, rec: string | undefined;
  for (const item of conf) {
    const [k, v] = splitKV(item);
    if (k === 'play' && v) play = v;
    else if (k === 'rec' && v) rec = v;
    else return keepVerbatim(st, '-s', value, `hda option '${item}' has no domain XML`);
  }
  const id = st.def.devices.audios.length + 1;
  st.def.devices.sounds.push({ model: 'ich7', audioId: id, address: pciAddr(slot) });
  st.def.devices.audios.push({ id, type: 'oss', ...(rec ? { inputDev: rec } : {}), ...(play ? { outputDev: play } : {}) });
}

function passthru(st: SlotState, slot: PciSlot, conf: string[], value: string): void {
  const [sel, ...opts] = conf;
  const m = sel === undefined ? null : (/^([0-9]+)\/([0-9]+)\/([0-9]+)$/.exec(sel) ?? /^pci([0-9]+):([0-9]+):([0-9]+)$/.exec(sel));
  if (!m) {
    if (sel !== undefined && /^ppt[0-9]+$/.test(sel)) return keepVerbatim(st, '-s', value, `a device named ${sel} cannot be resolved to a host PCI address here`);
    throw invalid(`-s ${value}: passthru needs bus/slot/function`);
  }
  const [b, s, f] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (b > 255 || s > 31 || f > 7) throw invalid(`-s ${value}: invalid host PCI address ${sel}`);
  let bootOrder: number | undefined;
  for (const item of opts) {
    const [k, v] = splitKV(item);
    if (k === 'bootindex' && v && isDigits(v) && Number(v) > 0) bootOrder = Number(v);
    else return keepVerbatim(st, '-s', value, `passthru option '${item}' has no domain XML`);
  }
  st.def.devices.hostdevs.push({
    mode: 'subsystem', type: 'pci', managed: false, source: { domain: 0, bus: b, slot: s, function: f },
    ...(bootOrder !== undefined ? { bootOrder } : {}), address: pciAddr(slot),
  });
}

// ---- LPC devices ---------------------------------------------------------------------------

export function addLpcDevice(st: SlotState, value: string): void {
  const parts = value.split(',');
  const dev = parts[0];
  const com = /^com([1-4])$/.exec(dev);
  if (com) {
    const port = Number(com[1]) - 1;
    if (st.def.devices.serials.some((s) => s.targetPort === port) || st.extra.includes(value)) throw invalid(`-l ${value}: ${dev} is given twice`);
    const backend = parts.slice(1).join(',');
    if (/^\/dev\//.test(backend) && !backend.startsWith('/dev/nmdm')) {
      // another tty (a host serial port such as /dev/cuau0): bhyve uses it, domain XML here cannot say it
      return keepVerbatim(st, '-l', value, 'a serial port on a host tty other than nmdm has no bhyve domain XML');
    }
    st.lpcUsed = true;
    st.def.devices.serials.push({ source: chrSource(backend, value), targetPort: port });
    return;
  }
  if (dev === 'bootrom') st.lpcUsed = true;
  switch (dev) {
    case 'bootrom': {
      const [rom, ...rest] = parts.slice(1);
      if (!rom) throw invalid(`-l ${value}: bootrom needs a firmware file`);
      if (st.def.os.loader) throw invalid(`-l ${value}: bootrom is given twice`);
      st.def.os.loader = { path: rom, readonly: true, type: 'pflash' };
      for (const item of rest) {
        const [k, v] = splitKV(item);
        if (k === 'fwcfg' && v !== undefined) fwcfg(st, v, value);
        else if (v === undefined && !st.def.os.nvram) st.def.os.nvram = { path: item };
        else throw invalid(`-l ${value}: unexpected bootrom option '${item}'`);
      }
      return;
    }
    case 'fwcfg':
      if (parts.length !== 2) throw invalid(`-l ${value}: expected fwcfg,bhyve or fwcfg,qemu`);
      return fwcfg(st, parts[1], value);
    case 'tpm': case 'pc-testdev':
      return keepVerbatim(st, '-l', value, `${dev} has no bhyve domain XML`);
    case 'help':
      throw invalid('-l help only lists LPC devices; it does not describe a VM');
    default:
      throw invalid(`-l ${value}: unknown LPC device '${dev}' (com1-com4, bootrom, fwcfg, tpm, pc-testdev)`);
  }
}

function fwcfg(st: SlotState, v: string, value: string): void {
  if (v === 'qemu') return; // bvirsh passes fwcfg=qemu with every boot ROM
  if (v === 'bhyve') {
    st.ctx.warn(`-l ${value}: bvirsh uses the QEMU fw_cfg interface (fwcfg=qemu) with a boot ROM, not bhyve's legacy one`);
    return;
  }
  throw invalid(`-l ${value}: fwcfg must be bhyve or qemu`);
}

/** TTY backend of -l comN: an nmdm end, tcp=ip:port, or stdio. */
export function chrSource(backend: string, value: string): ChrSource {
  const nmdm = /^\/dev\/nmdm(.+)([AB])$/.exec(backend);
  if (nmdm) {
    const other = nmdm[2] === 'A' ? 'B' : 'A';
    return { type: 'nmdm', master: backend, slave: `/dev/nmdm${nmdm[1]}${other}` };
  }
  const tcp = /^tcp=(.*)$/.exec(backend);
  if (tcp) {
    const v6 = /^\[([^\]]+)\]:([0-9]+)$/.exec(tcp[1]);
    const v4 = /^([^:\]]+):([0-9]+)$/.exec(tcp[1]);
    const m = v6 ?? v4;
    if (!m || Number(m[2]) > 65535) throw invalid(`-l ${value}: expected tcp=ADDRESS:PORT`);
    return { type: 'tcp', mode: 'bind', host: m[1], service: m[2], protocol: 'raw' };
  }
  if (backend === 'stdio') return { type: 'stdio' };
  throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: -l ${value}: the serial port backend must be an nmdm device (/dev/nmdmNA or /dev/nmdmNB), tcp=ADDRESS:PORT or stdio`);
}

// ---- after all options ---------------------------------------------------------------------

/** libvirt's disk names: vda…vdz, vdaa… */
export function diskName(prefix: string, index: number): string {
  let s = '';
  let i = index;
  do { s = String.fromCharCode(97 + (i % 26)) + s; i = Math.floor(i / 26) - 1; } while (i >= 0);
  return prefix + s;
}

export function finishDevices(st: SlotState): void {
  const { def } = st;
  const counters: Record<string, number> = {};
  for (const d of def.devices.disks) {
    const bus = d.target.bus;
    if (bus === 'nvme') {
      const ctrl = d.address?.type === 'drive' ? d.address.controller : 0;
      d.target.dev = `nvme${ctrl}n1`;
      continue;
    }
    const prefix = bus === 'virtio' ? 'vd' : 'sd';
    const key = prefix;
    const n = counters[key] ?? 0;
    counters[key] = n + 1;
    d.target.dev = diskName(prefix, n);
  }
  const needsLpc = st.lpcUsed;
  const verbatimLpc = st.extra.some((a, i) => a === '-l' && /^com[1-4],/.test(st.extra[i + 1] ?? ''));
  if ((needsLpc || verbatimLpc) && !st.lpcSlot) {
    throw invalid(def.os.loader ? 'a boot ROM (-l bootrom) needs an LPC bridge (-s N,lpc)' : 'COM ports (-l comN) need an LPC bridge (-s N,lpc)');
  }
  if (st.lpcSlot) {
    const atDefault = st.lpcSlot.bus === 0 && st.lpcSlot.slot === 1 && st.lpcSlot.func === 0;
    // LPC at 0:1:0 with devices that need it is what bvirsh generates on its own; otherwise say so.
    if (!atDefault || !needsLpc) {
      def.devices.controllers.push({ type: 'isa', index: 0, ...(atDefault ? {} : { address: pciAddr(st.lpcSlot) }) });
    }
  }
  if (!st.haveHostbridge) st.ctx.warn('bhyve line has no host bridge (-s 0,hostbridge); bvirsh always adds one at 0:0:0');
}
