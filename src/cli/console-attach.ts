/**
 * Attach the terminal to a guest console stream as virsh does: raw terminal,
 * guest output to stdout, keystrokes to the guest, ^] (0x1d) to leave. Without
 * a TTY, stdin is forwarded as is and its end ends the session.
 */
import type { Duplex } from 'node:stream';
import type { Domain } from '../core/api';
import { VirError } from '../core/errors';

const ESCAPE = 0x1d; // ^]

export function attachConsole(name: string, session: { stream: Duplex; close(): void }): Promise<void> {
  const { stream } = session;
  process.stdout.write(`Connected to domain '${name}'\nEscape character is ^] (Ctrl + ])\n`);
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

/** start --console / create --console: attach to the guest just started (virsh's errors when it cannot). */
export async function attachAfterStart(dom: Domain, opts: { force?: boolean } = {}): Promise<void> {
  if (!dom.openConsole) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainOpenConsole');
  if (!process.stdin.isTTY) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Cannot run interactive console without a controlling TTY');
  await attachConsole(dom.getName(), await dom.openConsole({ force: !!opts.force }));
}
