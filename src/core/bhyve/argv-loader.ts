/**
 * argv-loader: the boot-loader line that may come with a bhyve line — bhyveload(8),
 * grub-bhyve, or any other program — applied to the DomainDef parsed from the bhyve line.
 *
 *   applyLoaderLine(def, words, bhyveMemBytes, warn)
 *
 * A loader line bvirsh would generate itself from the domain (bhyveload -m MEM -d DISK NAME;
 * grub-bhyve --root … --device-map … --memory MEM [--cons-dev …] NAME) becomes the plain domain
 * (plus <boot order='1'/> on the -d disk when it is not the first disk); anything else is kept
 * as <bootloader> + <bootloader_args>. A loader whose VM name or memory differs from bhyve's
 * is refused: bhyve would run a VM that the loader did not prepare.
 */
import { VirError } from '../errors';
import type { DomainDef } from '../conf/domain';
import { bsdGetopt, gnuGetoptLong, type LongOptSpec } from './argv-getopt';
import { parseMemSize } from './argv-values';
import { checkVMName } from './argv-bhyve';

export const BHYVELOAD_OPTSTRING = 'CSc:d:e:h:l:m:';

export const GRUB_BHYVE_OPTIONS: readonly LongOptSpec[] = [
  { short: 'r', long: 'root', arg: 'required' },
  { short: 'm', long: 'device-map', arg: 'required' },
  { short: 'd', long: 'directory', arg: 'required' },
  { short: 'v', long: 'verbose', arg: 'none' },
  { short: 'H', long: 'hold', arg: 'optional' },
  { short: 'c', long: 'cons-dev', arg: 'required' },
  { short: 'e', long: 'evga', arg: 'none' },
  { short: 'g', long: 'grub-cfg', arg: 'required' },
  { short: 'n', long: 'ncons', arg: 'none' },
  { short: 'M', long: 'memory', arg: 'required' },
  { short: 'S', long: 'wire', arg: 'none' },
];

const DEFAULT_LOADER_MEM = 256 * 1024 * 1024;

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function checkName(tool: string, loaderName: string | undefined, def: DomainDef): void {
  if (loaderName === undefined) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${tool}: missing VM name`);
  checkVMName(loaderName, tool);
  if (loaderName !== def.name) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${tool} prepares VM '${loaderName}' but bhyve runs VM '${def.name}'`);
  }
}

function checkMemory(tool: string, text: string | undefined, bhyveBytes: number): void {
  const bytes = text === undefined ? DEFAULT_LOADER_MEM : parseMemSize(text, `${tool} memory`);
  if (bytes !== bhyveBytes) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${tool} memory (${bytes / 1048576} MiB) differs from bhyve -m (${bhyveBytes / 1048576} MiB)`);
  }
}

function setCustom(def: DomainDef, words: readonly string[]): void {
  const bad = words.find((w) => w === '' || /\s/.test(w));
  if (bad !== undefined) {
    throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: boot loader argument '${bad}' contains white space or is empty; <bootloader_args> is split on spaces`);
  }
  def.bootloader = words[0];
  if (words.length > 1) def.bootloaderArgs = words.slice(1).join(' ');
}

export function applyLoaderLine(def: DomainDef, words: readonly string[], bhyveMemBytes: number, warn: (m: string) => void): void {
  const tool = basename(words[0]);
  if (tool === 'bhyveload') {
    let parsed: ReturnType<typeof bsdGetopt>;
    try {
      parsed = bsdGetopt(words.slice(1), BHYVELOAD_OPTSTRING, 'bhyveload');
      if (parsed.operands.length !== 1) throw new VirError('VIR_ERR_INVALID_ARG', 'bhyveload: expected exactly one VM name');
    } catch (e) {
      if (!(e instanceof VirError)) throw e;
      warn(`${e.message.replace(/^invalid argument: /, '')}: bhyveload would refuse this line; kept verbatim as <bootloader_args>`);
      setCustom(def, words);
      return;
    }
    const { opts, operands } = parsed;
    checkName('bhyveload', operands[0], def);
    const mem = opts.filter((o) => o.flag === 'm').pop()?.value;
    checkMemory('bhyveload', mem, bhyveMemBytes);
    const disks = opts.filter((o) => o.flag === 'd');
    const plain = mem !== undefined && disks.length === 1 && opts.every((o) => o.flag === 'm' || o.flag === 'd');
    const boot = plain ? def.devices.disks.find((d) => d.source.path === disks[0].value) : undefined;
    if (!boot) { setCustom(def, words); return; }
    // bvirsh's bhyveload boots the first hard disk, or the first CD-ROM with <boot dev='cdrom'/>,
    // or the disk with <boot order='1'/>
    const firstOfKind = def.devices.disks.find((d) => d.device === boot.device);
    if (boot === firstOfKind && boot.device === 'disk') return;
    if (boot === firstOfKind && boot.device === 'cdrom') { def.os.bootDevs = ['cdrom']; return; }
    if (!def.devices.disks.some((d) => d.bootOrder !== undefined)) boot.bootOrder = 1;
    return;
  }
  if (tool === 'grub-bhyve') {
    const { opts, operands } = gnuGetoptLong(words.slice(1), GRUB_BHYVE_OPTIONS, 'grub-bhyve');
    if (operands.length > 1) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: grub-bhyve: unexpected arguments: ${operands.join(' ')}`);
    checkName('grub-bhyve', operands[0], def);
    checkMemory('grub-bhyve', opts.filter((o) => o.flag === 'M').pop()?.value, bhyveMemBytes);
    // grub-bhyve reads its device.map from a file we do not have: keep the arguments as given.
    setCustom(def, words);
    warnIfDeviceMap(opts.some((o) => o.flag === 'm'), warn);
    return;
  }
  // any other program: a custom boot loader, arguments kept as given
  setCustom(def, words);
}

function warnIfDeviceMap(has: boolean, warn: (m: string) => void): void {
  if (has) warn('grub-bhyve --device-map names a file that is not part of the command line; it must still exist when the domain starts');
}
