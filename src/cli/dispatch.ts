/**
 * Runs commands in this process: one command (`bvirsh list --all`), a command
 * string (`bvirsh 'list; dominfo test'`), a script line or a REPL line. All of
 * them share the session's connection (src/cli/session.ts).
 *
 * A command is found in the manifest and only its own compiled file is
 * loaded; the shell's own commands (help, connect, quit, exit, echo, cd, pwd)
 * are handled here. A failing command never throws out of runCommand: it
 * prints virsh's `error: ...` and reports a non-zero status, so a script or
 * the REPL goes on.
 */
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { commandIndex, findCommandEntry, projectRoot } from './manifest';
import { session } from './session';
import type * as HelpModule from './help';
import type * as TokenizerModule from './tokenizer';

// help and the tokenizer load when needed: `bvirsh list` uses neither.
const help = (): typeof HelpModule => require('./help') as typeof HelpModule;
const tokenizer = (): typeof TokenizerModule => require('./tokenizer') as typeof TokenizerModule;

export type Outcome = { status: number; quit?: boolean };

const write = (s: string): void => { process.stdout.write(s); };
const fail = (msg: string): Outcome => {
  process.stderr.write(`error: ${msg}\n`);
  return { status: 1 };
};

type CommandClass = { id?: string; run(argv: string[], config?: unknown): Promise<unknown> };

const loaded = new Map<string[], CommandClass>();

/** Commands compiled into dist/bvirsh.js (scripts/bundle.js), by id. */
const bundled = (globalThis as { __bvirshCommands?: Record<string, () => Record<string, unknown>> }).__bvirshCommands;

/** The command class a manifest entry names (loaded once). */
function loadCommandClass(id: string, relativePath: string[]): CommandClass {
  const known = loaded.get(relativePath);
  if (known) return known;
  const inBundle = bundled?.[id];
  const cls = findCommandClass(inBundle ? inBundle() : (require(commandFile(relativePath)) as Record<string, unknown>), id);
  loaded.set(relativePath, cls);
  return cls;
}

function findCommandClass(mod: Record<string, unknown>, id: string): CommandClass {
  const isCmd = (v: unknown): v is CommandClass => typeof v === 'function' && typeof (v as unknown as CommandClass).run === 'function';
  if (isCmd(mod.default)) return mod.default;
  const found = Object.values(mod).find(isCmd);
  if (!found) throw new Error(`command ${id}: its file exports no command class`);
  return found;
}

/** The file implementing a command: compiled (dist/) normally, the
 *  TypeScript source when this module itself runs from source (bin/dev.js). */
function commandFile(relativePath: string[]): string {
  const file = join(projectRoot(), ...relativePath);
  if (!__filename.endsWith('.ts')) return file;
  return file.replace(`${sep}dist${sep}src${sep}`, `${sep}src${sep}`).replace(/\.js$/, '.ts');
}

let config: unknown;
function commandConfig(): unknown {
  // The command files see the fast path's config (src/cli/oclif-lite.ts) when
  // bin/run.js redirected '@oclif/core'; otherwise oclif builds its own.
  if (config === undefined) {
    const core = require('@oclif/core') as { liteConfig?: () => unknown };
    config = core.liteConfig ? core.liteConfig() : projectRoot();
  }
  return config;
}

/** The exit status an error thrown out of a command stands for. */
function reportThrown(err: unknown): number {
  const e = err as { message?: string; code?: string; oclif?: { exit?: number } };
  if (e && e.code === 'EEXIT' && typeof e.oclif?.exit === 'number') return e.oclif.exit;
  const message = (e && e.message) || String(err);
  // A VirError's second line (the driver's reason), as virsh prints it.
  const detail = (err as { detail?: string } | undefined)?.detail;
  process.stderr.write(`error: ${message.split('\n')[0]}\n${detail ? `error: ${detail}\n` : ''}`);
  return 1;
}

async function builtin(name: string, args: string[], interactive: boolean): Promise<Outcome | undefined> {
  switch (name) {
    case 'quit':
    case 'exit':
      return { status: 0, quit: true };
    case 'help': {
      const topic = args.filter((a) => a !== '--command')[0];
      if (topic === undefined) {
        write(help().groupedHelp());
        return { status: 0 };
      }
      const text = help().helpFor(topic);
      if (text === undefined) return fail(`command or command group '${topic}' doesn't exist`);
      write(text);
      return { status: 0 };
    }
    case 'connect': {
      let uri: string | undefined;
      let readonly = false;
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '--readonly') readonly = true;
        else if (a === '--name') uri = args[++i];
        else if (a.startsWith('--name=')) uri = a.slice(7);
        else if (a.startsWith('-')) return fail(`command 'connect' doesn't support option ${a}`);
        else if (uri === undefined) uri = a;
        else return fail(`unexpected data '${a}'`);
      }
      await session.reconnect(uri, readonly);
      return { status: 0 };
    }
    case 'echo': {
      const err = args.includes('--err');
      const text = args.filter((a) => a !== '--err' && a !== '--shell' && a !== '--xml').join(' ') + '\n';
      (err ? process.stderr : process.stdout).write(text);
      return { status: 0 };
    }
    case 'pwd':
      write(`${process.cwd()}\n`);
      return { status: 0 };
    case 'cd': {
      if (!interactive) return fail('cd: command valid only in interactive mode');
      const dir = args.filter((a) => a !== '--dir')[0] ?? process.env.HOME ?? '/';
      try {
        process.chdir(dir);
      } catch {
        return fail(`cd: Unable to change to ${dir}: No such file or directory`);
      }
      return { status: 0 };
    }
    default:
      return undefined;
  }
}

/** Run one command given as words: [name, ...args]. */
export async function runCommand(words: string[], opts: { interactive?: boolean } = {}): Promise<Outcome> {
  const [name, ...args] = words;
  if (name === undefined || name === '') return { status: 0 };
  try {
    // (most lines run a real command: no await for the shell's own ones)
    const b = BUILTIN_NAMES.has(name) ? await builtin(name, args, opts.interactive ?? false) : undefined;
    if (b) return b;
  } catch (err) {
    return { status: reportThrown(err) };
  }
  const cmd = findCommandEntry(name);
  if (!cmd || !cmd.relativePath) {
    if (pluginCommandIds().includes(name)) return runPluginCommand(words);
    return fail(`unknown command: '${name}'`);
  }
  const dd = args.indexOf('--');
  const opts0 = dd === -1 ? args : args.slice(0, dd);
  if (opts0.includes('--help') || opts0.includes('-h')) {
    write(help().helpFor(cmd.id) ?? '');
    return { status: 0 };
  }
  const saved = process.exitCode;
  process.exitCode = undefined;
  let status: number;
  try {
    const Cls = loadCommandClass(cmd.id, cmd.relativePath);
    Cls.id = cmd.id;
    await Cls.run(args, commandConfig());
    status = Number(process.exitCode ?? 0);
  } catch (err) {
    status = reportThrown(err);
  }
  process.exitCode = saved;
  return { status };
}

/**
 * Parse-time check of one command of a command string, as virsh checks every
 * command of a line before running any: its options are parsed (unknown
 * option, missing value, stray argument → virsh's error). Returns the failing
 * outcome, or undefined when the command may run.
 */
async function precheck(words: string[]): Promise<Outcome | undefined> {
  const [name, ...args] = words;
  if (BUILTIN_NAMES.has(name)) return undefined;
  const cmd = findCommandEntry(name);
  const core = require('@oclif/core') as { liteConfig?: () => unknown };
  // Only on the fast path: there a command object can be made without oclif's Config.
  if (!cmd?.relativePath || !core.liteConfig) return undefined;
  const dd = args.indexOf('--');
  if ((dd === -1 ? args : args.slice(0, dd)).some((a) => a === '--help' || a === '-h')) return undefined;
  type Checkable = { init(): Promise<void>; catch(e: unknown): Promise<unknown> };
  const Cls = loadCommandClass(cmd.id, cmd.relativePath) as unknown as { id?: string; new(argv: string[], config: unknown): Checkable };
  Cls.id = cmd.id;
  const probe = new Cls(args, commandConfig());
  const saved = process.exitCode;
  process.exitCode = undefined;
  let status = 0;
  try {
    await probe.init();
  } catch (err) {
    try {
      await probe.catch(err);
      status = Number(process.exitCode ?? 1) || 1;
    } catch (thrown) {
      status = reportThrown(thrown);
    }
  }
  process.exitCode = saved;
  return status === 0 ? undefined : { status };
}

/**
 * Run a command string (`list; dominfo test`) as virsh does with one
 * argument, a script line or a REPL line: the whole string is parsed first (a
 * quoting error, an unknown command or a bad option runs nothing), then every
 * command runs in order — a failure is reported and the next one runs — up to
 * the end or `quit`. The status is the last command's, as virsh's.
 */
export async function runCommandString(text: string, opts: { interactive?: boolean } = {}): Promise<Outcome> {
  let commands: string[][];
  const { tokenize, TokenizeError } = tokenizer();
  try {
    commands = tokenize(text);
  } catch (e) {
    if (e instanceof TokenizeError) return fail(e.message);
    throw e;
  }
  for (const [name] of commands) {
    if (!isCommandName(name) && !pluginCommandIds().includes(name)) return fail(`unknown command: '${name}'`);
  }
  if (commands.length > 1) {
    for (const words of commands) {
      const bad = await precheck(words);
      if (bad) return bad;
    }
  }
  let last: Outcome = { status: 0 };
  for (const words of commands) {
    last = await runCommand(words, opts);
    if (last.quit) return { status: 0, quit: true };
  }
  return last;
}

/** Commands of the oclif plugins in package.json (`autocomplete`), read from
 *  their own manifests — only when a name is not one of ours. */
function pluginCommandIds(): string[] {
  const root = projectRoot();
  const pjson = require(join(root, 'package.json')) as { oclif?: { plugins?: string[] } };
  const ids: string[] = [];
  for (const plugin of pjson.oclif?.plugins ?? []) {
    try {
      // (plugins export neither package.json nor their manifest: read the file)
      const file = join(root, 'node_modules', plugin, 'oclif.manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8')) as { commands: Record<string, unknown> };
      ids.push(...Object.keys(m.commands));
    } catch { /* a plugin without a manifest offers nothing here */ }
  }
  return ids;
}

/** Plugin commands run through the real oclif (they are not start-up critical). */
async function runPluginCommand(words: string[]): Promise<Outcome> {
  const core = require('@oclif/core') as { realCore?: () => unknown };
  const real = (core.realCore ? core.realCore() : core) as { run(argv: string[], root: string): Promise<unknown> };
  const saved = process.exitCode;
  process.exitCode = undefined;
  let status: number;
  try {
    await real.run(words, projectRoot());
    status = Number(process.exitCode ?? 0);
  } catch (err) {
    status = reportThrown(err);
  }
  process.exitCode = saved;
  return { status };
}

const BUILTIN_NAMES = new Set(['quit', 'exit', 'help', 'connect', 'echo', 'pwd', 'cd']);

export function isCommandName(name: string): boolean {
  return BUILTIN_NAMES.has(name) || findCommandEntry(name) !== undefined;
}

/** Names the shell completes and `help` knows: commands and builtins. */
export function allCommandNames(): string[] {
  const names = Object.values(commandIndex()).filter((c) => !c.hidden).map((c) => c.id);
  return [...new Set([...names, ...BUILTIN_NAMES])].sort();
}
