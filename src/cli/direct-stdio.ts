/**
 * Direct standard output and error when they are pipes, sockets or files
 * (start-up speed).
 *
 * process.stdout or process.stderr on a pipe or a socket is a net.Socket:
 * creating it loads node's net and stream modules (4-5 ms here), a large share
 * of a short command's start-up, paid again for stderr by every command that
 * prints an error. (A shell's `|` is a pipe; node's child_process, and other
 * libuv programs, give a child socket pairs.) bvirsh writes them
 * synchronously (as node does for pipes and files on Linux), so until
 * something needs more of the stream than write(), process.stdout /
 * process.stderr is a small stand-in whose write() is fs.writeSync(fd, ...);
 * a non-blocking descriptor is retried on EAGAIN (write-sync.ts). Anything
 * else asked of it (or set on it) creates the real stream: it is the real one
 * from then on, with the listeners and the write() replacement the stand-in
 * had. Terminals keep node's own stream.
 */
import { fstatSync, type Stats } from 'node:fs';
import { writeAllSync } from './write-sync';

type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Put the stand-in for fd 1 (process.stdout) or 2 (process.stderr) in place;
 *  false when that fd is not a pipe, a socket or a file (nothing changed). */
export function installDirectStdio(fd: 1 | 2): boolean {
  const name = fd === 1 ? 'stdout' : 'stderr';
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isFIFO() && !st.isSocket() && !st.isFile()) return false;
  const desc = Object.getOwnPropertyDescriptor(process, name);
  if (!desc || !desc.get || !desc.configurable) return false;

  const listeners: Array<[string, Listener, boolean]> = [];
  let real: NodeJS.WriteStream | undefined;

  const writeAll = (data: string | Uint8Array, encoding?: BufferEncoding): void => {
    try {
      writeAllSync(fd, typeof data === 'string' ? Buffer.from(data, encoding) : data);
    } catch (e) {
      const onError = listeners.filter(([ev]) => ev === 'error');
      if (onError.length === 0) throw e;
      for (const [, fn] of onError) fn(e);
    }
  };

  const stub: Record<string | symbol, unknown> = {
    fd,
    isTTY: false,
    writable: true,
    write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void), cb?: () => void): boolean {
      const callback = typeof encoding === 'function' ? encoding : cb;
      writeAll(chunk, typeof encoding === 'string' ? encoding : undefined);
      if (callback) process.nextTick(callback);
      return true;
    },
  };
  const directWrite = stub.write;
  const addListener = (once: boolean) => function (this: unknown, ev: string, fn: Listener): unknown {
    if (real) return once ? real.once(ev, fn) : real.on(ev, fn);
    listeners.push([ev, fn, once]);
    return proxy;
  };
  stub.on = addListener(false);
  stub.addListener = stub.on;
  stub.once = addListener(true);

  /** The real stream, made once: it takes over the stand-in's listeners and write(). */
  const materialize = (): NodeJS.WriteStream => {
    if (real) return real;
    Object.defineProperty(process, name, desc);
    real = process[name];
    for (const [ev, fn, once] of listeners) {
      if (once) real.once(ev, fn);
      else real.on(ev, fn);
    }
    if (stub.write !== directWrite) real.write = stub.write as typeof real.write;
    return real;
  };

  const proxy = new Proxy(stub, {
    get(target, prop) {
      if (real) {
        const v = Reflect.get(real, prop) as unknown;
        return typeof v === 'function' ? v.bind(real) : v;
      }
      if (prop in target) return target[prop];
      const r = materialize();
      const v = Reflect.get(r, prop) as unknown;
      return typeof v === 'function' ? v.bind(r) : v;
    },
    set(target, prop, value) {
      if (!real && prop === 'write') {
        target.write = value;
        return true;
      }
      return Reflect.set(materialize(), prop, value);
    },
    has(target, prop) {
      return real ? prop in real : prop in target || prop in materialize();
    },
  });
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => real ?? proxy });
  return true;
}
