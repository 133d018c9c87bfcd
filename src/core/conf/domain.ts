/**
 * DomainDef: the typed model of libvirt's domain XML as bvirsh's bhyve driver
 * understands it. One model for every direction:
 *   parseDomainXML (conf/xml-parse.ts)      XML text   -> DomainDef
 *   formatDomainXML (conf/xml-format.ts)    DomainDef  -> canonical XML text
 *   applyBhyveDefaults (conf/postparse.ts)  fills addresses, implicit controllers, MACs
 *   buildBhyveCommand (bhyve/command.ts)    DomainDef  -> bhyveload/grub-bhyve + bhyve argv
 *   parseBhyveArgv (bhyve/parse.ts)         bhyve argv -> DomainDef
 *
 * Conventions:
 *  - Sizes are KiB (libvirt's unit after parsing; the XML `unit` attribute is
 *    applied at parse time and the formatter always prints unit='KiB').
 *  - Optional fields are `undefined` when the XML did not say (so the formatter can
 *    print exactly what was given plus what post-parse filled in).
 *  - Devices keep document order inside each kind; the formatter prints kinds in
 *    libvirt's order (disk, controller, filesystem, interface, serial, console,
 *    channel, input, graphics, sound, audio, video, hostdev, rng).
 *  - Tri-state switches (libvirt's virTristateBool) are `boolean | undefined`.
 *
 * Unknown-element policy (decided here, enforced by xml-parse.ts): an element
 * this model does not know is REJECTED with VIR_ERR_CONFIG_UNSUPPORTED naming
 * the element ("unsupported configuration: element 'xyz' in <devices> is not
 * supported by the bhyve driver"). Silently dropping configuration would let
 * `define` + `dumpxml` lose what the administrator wrote. The only free-form
 * content preserved verbatim is <metadata> (raw XML children) — that is its
 * purpose in libvirt. Unknown attributes on known elements are ignored, as
 * libvirt's parser ignores them (they carry no configuration bvirsh could act on).
 */

/** A PCI address as libvirt writes it (domain/bus/slot/function). */
export interface PciAddress {
  type: 'pci';
  domain: number;
  bus: number;
  slot: number;
  function: number;
  multifunction?: boolean;
}

/** A disk position on a SATA/NVMe/SCSI controller. */
export interface DriveAddress {
  type: 'drive';
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

/** A port on a virtio-serial controller (channels). */
export interface VirtioSerialAddress {
  type: 'virtio-serial';
  controller: number;
  bus: number;
  port: number;
}

export type DeviceAddress = PciAddress | DriveAddress | VirtioSerialAddress;

/** What bhyve does on an event: libvirt's lifecycle actions. */
export type LifecycleAction =
  | 'destroy' | 'restart' | 'rename-restart' | 'preserve'
  | 'coredump-destroy' | 'coredump-restart';

export type DiskBus = 'virtio' | 'sata' | 'nvme' | 'scsi';
export type DiskDevice = 'disk' | 'cdrom';
/** file: image file; block: /dev node; volume: storage pool volume;
 *  ctl: CAM target layer (virtio-scsi, source dev='/dev/cam/ctl…'). */
export type DiskSourceType = 'file' | 'block' | 'volume' | 'ctl';

export interface DiskDef {
  type: DiskSourceType;
  device: DiskDevice;
  driver?: {
    name?: string;          // 'file'
    type?: string;          // 'raw'
    cache?: 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe' | 'default';
    io?: 'threads' | 'native' | 'io_uring' | 'default';
    discard?: 'unmap' | 'ignore';
    queues?: number;
    queueSize?: number;
  };
  source: {
    /** file path (type file), device node (block / ctl) */
    path?: string;
    /** type volume */
    pool?: string;
    volume?: string;
  };
  target: { dev: string; bus: DiskBus; rotationRate?: number };
  readonly?: boolean;
  shareable?: boolean;
  serial?: string;
  wwn?: string;
  /** <boot order='N'/> (1-based) */
  bootOrder?: number;
  /** <blockio logical_block_size physical_block_size> → bhyve sectorsize=L[/P] */
  blockio?: { logicalBlockSize?: number; physicalBlockSize?: number };
  address?: DriveAddress | PciAddress;
}

export type ControllerType = 'pci' | 'sata' | 'usb' | 'isa' | 'nvme' | 'scsi' | 'virtio-serial';

export interface ControllerDef {
  type: ControllerType;
  index: number;
  /** pci: 'pci-root'; usb: 'nec-xhci' (bhyve's xhci); scsi: 'virtio-scsi' … */
  model?: string;
  /** virtio-serial: number of ports */
  ports?: number;
  /** nvme: controller serial (≤ 20 chars for bhyve) */
  serial?: string;
  /** nvme: extra bhyve tuning (maxq/qsz come from the disk's driver queues) */
  address?: PciAddress;
}

export type InterfaceType = 'bridge' | 'network' | 'user' | 'ethernet';

export interface InterfaceDef {
  type: InterfaceType;
  mac?: string;
  /** bridge name (type bridge) or network name (type network) */
  source?: { bridge?: string; network?: string };
  model?: 'virtio' | 'e1000';
  /** host tap device name; when absent the driver allocates one */
  targetDev?: string;
  mtu?: number;
  /** user-mode networking guest IPs (bhyve/slirp cannot set them → rejected by the command builder) */
  ips?: Array<{ family?: string; address: string; prefix?: number }>;
  bootOrder?: number;
  address?: PciAddress;
}

/** Character device source as bhyve can use it. */
export type ChrSource =
  | { type: 'nmdm'; master?: string; slave?: string }
  | { type: 'tcp'; mode: 'bind' | 'connect'; host: string; service: string; protocol?: string }
  | { type: 'unix'; mode: 'bind' | 'connect'; path: string }
  | { type: 'stdio' };

export interface SerialDef {
  source: ChrSource;
  /** COM port number minus one (0 → com1) */
  targetPort?: number;
}

export interface ConsoleDef {
  source: ChrSource;
  targetType?: 'serial' | 'virtio';
  targetPort?: number;
}

export interface ChannelDef {
  source: ChrSource;
  target: { type: 'virtio'; name?: string };
  address?: VirtioSerialAddress;
}

/** Where bhyve's VNC server listens when <graphics> names no address (libvirt's bhyve default). */
export const DEFAULT_VNC_LISTEN = '127.0.0.1';

export interface GraphicsDef {
  type: 'vnc';
  /** -1 or undefined with autoport: allocate (from 5900) */
  port?: number;
  autoport?: boolean;
  /** primary listen address (mirrors the first <listen type='address'>) */
  listen?: string;
  listens?: Array<{ type: 'address'; address?: string }>;
  passwd?: string;
  /** bhyve fbuf 'wait': boot waits for the first VNC client */
  wait?: boolean;
}

export interface VideoDef {
  /** bhyve only has the UEFI GOP framebuffer */
  model: { type: 'gop'; heads?: number; primary?: boolean; resolution?: { x: number; y: number } };
  /** fbuf vga= setting */
  vgaconf?: 'io' | 'on' | 'off';
  address?: PciAddress;
}

export interface InputDef {
  type: 'tablet' | 'mouse' | 'keyboard';
  bus: 'usb' | 'virtio' | 'ps2';
}

export interface SoundDef {
  model: 'ich7';
  audioId?: number;
  address?: PciAddress;
}

/** <audio> backend (bhyve: OSS /dev/dspN for play/rec) */
export interface AudioDef {
  id: number;
  type: 'oss' | 'none';
  inputDev?: string;
  outputDev?: string;
}

export interface RngDef {
  model: 'virtio';
  backend: { model: 'random'; path?: string } | { model: 'builtin' };
  address?: PciAddress;
}

export interface FilesystemDef {
  type: 'mount' | 'bind';
  accessmode?: 'passthrough' | 'mapped' | 'squash';
  driverType?: string;
  sourceDir: string;
  /** 9p share name the guest mounts */
  targetDir: string;
  readonly?: boolean;
  address?: PciAddress;
}

export interface HostdevDef {
  mode: 'subsystem';
  type: 'pci';
  managed?: boolean;
  source: { domain: number; bus: number; slot: number; function: number };
  bootOrder?: number;
  address?: PciAddress;
}

export interface Devices {
  emulator?: string;
  disks: DiskDef[];
  controllers: ControllerDef[];
  filesystems: FilesystemDef[];
  interfaces: InterfaceDef[];
  serials: SerialDef[];
  consoles: ConsoleDef[];
  channels: ChannelDef[];
  inputs: InputDef[];
  graphics: GraphicsDef[];
  sounds: SoundDef[];
  audios: AudioDef[];
  videos: VideoDef[];
  hostdevs: HostdevDef[];
  rngs: RngDef[];
}

export interface OsDef {
  /** 'hvm' only for bhyve */
  type: 'hvm';
  arch?: 'x86_64' | 'aarch64';
  machine?: string;
  /** firmware autoselection: 'efi' picks BHYVE_UEFI.fd from the firmware dir */
  firmware?: 'efi';
  loader?: { path?: string; readonly?: boolean; type?: 'pflash' | 'rom'; format?: string };
  nvram?: { path?: string; template?: string; format?: string };
  /** <boot dev=…/> in order */
  bootDevs: Array<'hd' | 'cdrom' | 'network' | 'fd'>;
  bootmenu?: boolean;
}

export interface SysinfoEntry { name: string; value: string }
export interface SysinfoDef {
  type: 'smbios';
  bios: SysinfoEntry[];
  system: SysinfoEntry[];
  baseBoard: SysinfoEntry[];
  chassis: SysinfoEntry[];
}

export interface NumaCell { id: number; cpus: string; memory: number /* KiB */ }

export interface CpuDef {
  mode?: string;
  topology?: { sockets: number; dies?: number; cores: number; threads: number };
  numa?: NumaCell[];
}

/** <blkiotune> / <memtune>: accepted, formatted; bhyve cannot enforce them
 *  (the command builder ignores them like libvirt does; rctl is future work). */
export interface BlkioDeviceTune {
  path: string;
  weight?: number;
  readBytesSec?: number; writeBytesSec?: number;
  readIopsSec?: number; writeIopsSec?: number;
}
export interface BlkioTune { weight?: number; devices: BlkioDeviceTune[] }
export interface MemTune { hardLimit?: number; softLimit?: number; minGuarantee?: number; swapHardLimit?: number }

export interface BhyveCommandlineNS {
  /** extra bhyve arguments appended before the VM name */
  args: string[];
  /** environment for the bhyve process */
  env: Array<{ name: string; value?: string }>;
}

export interface DomainDef {
  /** <domain type=…>: 'bhyve' (also 'test' on the test driver) */
  type: string;
  name: string;
  uuid?: string;
  title?: string;
  description?: string;
  /** raw XML children of <metadata>, preserved verbatim */
  metadata?: string[];
  /** KiB */
  memory: number;
  /** KiB */
  currentMemory?: number;
  /** memoryBacking/locked → bhyve -S (wired) */
  memoryLocked?: boolean;
  memtune?: MemTune;
  blkiotune?: BlkioTune;
  vcpu: number;
  vcpuPlacement?: 'static' | 'auto';
  /** vcpu current= */
  vcpuCurrent?: number;
  /** cputune/vcpupin: cpuset kept as written ("1-4,^2") */
  vcpupin: Array<{ vcpu: number; cpuset: string }>;
  cpu?: CpuDef;
  sysinfo?: SysinfoDef;
  os: OsDef;
  /** path of a boot loader run before bhyve (bhyveload, grub-bhyve, custom) */
  bootloader?: string;
  bootloaderArgs?: string;
  features: {
    acpi?: boolean;
    apic?: boolean;
    /** <msrs unknown='ignore'/> → bhyve -w */
    msrsUnknown?: 'ignore' | 'fail';
  };
  clock: { offset: 'utc' | 'localtime' } | undefined;
  onPoweroff?: LifecycleAction;
  onReboot?: LifecycleAction;
  onCrash?: LifecycleAction;
  devices: Devices;
  /** <bhyve:commandline> (namespace http://libvirt.org/schemas/domain/bhyve/1.0) */
  bhyveCommandline?: BhyveCommandlineNS;
}

export const BHYVE_NS_URI = 'http://libvirt.org/schemas/domain/bhyve/1.0';

/** An empty device list (handy for builders such as the argv parser). */
export function emptyDevices(): Devices {
  return {
    disks: [], controllers: [], filesystems: [], interfaces: [], serials: [], consoles: [],
    channels: [], inputs: [], graphics: [], sounds: [], audios: [], videos: [], hostdevs: [], rngs: [],
  };
}

/** A minimal valid DomainDef: name + memory (KiB) + vcpus, hvm, no devices. */
export function newDomainDef(name: string, memoryKiB: number, vcpu = 1): DomainDef {
  return {
    type: 'bhyve', name, memory: memoryKiB, vcpu, vcpupin: [],
    os: { type: 'hvm', bootDevs: [] }, features: {}, clock: undefined, devices: emptyDevices(),
  };
}
