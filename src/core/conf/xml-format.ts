/**
 * formatDomainXML(def, opts): DomainDef -> canonical domain XML, the way
 * libvirt prints it (virDomainDefFormat): 2-space indentation, single-quoted
 * attributes in libvirt's attribute order, elements in libvirt's order,
 * trailing newline. Formatting a parsed-and-formatted document again gives the
 * same bytes (define -> dumpxml is stable).
 *
 * opts.inactive: omit live-only data (the VNC port chosen by autoport is
 * printed as -1). The model holds no other live-only fields today.
 * opts.secure === false: omit the VNC password (virsh dumpxml without
 * --security-info).
 */
import { BHYVE_NS_URI, ChrSource, DomainDef, DeviceAddress, PciAddress } from './domain';

export interface FormatOptions {
  inactive?: boolean;
  /** false: leave out security-sensitive data (the VNC password), as `dumpxml`
   *  without --security-info does. Default (undefined/true): everything, which is
   *  what a driver must use when it stores the definition. */
  secure?: boolean;
}

function esc(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c === 39) rep = '&apos;';
    else if (c === 34) rep = '&quot;';
    // a parser normalises literal whitespace in attribute values: keep it as references
    else if (c === 10) rep = '&#10;';
    else if (c === 13) rep = '&#13;';
    else if (c === 9) rep = '&#9;';
    if (rep !== undefined) { out += s.slice(last, i) + rep; last = i + 1; }
  }
  return last === 0 ? s : out + s.slice(last);
}

function escText(s: string): string {
  if (!/[&<>\r]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** attribute list → " k='v'…" skipping undefined */
function attrs(list: Array<[string, string | number | undefined]>): string {
  let s = '';
  for (const [k, v] of list) if (v !== undefined) s += ` ${k}='${typeof v === 'number' ? v : esc(v)}'`;
  return s;
}

const hex = (n: number, width: number): string => '0x' + n.toString(16).padStart(width, '0');

function pciAttrs(a: { domain: number; bus: number; slot: number; function: number }): string {
  return ` domain='${hex(a.domain, 4)}' bus='${hex(a.bus, 2)}' slot='${hex(a.slot, 2)}' function='${hex(a.function, 1)}'`;
}

function address(a: DeviceAddress | undefined, ind: string): string {
  if (!a) return '';
  switch (a.type) {
    case 'pci': return `${ind}<address type='pci'${pciAttrs(a)}${(a as PciAddress).multifunction !== undefined ? ` multifunction='${(a as PciAddress).multifunction ? 'on' : 'off'}'` : ''}/>\n`;
    case 'drive': return `${ind}<address type='drive' controller='${a.controller}' bus='${a.bus}' target='${a.target}' unit='${a.unit}'/>\n`;
    case 'virtio-serial': return `${ind}<address type='virtio-serial' controller='${a.controller}' bus='${a.bus}' port='${a.port}'/>\n`;
  }
}

const yn = (b: boolean | undefined): string | undefined => (b === undefined ? undefined : b ? 'yes' : 'no');

function chrSource(src: ChrSource, ind: string): string {
  switch (src.type) {
    case 'nmdm':
      return src.master === undefined && src.slave === undefined ? '' : `${ind}<source${attrs([['master', src.master], ['slave', src.slave]])}/>\n`;
    case 'tcp':
      return `${ind}<source${attrs([['mode', src.mode], ['host', src.host], ['service', src.service]])}/>\n` +
        `${ind}<protocol type='${esc(src.protocol ?? 'raw')}'/>\n`;
    case 'unix':
      return `${ind}<source${attrs([['mode', src.mode], ['path', src.path]])}/>\n`;
    case 'stdio':
      return '';
  }
}

export function formatDomainXML(def: DomainDef, opts: FormatOptions = {}): string {
  const I1 = '  ', I2 = '    ', I3 = '      ', I4 = '        ';
  let x = `<domain type='${esc(def.type)}'`;
  if (def.bhyveCommandline) x += ` xmlns:bhyve='${BHYVE_NS_URI}'`;
  x += '>\n';
  x += `${I1}<name>${escText(def.name)}</name>\n`;
  if (def.uuid) x += `${I1}<uuid>${def.uuid}</uuid>\n`;
  if (def.title !== undefined) x += `${I1}<title>${escText(def.title)}</title>\n`;
  if (def.description !== undefined) x += `${I1}<description>${escText(def.description)}</description>\n`;
  if (def.metadata) {
    if (def.metadata.length === 0) x += `${I1}<metadata/>\n`;
    else {
      x += `${I1}<metadata>\n`;
      for (const m of def.metadata) x += m.split('\n').map(l => I2 + l).join('\n') + '\n';
      x += `${I1}</metadata>\n`;
    }
  }
  x += `${I1}<memory unit='KiB'>${def.memory}</memory>\n`;
  x += `${I1}<currentMemory unit='KiB'>${def.currentMemory ?? def.memory}</currentMemory>\n`;
  if (def.blkiotune) {
    const b = def.blkiotune;
    x += `${I1}<blkiotune>\n`;
    if (b.weight !== undefined) x += `${I2}<weight>${b.weight}</weight>\n`;
    for (const d of b.devices) {
      x += `${I2}<device>\n${I3}<path>${escText(d.path)}</path>\n`;
      if (d.weight !== undefined) x += `${I3}<weight>${d.weight}</weight>\n`;
      if (d.readIopsSec !== undefined) x += `${I3}<read_iops_sec>${d.readIopsSec}</read_iops_sec>\n`;
      if (d.writeIopsSec !== undefined) x += `${I3}<write_iops_sec>${d.writeIopsSec}</write_iops_sec>\n`;
      if (d.readBytesSec !== undefined) x += `${I3}<read_bytes_sec>${d.readBytesSec}</read_bytes_sec>\n`;
      if (d.writeBytesSec !== undefined) x += `${I3}<write_bytes_sec>${d.writeBytesSec}</write_bytes_sec>\n`;
      x += `${I2}</device>\n`;
    }
    x += `${I1}</blkiotune>\n`;
  }
  if (def.memtune) {
    const m = def.memtune;
    x += `${I1}<memtune>\n`;
    if (m.hardLimit !== undefined) x += `${I2}<hard_limit unit='KiB'>${m.hardLimit}</hard_limit>\n`;
    if (m.softLimit !== undefined) x += `${I2}<soft_limit unit='KiB'>${m.softLimit}</soft_limit>\n`;
    if (m.minGuarantee !== undefined) x += `${I2}<min_guarantee unit='KiB'>${m.minGuarantee}</min_guarantee>\n`;
    if (m.swapHardLimit !== undefined) x += `${I2}<swap_hard_limit unit='KiB'>${m.swapHardLimit}</swap_hard_limit>\n`;
    x += `${I1}</memtune>\n`;
  }
  if (def.memoryLocked) x += `${I1}<memoryBacking>\n${I2}<locked/>\n${I1}</memoryBacking>\n`;
  x += `${I1}<vcpu${attrs([['placement', def.vcpuPlacement ?? 'static'], ['current', def.vcpuCurrent]])}>${def.vcpu}</vcpu>\n`;
  if (def.vcpupin.length) {
    x += `${I1}<cputune>\n`;
    for (const p of def.vcpupin) x += `${I2}<vcpupin vcpu='${p.vcpu}' cpuset='${esc(p.cpuset)}'/>\n`;
    x += `${I1}</cputune>\n`;
  }
  if (def.sysinfo) {
    const s = def.sysinfo;
    x += `${I1}<sysinfo type='smbios'>\n`;
    for (const sec of ['bios', 'system', 'baseBoard', 'chassis'] as const) {
      if (!s[sec].length) continue;
      x += `${I2}<${sec}>\n`;
      for (const e of s[sec]) x += `${I3}<entry name='${esc(e.name)}'>${escText(e.value)}</entry>\n`;
      x += `${I2}</${sec}>\n`;
    }
    x += `${I1}</sysinfo>\n`;
  }
  if (def.bootloader !== undefined) x += `${I1}<bootloader>${escText(def.bootloader)}</bootloader>\n`;
  // like libvirt, bootloader_args is only printed together with a bootloader
  if (def.bootloader !== undefined && def.bootloaderArgs !== undefined) x += `${I1}<bootloader_args>${escText(def.bootloaderArgs)}</bootloader_args>\n`;

  const os = def.os;
  x += `${I1}<os${attrs([['firmware', os.firmware]])}>\n`;
  x += `${I2}<type${attrs([['arch', os.arch], ['machine', os.machine]])}>${os.type}</type>\n`;
  if (os.loader) {
    const l = os.loader;
    const a = attrs([['readonly', yn(l.readonly)], ['type', l.type], ['format', l.format]]);
    x += l.path !== undefined ? `${I2}<loader${a}>${escText(l.path)}</loader>\n` : `${I2}<loader${a}/>\n`;
  }
  if (os.nvram) {
    const n = os.nvram;
    const a = attrs([['template', n.template], ['format', n.format]]);
    x += n.path !== undefined ? `${I2}<nvram${a}>${escText(n.path)}</nvram>\n` : `${I2}<nvram${a}/>\n`;
  }
  for (const b of os.bootDevs) x += `${I2}<boot dev='${b}'/>\n`;
  if (os.bootmenu !== undefined) x += `${I2}<bootmenu enable='${os.bootmenu ? 'yes' : 'no'}'/>\n`;
  x += `${I1}</os>\n`;

  const f = def.features;
  if (f.acpi || f.apic || f.msrsUnknown) {
    x += `${I1}<features>\n`;
    if (f.acpi) x += `${I2}<acpi/>\n`;
    if (f.apic) x += `${I2}<apic/>\n`;
    if (f.msrsUnknown) x += `${I2}<msrs unknown='${f.msrsUnknown}'/>\n`;
    x += `${I1}</features>\n`;
  }
  if (def.cpu && (def.cpu.topology || def.cpu.numa || def.cpu.mode)) {
    const c = def.cpu;
    x += `${I1}<cpu${attrs([['mode', c.mode]])}>\n`;
    if (c.topology) {
      const t = c.topology;
      x += `${I2}<topology sockets='${t.sockets}'${t.dies !== undefined ? ` dies='${t.dies}'` : ''} cores='${t.cores}' threads='${t.threads}'/>\n`;
    }
    if (c.numa) {
      x += `${I2}<numa>\n`;
      for (const cell of c.numa) x += `${I3}<cell id='${cell.id}' cpus='${esc(cell.cpus)}' memory='${cell.memory}' unit='KiB'/>\n`;
      x += `${I2}</numa>\n`;
    }
    x += `${I1}</cpu>\n`;
  }
  if (def.clock) x += `${I1}<clock offset='${def.clock.offset}'/>\n`;
  if (def.onPoweroff) x += `${I1}<on_poweroff>${def.onPoweroff}</on_poweroff>\n`;
  if (def.onReboot) x += `${I1}<on_reboot>${def.onReboot}</on_reboot>\n`;
  if (def.onCrash) x += `${I1}<on_crash>${def.onCrash}</on_crash>\n`;

  const d = def.devices;
  x += `${I1}<devices>\n`;
  if (d.emulator !== undefined) x += `${I2}<emulator>${escText(d.emulator)}</emulator>\n`;
  for (const disk of d.disks) {
    x += `${I2}<disk type='${disk.type}' device='${disk.device}'>\n`;
    if (disk.driver) {
      const dr = disk.driver;
      x += `${I3}<driver${attrs([['name', dr.name], ['type', dr.type], ['cache', dr.cache], ['io', dr.io], ['discard', dr.discard], ['queues', dr.queues], ['queue_size', dr.queueSize]])}/>\n`;
    }
    const s = disk.source;
    if (disk.type === 'file' && s.path !== undefined) x += `${I3}<source file='${esc(s.path)}'/>\n`;
    else if ((disk.type === 'block' || disk.type === 'ctl') && s.path !== undefined) x += `${I3}<source dev='${esc(s.path)}'/>\n`;
    else if (disk.type === 'volume' && (s.pool !== undefined || s.volume !== undefined)) x += `${I3}<source${attrs([['pool', s.pool], ['volume', s.volume]])}/>\n`;
    if (disk.blockio) x += `${I3}<blockio${attrs([['logical_block_size', disk.blockio.logicalBlockSize], ['physical_block_size', disk.blockio.physicalBlockSize]])}/>\n`;
    x += `${I3}<target dev='${esc(disk.target.dev)}' bus='${disk.target.bus}'${disk.target.rotationRate !== undefined ? ` rotation_rate='${disk.target.rotationRate}'` : ''}/>\n`;
    if (disk.readonly) x += `${I3}<readonly/>\n`;
    if (disk.shareable) x += `${I3}<shareable/>\n`;
    if (disk.serial !== undefined) x += `${I3}<serial>${escText(disk.serial)}</serial>\n`;
    if (disk.wwn !== undefined) x += `${I3}<wwn>${escText(disk.wwn)}</wwn>\n`;
    if (disk.bootOrder !== undefined) x += `${I3}<boot order='${disk.bootOrder}'/>\n`;
    x += address(disk.address, I3);
    x += `${I2}</disk>\n`;
  }
  for (const c of d.controllers) {
    const open = `${I2}<controller type='${c.type}' index='${c.index}'${attrs([['model', c.model], ['ports', c.ports]])}`;
    if (c.serial === undefined && !c.address) { x += `${open}/>\n`; continue; }
    x += `${open}>\n`;
    if (c.serial !== undefined) x += `${I3}<serial>${escText(c.serial)}</serial>\n`;
    x += address(c.address, I3);
    x += `${I2}</controller>\n`;
  }
  for (const fs of d.filesystems) {
    x += `${I2}<filesystem type='${fs.type}'${attrs([['accessmode', fs.accessmode]])}>\n`;
    if (fs.driverType !== undefined) x += `${I3}<driver type='${esc(fs.driverType)}'/>\n`;
    x += `${I3}<source dir='${esc(fs.sourceDir)}'/>\n${I3}<target dir='${esc(fs.targetDir)}'/>\n`;
    if (fs.readonly) x += `${I3}<readonly/>\n`;
    x += address(fs.address, I3);
    x += `${I2}</filesystem>\n`;
  }
  for (const n of d.interfaces) {
    x += `${I2}<interface type='${n.type}'>\n`;
    if (n.mac) x += `${I3}<mac address='${n.mac}'/>\n`;
    if (n.source && (n.source.bridge !== undefined || n.source.network !== undefined)) {
      x += `${I3}<source${attrs([['network', n.source.network], ['bridge', n.source.bridge]])}/>\n`;
    }
    if (n.ips) for (const ip of n.ips) x += `${I3}<ip${attrs([['address', ip.address], ['family', ip.family], ['prefix', ip.prefix]])}/>\n`;
    if (n.targetDev !== undefined) x += `${I3}<target dev='${esc(n.targetDev)}'/>\n`;
    if (n.model) x += `${I3}<model type='${n.model}'/>\n`;
    if (n.mtu !== undefined) x += `${I3}<mtu size='${n.mtu}'/>\n`;
    if (n.bootOrder !== undefined) x += `${I3}<boot order='${n.bootOrder}'/>\n`;
    x += address(n.address, I3);
    x += `${I2}</interface>\n`;
  }
  for (const s of d.serials) {
    const body = chrSource(s.source, I3) + (s.targetPort !== undefined ? `${I3}<target port='${s.targetPort}'/>\n` : '');
    x += body === '' ? `${I2}<serial type='${s.source.type}'/>\n` : `${I2}<serial type='${s.source.type}'>\n${body}${I2}</serial>\n`;
  }
  for (const c of d.consoles) {
    const body = chrSource(c.source, I3) + (c.targetType !== undefined || c.targetPort !== undefined
      ? `${I3}<target${attrs([['type', c.targetType], ['port', c.targetPort]])}/>\n` : '');
    x += body === '' ? `${I2}<console type='${c.source.type}'/>\n` : `${I2}<console type='${c.source.type}'>\n${body}${I2}</console>\n`;
  }
  for (const ch of d.channels) {
    x += `${I2}<channel type='${ch.source.type}'>\n${chrSource(ch.source, I3)}`;
    x += `${I3}<target type='virtio'${attrs([['name', ch.target.name]])}/>\n`;
    x += address(ch.address, I3);
    x += `${I2}</channel>\n`;
  }
  for (const i of d.inputs) x += `${I2}<input type='${i.type}' bus='${i.bus}'/>\n`;
  for (const g of d.graphics) {
    const port = opts.inactive && g.autoport ? -1 : g.port;
    const open = `${I2}<graphics type='vnc'${attrs([['port', port], ['autoport', yn(g.autoport)], ['wait', yn(g.wait)], ['listen', g.listen], ['passwd', opts.secure === false ? undefined : g.passwd]])}`;
    if (!g.listens || g.listens.length === 0) { x += `${open}/>\n`; continue; }
    x += `${open}>\n`;
    for (const l of g.listens) x += `${I3}<listen type='${l.type}'${attrs([['address', l.address]])}/>\n`;
    x += `${I2}</graphics>\n`;
  }
  for (const s of d.sounds) {
    const body = (s.audioId !== undefined ? `${I3}<audio id='${s.audioId}'/>\n` : '') + address(s.address, I3);
    x += body === '' ? `${I2}<sound model='${s.model}'/>\n` : `${I2}<sound model='${s.model}'>\n${body}${I2}</sound>\n`;
  }
  for (const a of d.audios) {
    const body = (a.inputDev !== undefined ? `${I3}<input dev='${esc(a.inputDev)}'/>\n` : '') +
      (a.outputDev !== undefined ? `${I3}<output dev='${esc(a.outputDev)}'/>\n` : '');
    x += body === '' ? `${I2}<audio id='${a.id}' type='${a.type}'/>\n` : `${I2}<audio id='${a.id}' type='${a.type}'>\n${body}${I2}</audio>\n`;
  }
  for (const v of d.videos) {
    x += `${I2}<video>\n`;
    if (v.vgaconf !== undefined) x += `${I3}<driver vgaconf='${v.vgaconf}'/>\n`;
    const m = v.model;
    const ma = `${I3}<model type='${m.type}'${attrs([['heads', m.heads], ['primary', yn(m.primary)]])}`;
    x += m.resolution ? `${ma}>\n${I4}<resolution x='${m.resolution.x}' y='${m.resolution.y}'/>\n${I3}</model>\n` : `${ma}/>\n`;
    x += address(v.address, I3);
    x += `${I2}</video>\n`;
  }
  for (const h of d.hostdevs) {
    x += `${I2}<hostdev mode='subsystem' type='pci'${attrs([['managed', yn(h.managed)]])}>\n`;
    x += `${I3}<source>\n${I4}<address${pciAttrs(h.source)}/>\n${I3}</source>\n`;
    if (h.bootOrder !== undefined) x += `${I3}<boot order='${h.bootOrder}'/>\n`;
    x += address(h.address, I3);
    x += `${I2}</hostdev>\n`;
  }
  for (const r of d.rngs) {
    x += `${I2}<rng model='${r.model}'>\n`;
    if (r.backend.model === 'random') {
      x += r.backend.path !== undefined ? `${I3}<backend model='random'>${escText(r.backend.path)}</backend>\n` : `${I3}<backend model='random'/>\n`;
    } else x += `${I3}<backend model='builtin'/>\n`;
    x += address(r.address, I3);
    x += `${I2}</rng>\n`;
  }
  x += `${I1}</devices>\n`;
  if (def.bhyveCommandline) {
    x += `${I1}<bhyve:commandline>\n`;
    for (const a of def.bhyveCommandline.args) x += `${I2}<bhyve:arg value='${esc(a)}'/>\n`;
    for (const e of def.bhyveCommandline.env) x += `${I2}<bhyve:env${attrs([['name', e.name], ['value', e.value]])}/>\n`;
    x += `${I1}</bhyve:commandline>\n`;
  }
  x += '</domain>\n';
  return x;
}
