/**
 * bvirsh's entry point (called by bin/run.js and bin/dev.js).
 *
 * As virsh: global options come first (`bvirsh -c URI -r -q CMD ...`), -c/-r/-q
 * are also accepted after the command (every command has them as flags);
 * then
 *   - no command: an interactive shell on a terminal, else commands read from
 *     stdin one line at a time (exit status 0 at the end, as virsh);
 *   - one argument: a command string, `bvirsh 'list; dominfo test'`;
 *   - several: one command and its arguments.
 */
import { fstatSync } from 'node:fs';
import { runCommand, runCommandString } from './dispatch';
import { session } from './session';
import { installDirectStdio } from './direct-stdio';
import { projectRoot } from './manifest';
import { LONG_SCRIPT_LINES, tuneV8ForLongScript } from './script-tuning';

interface GlobalOptions {
  connect?: string;
  readonly: boolean;
  quiet: boolean;
  help: boolean;
  version?: 'short' | 'long';
  rest: string[];
}

class UsageError extends Error {}

/** Leading global options, virsh's getopt style (-cURI, --connect=URI too). */
export function parseGlobalOptions(argv: string[]): GlobalOptions {
  const g: GlobalOptions = { readonly: false, quiet: false, help: false, rest: [] };
  let i = 0;
  const value = (opt: string, inline: string | undefined): string => {
    if (inline !== undefined && inline !== '') return inline;
    if (i + 1 >= argv.length) throw new UsageError(`option '${opt}' requires an argument`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const long = a.startsWith('--') ? (eq === -1 ? a : a.slice(0, eq)) : undefined;
    const inline = long !== undefined && eq !== -1 ? a.slice(eq + 1) : undefined;
    if (long === '--connect') g.connect = value("-c'/'--connect", inline);
    else if (long === '--readonly') g.readonly = true;
    else if (long === '--quiet') g.quiet = true;
    else if (long === '--help') g.help = true;
    else if (long === '--version') {
      const t = inline ?? 'short';
      if (t !== 'short' && t !== 'long') throw new UsageError(`unknown version type '${t}'`);
      g.version = t;
    } else if (long !== undefined) throw new UsageError(`unsupported option '${a}'. See --help.`);
    else {
      // Short options, possibly bundled (-rq) or with the value attached (-cURI).
      for (let k = 1; k < a.length; k++) {
        const c = a[k];
        if (c === 'c') {
          const rest = a.slice(k + 1);
          g.connect = value("-c'/'--connect", rest === '' ? undefined : rest);
          break;
        } else if (c === 'r') g.readonly = true;
        else if (c === 'q') g.quiet = true;
        else if (c === 'h') g.help = true;
        else if (c === 'v') g.version = 'short';
        else if (c === 'V') g.version = 'long';
        else throw new UsageError(`unsupported option '-${c}'. See --help.`);
      }
    }
  }
  g.rest = argv.slice(i);
  return g;
}

/** isatty(fd), without loading node:tty (which loads net) for what cannot
 *  be a terminal: only a character device can. */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (require('node:tty') as typeof import('node:tty')).isatty(fd);
}

/** Feed stdin to onLine one line at a time, each awaited before the next.
 *  Reads fd 0 directly: creating process.stdin costs more than a whole
 *  command (10-25 ms), and a script needs no stream machinery. */
async function readStdinLines(onLine: (line: string) => Promise<void>): Promise<void> {
  const fs = await import('node:fs');
  const read = (buf: Buffer): Promise<number> => new Promise((resolve, reject) => {
    fs.read(0, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
  const buf = Buffer.alloc(64 * 1024);
  let pending = '';
  for (;;) {
    let n: number;
    try {
      n = await read(buf);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return readStdinStream(pending, onLine); // non-blocking stdin: use the stream
      if (code === 'EOF') n = 0; else throw e;
    }
    if (n === 0) break;
    pending += buf.toString('utf8', 0, n);
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      await onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }
  if (pending !== '') await onLine(pending);
}

async function readStdinStream(pending: string, onLine: (line: string) => Promise<void>): Promise<void> {
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  let first = true;
  for await (const line of rl) {
    await onLine(first ? pending + line : line);
    first = false;
  }
  if (first && pending !== '') await onLine(pending);
}

/** Run bvirsh with these arguments; resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  // a pipe, socket or file needs no net.Socket for stdout or stderr (see direct-stdio.ts)
  installDirectStdio(1);
  installDirectStdio(2);
  // `bvirsh ... | head`: once the reader is gone there is nobody to write for
  // (virsh dies of SIGPIPE); end quietly instead of a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  let g: GlobalOptions;
  try {
    g = parseGlobalOptions(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (g.version) {
    const { version } = require(`${projectRoot()}/package.json`) as { version: string };
    process.stdout.write(g.version === 'short' ? `${version}\n`
      : `bvirsh command line tool ${version}, for bhyve without libvirtd\n`);
    return 0;
  }
  if (g.help) {
    process.stdout.write((require('./help') as typeof import('./help')).usage());
    return 0;
  }
  session.options = { ...session.options, uri: g.connect, readonly: g.readonly, quiet: g.quiet };
  try {
    if (g.rest.length === 0) {
      if (isTerminal(0) && isTerminal(1)) {
        const { runRepl } = await import('./repl');
        await runRepl({ quiet: g.quiet });
        return 0;
      }
      // A script on stdin: every line runs, failures are reported and the
      // script goes on; the status is 0 at the end, as virsh's.
      let quit = false;
      let lines = 0;
      const stopBuffering = isTerminal(1) ? undefined : (await import('./stdout-buffer')).bufferStdout();
      try {
        await readStdinLines(async (line) => {
          if (quit) return;
          if (++lines === LONG_SCRIPT_LINES) tuneV8ForLongScript();
          const r = await runCommandString(line);
          if (r.quit) quit = true;
        });
      } finally {
        stopBuffering?.();
      }
      return 0;
    }
    if (g.rest.length === 1) return (await runCommandString(g.rest[0])).status;
    return (await runCommand(g.rest)).status;
  } finally {
    await session.close().catch(() => undefined);
  }
}
