/**
 * Attach the terminal to a guest console stream as virsh does: raw terminal,
 * guest output to stdout, keystrokes to the guest, ^] (0x1d) to leave. Without
 * a TTY, stdin is forwarded as is and its end ends the session.
 */
import type { Duplex } from 'node:stream';
import type { ConsoleOptions, Domain } from '../core/api';
import { VirError } from '../core/errors';

const ESCAPE = 0x1d; // ^]

/**
 * virsh's console session: "Connected to domain" (not under -q), then the
 * driver's virDomainOpenConsole — so its errors come after that line, as in
 * virsh — then the byte stream until ^] or the stream's end.
 */
export async function attachConsole(dom: Domain, opts: ConsoleOptions & { quiet?: boolean } = {}): Promise<void> {
  const name = dom.getName();
  if (!opts.quiet) process.stdout.write(`Connected to domain '${name}'\nEscape character is ^] (Ctrl + ])\n`);
  if (!dom.openConsole) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainOpenConsole');
  const session = await dom.openConsole({ devname: opts.devname, force: opts.force, safe: opts.safe });
  await pipeSession(session);
}

function pipeSession(session: { stream: Duplex; close(): void }): Promise<void> {
  const { stream } = session;
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      stdin.off('data', onInput);
      stdin.off('end', finish);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      session.close();
      process.off('SIGTERM', finish); // a --force takeover by another bvirsh
      resolve();
    };
    const onInput = (d: Buffer) => {
      const i = d.indexOf(ESCAPE);
      if (i < 0) { stream.write(d); return; }
      if (i > 0) stream.write(d.subarray(0, i));
      finish();
    };
    stream.on('data', (d: Buffer) => process.stdout.write(d));
    stream.once('close', finish);
    stream.once('end', finish);
    stream.on('error', finish);
    stdin.on('data', onInput);
    stdin.once('end', finish);
    process.once('SIGTERM', finish);
    stdin.resume();
  });
}

/** virsh's checks before a console session: a running domain, a terminal. */
export async function checkConsoleUsable(dom: Domain): Promise<void> {
  if (!(await dom.isActive())) throw new VirError('VIR_ERR_OPERATION_INVALID', 'The domain is not running');
  if (!process.stdin.isTTY) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Cannot run interactive console without a controlling TTY');
}

/** start --console / create --console: attach to the guest just started (virsh's errors when it cannot). */
export async function attachAfterStart(dom: Domain, opts: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  await checkConsoleUsable(dom);
  await attachConsole(dom, opts);
}
