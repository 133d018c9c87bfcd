/**
 * writeAllSync(fd, buf): write every byte of buf to fd synchronously, retrying when a
 * non-blocking pipe is full (EAGAIN). Any other error is thrown for the caller to handle
 * (the buffered script output exits quietly on EPIPE; the direct stdout reports to its
 * 'error' listeners). Shared by stdout-buffer.ts and direct-stdio.ts.
 */
import { writeSync } from 'node:fs';

export function writeAllSync(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}
