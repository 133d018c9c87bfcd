/**
 * virsh-style help, generated from the command manifest (no command file is
 * loaded): `help` (commands grouped as virsh groups them), `help GROUP`,
 * `help CMD` / `CMD --help` (NAME, SYNOPSIS, DESCRIPTION, OPTIONS), and
 * `bvirsh -h` (global options + the grouped list). The man page is built from
 * the same pieces (scripts/gen-man.js).
 */
import { loadManifest, visibleCommands, findCommand, type ManifestCommand, type ManifestFlag } from './manifest';

export interface Group {
  title: string;
  keyword: string;
  commands: string[];
}

/** virsh's groups for the commands bvirsh has (virsh 9.0 `help`). */
const GROUPS: Group[] = [
  { title: 'Domain Management', keyword: 'domain', commands: [
    'autostart', 'console', 'cpu-stats', 'create', 'define', 'destroy', 'domid', 'domname', 'domuuid', 'domxml-from-native',
    'domxml-to-native', 'dumpxml', 'edit', 'reboot', 'reset', 'resume', 'shutdown', 'start', 'suspend', 'undefine',
    'vcpucount', 'vcpuinfo', 'setmem', 'setmaxmem', 'setvcpus', 'inject-nmi', 'send-key', 'managedsave',
    'domrename', 'domdisplay', 'vncdisplay', 'ttyconsole', 'domhostname', 'qemu-agent-command'] },
  { title: 'Domain Monitoring', keyword: 'monitor', commands: [
    'domblkinfo', 'domblklist', 'domblkstat', 'domcontrol', 'domif-getlink', 'domifaddr', 'domiflist', 'domifstat',
    'dominfo', 'dommemstat', 'domstate', 'domstats', 'domtime', 'list'] },
  { title: 'Host and Hypervisor', keyword: 'host', commands: [
    'capabilities', 'cpu-models', 'domcapabilities', 'freecell', 'hostname', 'maxvcpus', 'nodecpustats', 'nodeinfo',
    'nodememstats', 'sysinfo', 'uri', 'version', 'conn-info'] },
  { title: 'Networking', keyword: 'network', commands: [
    'net-autostart', 'net-create', 'net-define', 'net-destroy', 'net-dumpxml', 'net-edit', 'net-info', 'net-list', 'net-name',
    'net-start', 'net-undefine', 'net-uuid'] },
  { title: 'Storage Pool', keyword: 'pool', commands: [] },
  { title: 'Storage Volume', keyword: 'volume', commands: [] },
  { title: 'Snapshot', keyword: 'snapshot', commands: [] },
];

/** The shell's own commands (handled by the dispatcher, not command files). */
export const BUILTINS: Array<{ name: string; summary: string; synopsis: string; description: string; options: Array<[string, string]> }> = [
  { name: 'cd', summary: 'change the current directory', synopsis: 'cd [--dir <string>]',
    description: 'Change the current directory.', options: [['[--dir] <string>', 'directory to switch to (default: home or else root)']] },
  { name: 'echo', summary: 'echo arguments', synopsis: 'echo [--err] [<string>]...',
    description: 'Echo back arguments, separated by spaces.', options: [['--err', 'output to stderr'], ['[--string] <string>', 'arguments to echo']] },
  { name: 'exit', summary: 'quit this interactive terminal', synopsis: 'exit', description: 'Quit this interactive terminal.', options: [] },
  { name: 'help', summary: 'print help', synopsis: 'help [<command>]',
    description: 'Prints global help, command specific help, or help for a group of related commands.',
    options: [['[--command] <string>', 'Prints global help, command specific help, or help for a group of related commands']] },
  { name: 'pwd', summary: 'print the current directory', synopsis: 'pwd', description: 'Print the current directory.', options: [] },
  { name: 'quit', summary: 'quit this interactive terminal', synopsis: 'quit', description: 'Quit this interactive terminal.', options: [] },
  { name: 'connect', summary: '(re)connect to hypervisor', synopsis: 'connect [[--name] <string>] [--readonly]',
    description: 'Connect to a hypervisor: bhyve:///system, sim:///default, sim:///DIR, test:///default or test:///FILE.xml. Without a URI, the default one.',
    options: [['[--name] <string>', 'hypervisor connection URI'], ['--readonly', 'read-only connection']] },
];

const VIRSH_GROUP: Group = { title: 'Virsh itself', keyword: 'virsh', commands: BUILTINS.map((b) => b.name) };

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));

/** Groups with the commands this build has; commands in no group go under "Other". */
export function commandGroups(): Array<{ group: Group; commands: Array<{ name: string; summary: string }> }> {
  const cmds = visibleCommands();
  const placed = new Set<string>();
  const out: Array<{ group: Group; commands: Array<{ name: string; summary: string }> }> = [];
  for (const g of GROUPS) {
    const list = cmds.filter((c) => g.commands.includes(c.id) && !placed.has(c.id));
    list.forEach((c) => placed.add(c.id));
    if (list.length > 0) out.push({ group: g, commands: list.map((c) => ({ name: c.id, summary: summaryOf(c) })) });
  }
  const rest = cmds.filter((c) => !placed.has(c.id) && c.pluginType === 'core');
  if (rest.length > 0) {
    out.push({ group: { title: 'Other', keyword: 'other', commands: [] }, commands: rest.map((c) => ({ name: c.id, summary: summaryOf(c) })) });
  }
  out.push({ group: VIRSH_GROUP, commands: BUILTINS.map((b) => ({ name: b.name, summary: b.summary })) });
  return out;
}

export function summaryOf(c: ManifestCommand): string {
  return (c.summary ?? c.description?.split('\n')[0] ?? '').trim();
}

function formatGroup(title: string, keyword: string, commands: Array<{ name: string; summary: string }>, colon: boolean): string {
  return ` ${title} (help keyword '${keyword}')${colon ? ':' : ''}\n` +
    commands.map((c) => `    ${pad(c.name, 30)} ${c.summary}\n`).join('');
}

/** `help` with no argument. */
export function groupedHelp(): string {
  return 'Grouped commands:\n\n' + commandGroups().map((g) => formatGroup(g.group.title, g.group.keyword, g.commands, true)).join('\n') + '\n';
}

/** `bvirsh -h`. */
export function usage(): string {
  return `
bvirsh [options]... [<command_string>]
bvirsh [options]... <command> [args...]

  options:
    -c | --connect=URI      hypervisor connection URI
    -h | --help             this help
    -q | --quiet            quiet mode
    -r | --readonly         connect readonly
    -v                      short version
    -V                      long version
         --version[=TYPE]   version, TYPE is short or long (default short)
  commands (non interactive mode):

` + commandGroups().map((g) => formatGroup(g.group.title, g.group.keyword, g.commands, false)).join('\n') +
    `\n\n  (specify help <group> for details about the commands in the group)\n\n  (specify help <command> for details about the command)\n\n`;
}

/** Flags shown in a command's help: its own (global ones are in `bvirsh -h`). */
function commandFlags(c: ManifestCommand): ManifestFlag[] {
  return Object.values(c.flags).filter((f) => f.helpGroup !== 'GLOBAL' && !f.hidden);
}

/**
 * SYNOPSIS and OPTIONS lines of a command, in the order its options are declared.
 * As virsh shows them: a required positional option is `<domain>` / `[--domain] <string>`;
 * an optional one (it may still be given as a word) is `[--devname <string>]` / `--devname <string>`.
 */
export function commandSynopsis(c: ManifestCommand): { synopsis: string; options: Array<[string, string]> } {
  const parts = [c.id];
  const options: Array<[string, string]> = [];
  const required = new Set((c.requiredOptions ?? []).map((n) => n.replace(/^--/, ''))); // '--size': a required number
  const flags = commandFlags(c);
  const flagNames = new Set(flags.map((f) => f.name));
  const valueOf = (f: ManifestFlag | undefined): string => ` <${f?.helpValue ? f.helpValue.replace(/[<>]/g, '') : 'string'}>`;
  const positional = (name: string, description: string | undefined, flag?: ManifestFlag): void => {
    const a = c.args[name];
    if (a.required || required.has(name)) {
      parts.push(`<${name}>`);
      options.push([`[--${name}] <${flag?.helpValue === '<number>' ? 'number' : 'string'}>`, a.description ?? description ?? '']);
    } else {
      parts.push(`[--${name}${valueOf(flag)}]`);
      options.push([`--${name}${valueOf(flag)}`, a.description ?? description ?? '']);
    }
  };
  // positional arguments with no --NAME flag of their own come first
  for (const a of Object.values(c.args)) if (!flagNames.has(a.name)) positional(a.name, a.description);
  for (const f of flags) {
    if (c.args[f.name]) { positional(f.name, f.description, f); continue; }
    if (f.name === c.argvOption) { // virsh's ARGV option: any number of words
      parts.push(`[<${f.name}>]...`);
      options.push([`<${f.name}>`, (f.summary ?? f.description ?? '').split('\n')[0]]);
      continue;
    }
    const value = f.type === 'option' ? valueOf(f) : '';
    parts.push(f.required ? `--${f.name}${value}` : `[--${f.name}${value}]`);
    options.push([`--${f.name}${value}`, (f.summary ?? f.description ?? '').split('\n')[0]]);
  }
  return { synopsis: parts.join(' '), options };
}

function formatCommandHelp(name: string, summary: string, synopsis: string, description: string, options: Array<[string, string]>): string {
  let out = `  NAME\n    ${name} - ${summary}\n\n  SYNOPSIS\n    ${synopsis}\n\n`;
  if (description) out += `  DESCRIPTION\n${description.split('\n').map((l) => (l ? `    ${l}` : '')).join('\n')}\n\n`;
  if (options.length > 0) out += `  OPTIONS\n${options.map(([o, d]) => `    ${pad(o, 15)}  ${d}\n`).join('')}\n`;
  return out + '\n';
}

/** `help CMD`, `help GROUP`; undefined when neither exists. */
export function helpFor(name: string): string | undefined {
  const builtin = BUILTINS.find((b) => b.name === name);
  if (builtin) return formatCommandHelp(builtin.name, builtin.summary, builtin.synopsis, builtin.description, builtin.options);
  const c = findCommand(name, loadManifest());
  if (c && !c.hidden) {
    const { synopsis, options } = commandSynopsis(c);
    const description = (c.description ?? c.summary ?? '').trim();
    return formatCommandHelp(c.id, summaryOf(c), synopsis, description, options);
  }
  const g = commandGroups().find((x) => x.group.keyword === name);
  if (g) return formatGroup(g.group.title, g.group.keyword, g.commands, true) + '\n';
  return undefined;
}
