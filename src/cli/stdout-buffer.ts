/**
 * Buffered standard output for scripts (commands read from stdin with stdout
 * not a terminal): a 1000-line script would otherwise make a write(2) for
 * every piece of every command's output. Like C stdio's full buffering (what
 * virsh gets), but anything written to stderr first flushes stdout, so
 * output and errors keep their order when both go to the same file.
 */
import { writeAllSync } from './write-sync';

type Write = typeof process.stdout.write;

// Flushed at 8 KiB: output held longer only survives (and is copied by) young-generation GCs.
const LIMIT = 8 * 1024;

/** Start buffering; returns a function that flushes and stops buffering. */
export function bufferStdout(): () => void {
  const out = process.stdout;
  const err = process.stderr;
  const outWrite = out.write;
  const errWrite = err.write;
  let chunks: Array<string | Uint8Array> = [];
  let size = 0;

  const flush = (): void => {
    if (chunks.length === 0) return;
    // commands write strings: one join and one encoding beats a Buffer per piece
    const data = chunks.every((c) => typeof c === 'string') ? Buffer.from(chunks.join(''))
      : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    chunks = [];
    size = 0;
    writeAll(data);
  };
  const writeAll = (data: Buffer): void => {
    try {
      writeAllSync(1, data);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0); // reader went away (| head)
      throw e;
    }
  };

  out.write = function bufferedWrite(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= LIMIT) flush();
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (cb) process.nextTick(cb);
    return true;
  } as Write;
  err.write = function flushingWrite(this: unknown, ...args: Parameters<Write>): boolean {
    flush();
    return (errWrite as (...a: unknown[]) => boolean).apply(err, args);
  } as Write;
  const onExit = (): void => flush();
  process.on('exit', onExit);

  return () => {
    flush();
    out.write = outWrite;
    err.write = errWrite;
    process.off('exit', onExit);
  };
}
