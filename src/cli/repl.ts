/**
 * The interactive shell: `bvirsh` with no command on a terminal.
 *
 * Prompt `bvirsh # ` for root, `bvirsh $ ` otherwise; lines are parsed by the
 * virsh tokenizer and run in this process on the session's one connection.
 * Tab completes command names, a command's flags, and domain (network) names read from
 * the live connection. History is kept in $BVIRSH_HISTORY, else
 * $XDG_STATE_HOME/bvirsh/history (~/.local/state/bvirsh/history).
 *
 * The readline interface is closed while a command runs, so a command may
 * prompt on the terminal itself (inquirer, `edit`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface, type ReadLineOptions } from 'node:readline';
import { runCommandString, allCommandNames } from './dispatch';
import { findCommand, loadManifest } from './manifest';
import { BUILTINS } from './help';
import { session } from './session';

const HISTORY_SIZE = 1000;

/** What `connect <Tab>` offers (DESIGN §2). */
const CONNECT_URIS = ['bhyve:///system', 'sim:///default', 'test:///default'];

export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BVIRSH_HISTORY) return env.BVIRSH_HISTORY;
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'bvirsh', 'history');
}

function loadHistory(file: string): string[] {
  try {
    // readline wants the newest entry first.
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(file: string, history: string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, history.slice(0, HISTORY_SIZE).reverse().join('\n') + '\n', { mode: 0o600 });
  } catch {
    // An unwritable history file must not stop the shell.
  }
}

export function prompt(): string {
  return process.getuid && process.getuid() === 0 ? 'bvirsh # ' : 'bvirsh $ ';
}

/** The words of the command being typed (after the last `;`), and whether
 *  the cursor starts a new word. Quotes are honoured roughly: enough to
 *  complete names, never used to run anything. */
function currentCommandWords(line: string): { words: string[]; partial: string } {
  const segment = line.slice(line.lastIndexOf(';') + 1);
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of segment) {
    if (quote) {
      if (ch === quote) quote = undefined; else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === ' ' || ch === '\t') {
      if (cur !== '') { words.push(cur); cur = ''; }
    } else {
      cur += ch;
    }
  }
  return { words, partial: cur };
}

async function domainNames(): Promise<string[]> {
  try {
    const conn = await session.connection();
    return (await conn.listAllDomains()).map((d) => d.getName()).sort();
  } catch {
    return [];
  }
}

async function networkNames(): Promise<string[]> {
  try {
    const conn = await session.connection();
    return conn.listAllNetworks ? (await conn.listAllNetworks()).map((n) => n.getName()).sort() : [];
  } catch {
    return [];
  }
}

/** Completions for `line` (the text left of the cursor): [candidates, word]. */
export async function complete(line: string): Promise<[string[], string]> {
  const { words, partial } = currentCommandWords(line);
  if (words.length === 0) {
    return [allCommandNames().filter((n) => n.startsWith(partial)), partial];
  }
  const name = words[0];
  const cmd = findCommand(name, loadManifest());
  if (partial.startsWith('-')) {
    const flags = cmd
      ? Object.values(cmd.flags).filter((f) => !f.hidden).map((f) => `--${f.name}`)
      : (BUILTINS.find((b) => b.name === name)?.options ?? []).map(([o]) => o.replace(/^\[|\].*$| .*$/g, ''));
    return [[...new Set(flags)].sort().filter((f) => f.startsWith(partial)), partial];
  }
  if (name === 'help') {
    return [allCommandNames().filter((n) => n.startsWith(partial)), partial];
  }
  if (name === 'connect') {
    return [CONNECT_URIS.filter((u) => u.startsWith(partial)), partial];
  }
  const object = cmd && (cmd.args.domain !== undefined || cmd.flags.domain !== undefined) ? 'domain'
    : cmd && (cmd.args.network !== undefined || cmd.flags.network !== undefined) ? 'network' : undefined;
  if (cmd && object) {
    const prev = words[words.length - 1];
    // The value of an option flag (`--file x`) is not a domain.
    const prevFlag = prev.startsWith('--') ? cmd.flags[prev.slice(2)] : undefined;
    if (!prevFlag || prevFlag.name === object || prevFlag.type === 'boolean') {
      const names = object === 'domain' ? await domainNames() : await networkNames();
      return [names.filter((n) => n.startsWith(partial)), partial];
    }
  }
  return [[], partial];
}

function ask(rl: Interface, text: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onClose = (): void => resolve(undefined);
    rl.once('close', onClose);
    rl.question(text, (answer) => {
      rl.off('close', onClose);
      resolve(answer);
    });
  });
}

export async function runRepl(opts: { quiet?: boolean } = {}): Promise<void> {
  const file = historyFile();
  let history = loadHistory(file);
  if (!opts.quiet) {
    process.stdout.write("Welcome to bvirsh, the bhyve virtualization interactive terminal.\n\n" +
      "Type:  'help' for help with commands\n       'quit' to quit\n\n");
  }
  for (;;) {
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      history,
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      completer: (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
        complete(line).then((r) => cb(null, r), () => cb(null, [[], line]));
      },
    } as ReadLineOptions);
    // Ctrl-C drops the line being typed, as a shell does.
    rl.on('SIGINT', () => {
      (rl as unknown as { line: string }).line = '';
      process.stdout.write('^C\n');
      rl.prompt();
    });
    const line = await ask(rl, prompt());
    history = (rl as unknown as { history: string[] }).history ?? history;
    rl.close();
    if (line === undefined) { // end of input (Ctrl-D)
      process.stdout.write('\n');
      break;
    }
    if (line.trim() === '') continue;
    // Ctrl-C while a command runs must not end the shell.
    const ignore = (): void => { process.stdout.write('\n'); };
    process.on('SIGINT', ignore);
    let r;
    try {
      r = await runCommandString(line, { interactive: true });
    } finally {
      process.off('SIGINT', ignore);
    }
    if (r.quit) break;
  }
  saveHistory(file, history);
}
