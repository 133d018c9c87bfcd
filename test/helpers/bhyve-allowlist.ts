/**
 * An independent check that a generated command line is one bhyve(8) / bhyveload(8) /
 * grub-bhyve accept, written from the manual pages' synopses (bhyve-interfaces.md §1, §5) and
 * deliberately sharing no code with src/core/bhyve/parse.ts or argv-getopt.ts.
 *
 *   bhyveArgvProblems(argv): string[]     [] when the bhyve argv is acceptable
 *   loaderArgvProblems(argv): string[]    same for bhyveload / grub-bhyve (custom loaders: [])
 */

/** bhyve(8) SYNOPSIS, amd64: flags alone, and flags that take a value */
const BHYVE_BOOL = new Set(['a', 'e', 'h', 'u', 'w', 'x', 'A', 'C', 'D', 'H', 'I', 'P', 'S', 'W', 'Y']);
const BHYVE_VALUE = new Set(['c', 'f', 'G', 'k', 'K', 'l', 'm', 'n', 'o', 'p', 'r', 's', 'U']);
const PCI_EMULATIONS = new Set(['hostbridge', 'amd_hostbridge', 'lpc', 'ahci', 'ahci-hd', 'ahci-cd', 'nvme', 'virtio-blk',
  'virtio-scsi', 'virtio-net', 'e1000', 'virtio-rnd', 'virtio-console', 'virtio-9p', 'virtio-input', 'passthru', 'fbuf',
  'xhci', 'hda', 'uart']);
const LPC_DEVICES = /^(com[1-4]|bootrom|fwcfg|tpm|pc-testdev)$/;

function validName(name: string | undefined): boolean {
  return name !== undefined && name.length >= 1 && name.length <= 32 && !name.includes('/') && !name.startsWith('-');
}

export function bhyveArgvProblems(argv: readonly string[]): string[] {
  const problems: string[] = [];
  if (!/(^|\/)bhyve$/.test(argv[0] ?? '')) problems.push(`program is not bhyve: ${argv[0]}`);
  let i = 1;
  for (; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') { i++; break; }
    if (!word.startsWith('-') || word === '-') break;
    for (let j = 1; j < word.length; j++) {
      const f = word[j];
      if (BHYVE_BOOL.has(f)) continue;
      if (!BHYVE_VALUE.has(f)) { problems.push(`unknown option -${f}`); break; }
      const value = j + 1 < word.length ? word.slice(j + 1) : argv[++i];
      if (value === undefined) problems.push(`-${f} without a value`);
      else problems.push(...valueProblems(f, value));
      break;
    }
  }
  const operands = argv.slice(i);
  if (operands.length !== 1) problems.push(`expected exactly one VM name after the options, got ${JSON.stringify(operands)}`);
  else if (!validName(operands[0])) problems.push(`invalid VM name ${JSON.stringify(operands[0])}`);
  return problems;
}

function valueProblems(flag: string, value: string): string[] {
  if (/[\n\0]/.test(value)) return [`-${flag} value contains a newline or NUL`];
  if (flag === 's') {
    const [slot, emul] = value.split(',');
    if (!/^([0-9]{1,3}:)?[0-9]{1,2}(:[0-7])?$/.test(slot ?? '')) return [`-s slot '${slot}'`];
    if (!PCI_EMULATIONS.has(emul ?? '')) return [`-s emulation '${emul}'`];
  }
  if (flag === 'l' && !LPC_DEVICES.test(value.split(',')[0])) return [`-l device '${value.split(',')[0]}'`];
  if (flag === 'm' && !/^[0-9]+[KkMmGgTt]?$/.test(value)) return [`-m '${value}'`];
  if (flag === 'c' && !/^([0-9]+|((cpus|sockets|cores|threads)=[0-9]+,?)+)$/.test(value)) return [`-c '${value}'`];
  if (flag === 'p' && !/^[0-9]+:[0-9]+$/.test(value)) return [`-p '${value}'`];
  if (flag === 'o' && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*=/.test(value)) return [`-o '${value}'`];
  return [];
}

const BHYVELOAD_BOOL = new Set(['C', 'S']);
const BHYVELOAD_VALUE = new Set(['c', 'd', 'e', 'h', 'l', 'm']);
const GRUB_LONG_VALUE = new Set(['--root', '--device-map', '--directory', '--cons-dev', '--grub-cfg', '--memory']);
const GRUB_LONG_BOOL = new Set(['--verbose', '--evga', '--ncons', '--wire']);

export function loaderArgvProblems(argv: readonly string[]): string[] {
  const prog = argv[0] ?? '';
  const core = /(^|\/)timeout$/.test(prog) ? argv.slice(argv.indexOf('-k') >= 0 ? argv.indexOf('-k') + 3 : 2) : argv;
  const tool = core[0] ?? '';
  const problems: string[] = [];
  if (/(^|\/)bhyveload$/.test(tool)) {
    let i = 1;
    for (; i < core.length && core[i].startsWith('-'); i++) {
      const f = core[i].slice(1);
      if (BHYVELOAD_BOOL.has(f)) continue;
      if (BHYVELOAD_VALUE.has(f) && i + 1 < core.length) { i++; continue; }
      problems.push(`bhyveload option ${core[i]}`);
    }
    if (core.length - i !== 1 || !validName(core[i])) problems.push(`bhyveload operands ${JSON.stringify(core.slice(i))}`);
  } else if (/(^|\/)grub-bhyve$/.test(tool)) {
    const operands: string[] = [];
    for (let i = 1; i < core.length; i++) {
      if (GRUB_LONG_VALUE.has(core[i]) && i + 1 < core.length) { i++; continue; }
      if (GRUB_LONG_BOOL.has(core[i])) continue;
      if (core[i].startsWith('-')) problems.push(`grub-bhyve option ${core[i]}`);
      else operands.push(core[i]);
    }
    if (operands.length !== 1 || !validName(operands[0])) problems.push(`grub-bhyve operands ${JSON.stringify(operands)}`);
  }
  return problems;
}
