/**
 * argv-bhyve: one bhyve(8) command line (words, program first) → DomainDef.
 *
 *   parseBhyveLine(words, ctx): DomainDef
 *
 * The option grammar is bhyve's own (amd64 getopt string, see BHYVE_OPTSTRING), including
 * flag clusters (`-ADHP`), attached values (`-c4`) and the single VM-name operand. Each option
 * becomes domain XML where libvirt's bhyve domain XML can say it; what it cannot say is kept
 * verbatim in <bhyve:commandline> (so `start` passes it to bhyve unchanged); what bhyve itself
 * would refuse is a VirError. Devices keep their exact PCI address so the guest sees the same
 * hardware after import. Slot-level details live in argv-slots.ts.
 */
import { VirError } from '../errors';
import { newDomainDef, type DomainDef, type SysinfoDef } from '../conf/domain';
import { bsdGetopt } from './argv-getopt';
import { parseMemSize, parseTopology, isValidUUID, normalizeUUID, splitKV, parseCInteger } from './argv-values';
import { addSlotDevice, addLpcDevice, finishDevices, chrSource, type SlotState } from './argv-slots';

/** bhyve's amd64 getopt(3) string (FreeBSD 14/15, incl. -r snapshot restore and -n NUMA; not the fork-only -M). */
export const BHYVE_OPTSTRING = 'aehuwxACDHIPSWYk:f:o:p:G:c:s:m:l:K:U:r:n:';

export interface BhyveParseContext {
  /** MAC for a NIC without mac= (slot, function, vm name) */
  macFor: (slot: number, func: number, vmname: string) => string;
  /** UUID when there is no -U */
  uuidFor: (vmname: string) => string;
  warn: (msg: string) => void;
}

/** `-o` keys that are SMBIOS strings: config key → [sysinfo block, entry name] */
const SMBIOS_KEYS: Record<string, [keyof Omit<SysinfoDef, 'type'>, string]> = {
  'bios.vendor': ['bios', 'vendor'], 'bios.version': ['bios', 'version'], 'bios.release_date': ['bios', 'date'],
  'system.manufacturer': ['system', 'manufacturer'], 'system.product_name': ['system', 'product'],
  'system.version': ['system', 'version'], 'system.serial_number': ['system', 'serial'],
  'system.sku': ['system', 'sku'], 'system.family_name': ['system', 'family'],
  'board.manufacturer': ['baseBoard', 'manufacturer'], 'board.product_name': ['baseBoard', 'product'],
  'board.version': ['baseBoard', 'version'], 'board.serial_number': ['baseBoard', 'serial'],
  'board.asset_tag': ['baseBoard', 'asset'], 'board.location': ['baseBoard', 'location'],
  'chassis.manufacturer': ['chassis', 'manufacturer'], 'chassis.version': ['chassis', 'version'],
  'chassis.serial_number': ['chassis', 'serial'], 'chassis.asset_tag': ['chassis', 'asset'],
  'chassis.sku': ['chassis', 'sku'],
};

/** bhyve's VM name rule (vmm: VM_MAX_NAMELEN = 32 characters, the buffer has room for the NUL) plus what a path needs. */
export function checkVMName(name: string, tool: string): void {
  if (name.length === 0 || name.length > 32 || name.includes('/') || /[\x00-\x1f\x7f]/.test(name) || name.startsWith('.') || name.trim() !== name) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${tool}: invalid VM name '${name}' (1-32 characters, no '/', no leading '.', no control characters or surrounding blanks)`);
  }
}

export function parseBhyveLine(words: readonly string[], ctx: BhyveParseContext): DomainDef {
  const { opts, operands } = bsdGetopt(words.slice(1), BHYVE_OPTSTRING, 'bhyve');
  if (operands.length !== 1) {
    throw new VirError('VIR_ERR_INVALID_ARG', operands.length === 0
      ? 'invalid argument: bhyve: missing VM name (the last argument)'
      : `invalid argument: bhyve: unexpected arguments before the VM name: ${operands.slice(0, -1).join(' ')} (bhyve takes exactly one VM name after its options)`);
  }
  const name = operands[0];
  checkVMName(name, 'bhyve');

  const def = newDomainDef(name, 256 * 1024); // bhyve's default guest memory: 256M
  def.currentMemory = def.memory;
  def.clock = { offset: 'localtime' };
  def.onPoweroff = 'destroy';
  def.onReboot = 'destroy';
  def.onCrash = 'destroy';
  const extra: string[] = [];
  const state: SlotState = { def, name, ctx, extra, used: new Map(), lpcSlot: undefined, haveHostbridge: false, virtioSerialCount: 0, lpcUsed: false };
  let sawH = false, sawP = false, sawUUID = false;
  const pins = new Map<number, number[]>();
  const numa: Array<{ id: number; cpus: string; memory: number }> = [];

  for (const { flag, value = '' } of opts) {
    switch (flag) {
      case 'c': {
        const t = parseTopology(value);
        def.vcpu = t.cpus;
        if (t.sockets !== undefined) def.cpu = { ...def.cpu, topology: { sockets: t.sockets, dies: 1, cores: t.cores ?? 1, threads: t.threads ?? 1 } };
        else if (def.cpu) delete def.cpu.topology;
        break;
      }
      case 'm':
        def.memory = parseMemSize(value, 'bhyve -m') / 1024;
        def.currentMemory = def.memory;
        break;
      case 'A': def.features.acpi = true; break;
      case 'I': def.features.apic = true; break; // ioapic, always present in bhyve; libvirt maps -I to <apic/>
      case 'H': sawH = true; break;
      case 'P': sawP = true; break;
      case 'u': def.clock = { offset: 'utc' }; break;
      case 'S': def.memoryLocked = true; break;
      case 'w': def.features.msrsUnknown = 'ignore'; break;
      case 'U':
        if (!isValidUUID(value)) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: cannot parse UUID '${value}' given to -U`);
        def.uuid = normalizeUUID(value);
        sawUUID = true;
        break;
      case 'p': {
        const m = /^([0-9]+):([0-9]+)$/.exec(value);
        if (!m) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: invalid -p '${value}' (expected vcpu:hostcpu)`);
        const list = pins.get(Number(m[1])) ?? [];
        list.push(Number(m[2]));
        pins.set(Number(m[1]), list);
        break;
      }
      case 'n': numa.push(parseNumaDomain(value)); break;
      case 's': addSlotDevice(state, value); break;
      case 'l': addLpcDevice(state, value); break;
      case 'o': addConfigOption(state, value); break;
      // No domain XML for these: kept for bhyve as given.
      case 'a': case 'e': case 'x': case 'C': case 'D': case 'W': case 'Y':
        extra.push(`-${flag}`);
        break;
      case 'k': case 'f': case 'G': case 'K':
        extra.push(`-${flag}`, value);
        break;
      case 'r':
        throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: bhyve -r ${value} restores a snapshot; it is not part of a VM definition (use bvirsh restore)`);
      case 'h':
        throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: bhyve: -h only prints usage; it does not describe a VM');
      default:
        throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: unknown option -${flag}`);
    }
  }

  if (!sawUUID && !state.uuidGiven) def.uuid = ctx.uuidFor(name);
  if (!sawH) ctx.warn('bhyve line has no -H: bvirsh runs bhyve with -H (vCPUs yield on HLT instead of spinning)');
  if (!sawP) ctx.warn('bhyve line has no -P: bvirsh runs bhyve with -P (vm-exit on PAUSE)');

  for (const [vcpu, cpus] of [...pins.entries()].sort((a, b) => a[0] - b[0])) {
    if (vcpu >= def.vcpu) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: -p ${vcpu}:… pins vCPU ${vcpu} but the VM has ${def.vcpu} vCPU(s)`);
    def.vcpupin.push({ vcpu, cpuset: [...new Set(cpus)].sort((a, b) => a - b).join(',') });
  }
  if (numa.length > 0) def.cpu = { ...def.cpu, numa };

  finishDevices(state);
  if (extra.length > 0) def.bhyveCommandline = { args: extra, env: [] };
  return def;
}

/** -n id=N,size=S,cpus=LIST → a NUMA cell (<cpu><numa><cell>); domain_policy has no XML → refused. */
function parseNumaDomain(value: string): { id: number; cpus: string; memory: number } {
  let id: number | undefined, size: number | undefined, cpus: string | undefined;
  for (const item of value.split(',')) {
    const [k, v] = splitKV(item);
    if (k === 'id' && v !== undefined && parseCInteger(v) !== undefined) id = parseCInteger(v);
    else if (k === 'size' && v !== undefined) size = parseMemSize(v, 'bhyve -n size');
    else if (k === 'cpus' && v !== undefined && /^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/.test(v)) cpus = v;
    else if (k === 'domain_policy') {
      throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: bhyve -n ${value}: domain_policy cannot be expressed in domain XML`);
    } else throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: invalid -n ${value} (expected id=N,size=SIZE,cpus=LIST)`);
  }
  if (id === undefined || size === undefined || cpus === undefined) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: -n ${value} needs id=, size= and cpus=`);
  }
  return { id, cpus, memory: size / 1024 };
}

/** -o key=value: SMBIOS strings → <sysinfo>; bootrom/bootvars/console (the arm64 spelling of
 *  -l bootrom / com1, also valid config keys on amd64) → loader / serial; anything else kept. */
function addConfigOption(st: SlotState, value: string): void {
  const { def, extra } = st;
  const [key, v] = splitKV(value);
  if (v === undefined || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: invalid -o '${value}' (expected key=value, key a dotted config path)`);
  }
  const smbios = SMBIOS_KEYS[key];
  if (smbios) {
    def.sysinfo ??= { type: 'smbios', bios: [], system: [], baseBoard: [], chassis: [] };
    const block = def.sysinfo[smbios[0]];
    const old = block.find((e) => e.name === smbios[1]);
    if (old) old.value = v; else block.push({ name: smbios[1], value: v });
    return;
  }
  // config keys that the options above also set: keep them in the XML so nothing disagrees
  if (key === 'config.dump') {
    throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: -o ${value} makes bhyve print its configuration and exit; it does not describe a VM`);
  }
  if (key === 'memory.size') { def.memory = parseMemSize(v, '-o memory.size') / 1024; def.currentMemory = def.memory; return; }
  if (key === 'uuid') {
    if (!isValidUUID(v)) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: cannot parse UUID '${v}' given to -o uuid`);
    def.uuid = normalizeUUID(v); st.uuidGiven = true; return;
  }
  if (key === 'name' && v !== st.name) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: bhyve: -o name=${v} differs from the VM name '${st.name}'`);
  }
  if (key === 'name') return;
  const bool = v === 'true' ? true : v === 'false' ? false : undefined;
  if (bool !== undefined) {
    if (key === 'memory.wired') { def.memoryLocked = bool || undefined; return; }
    if (key === 'rtc.use_localtime') { def.clock = { offset: bool ? 'localtime' : 'utc' }; return; }
    if (key === 'x86.strictmsr') { def.features.msrsUnknown = bool ? undefined : 'ignore'; return; }
  }
  if (key === 'bootrom' && v !== '' && !def.os.loader) { def.os.loader = { path: v, readonly: true, type: 'pflash' }; return; }
  if (key === 'bootvars' && v !== '' && !def.os.nvram) { def.os.nvram = { path: v }; return; }
  if (key === 'console' && !def.devices.serials.some((s) => s.targetPort === 0)) {
    def.devices.serials.push({ source: chrSource(v, value), targetPort: 0 });
    return;
  }
  extra.push('-o', value);
}
