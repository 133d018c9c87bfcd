/**
 * A real pseudo-terminal for REPL tests, through util-linux script(1) (no
 * native module needed): the child sees a TTY on stdin/stdout, we type into
 * script's stdin and read the screen from its stdout. waitFor() awaits text
 * on the screen (no sleeps).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export function hasScript(): boolean {
  return spawnSync('script', ['--version']).status === 0;
}

/** Strip terminal control sequences, keeping the text a user would read. */
export function screenText(raw: string): string {
  return raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\r/g, '');
}

export class Pty {
  readonly child: ChildProcess;
  raw = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(command: string, env: NodeJS.ProcessEnv) {
    // A fixed window size so readline's line editing is predictable.
    this.child = spawn('script', ['-qfec', `stty cols 200 rows 50; exec ${command}`, '/dev/null'], {
      env: { TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const onData = (d: Buffer): void => {
      this.raw += d.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    };
    // A write racing the child's exit fails with EPIPE; the waitFor()/exited that follows
    // reports the exit with the screen, which says more than an uncaught EPIPE.
    this.child.stdin!.on('error', () => { /* reported through waitFor()/exited */ });
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code);
    }));
  }

  get screen(): string {
    return screenText(this.raw);
  }

  type(text: string): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      throw new Error(`cannot type ${JSON.stringify(text)}: the process has exited; screen:\n${this.screen}`);
    }
    this.child.stdin!.write(text);
  }

  /** Resolve once `pattern` appears on the screen after offset `from`. */
  async waitFor(pattern: string | RegExp, from = 0, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen.slice(from);
      if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
      if (this.child.exitCode !== null) throw new Error(`process exited waiting for ${pattern}; screen:\n${this.screen}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; screen:\n${this.screen}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Resolve once more raw output than `length` characters has arrived. */
  async waitForRaw(length: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.raw.length <= length) {
      if (this.child.exitCode !== null) throw new Error(`process exited; screen:\n${this.screen}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for output; screen:\n${this.screen}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Count of occurrences of `text` on the screen (e.g. prompts shown). */
  count(text: string): number {
    return this.screen.split(text).length - 1;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
