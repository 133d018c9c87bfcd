/**
 * virsh's --pass-fds N,M,... (start, create): the list of file descriptors to
 * hand to the guest, read as virsh reads it (each item a base-10 int with
 * optional leading blanks and sign, nothing after it); a bad item is virsh's
 * `Unable to parse FD number 'x'`. An empty option means no descriptors.
 */
import { VirError } from './errors';

export function parsePassFds(text: string | undefined): number[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((item) => {
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(item);
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isSafeInteger(n) || n < -2147483648 || n > 2147483647) {
      throw new VirError('VIR_ERR_INVALID_ARG', `Unable to parse FD number '${item}'`);
    }
    return n;
  });
}
