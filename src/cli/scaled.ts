/**
 * virsh's number options, parsed with virsh's rules and words:
 *  - scaled sizes (setmem/setmaxmem <size>): digits then an optional unit
 *    (b/byte/bytes, k/KiB, KB, m/MiB, MB, … e/EiB, EB; default KiB), as
 *    strtoull + virScaleInteger read them, rounded up to whole KiB;
 *  - unsigned counts (setvcpus <count>): 0 … 4294967295.
 * Leading blanks and a '+' are accepted (strtoull does); a '-' anywhere is not.
 */
import { VirError } from '../core/errors';

const ULLONG_MAX = 18446744073709551615n;
const POWERS = 'kmgtpe';

/** strtoull(…, 10) on a number virsh reads as positive: the value and the rest, or undefined. */
function leadingUnsigned(text: string): { value: bigint; rest: string } | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(\d+)/.exec(text);
  if (!m || text.slice(0, m[0].length).includes('-')) return undefined;
  const value = BigInt(m[1]);
  if (value > ULLONG_MAX) return undefined; // ERANGE
  return { value, rest: text.slice(m[0].length) };
}

/** A scaled size option in KiB (bigint: the API layer judges what is too large). */
export function parseScaledKiB(text: string, option: string): bigint {
  const malformed = (detail?: string): VirError =>
    new VirError('VIR_ERR_INVALID_ARG', `Scaled numeric value '${text}' for <${option}> option is malformed or out of range`, detail ? { detail } : {});
  const n = leadingUnsigned(text);
  if (!n || text.includes('-')) throw malformed();
  const suffix = n.rest;
  let scale = 1024n;
  if (suffix !== '') {
    const lower = suffix.toLowerCase();
    if (lower === 'b' || lower === 'byte' || lower === 'bytes') {
      scale = 1n;
    } else {
      let base: bigint;
      if (suffix.length === 1 || lower.slice(1) === 'ib') base = 1024n;
      else if (lower[1] === 'b' && suffix.length === 2) base = 1000n;
      else throw malformed(`invalid argument: unknown suffix '${suffix}'`);
      const power = POWERS.indexOf(lower[0]);
      if (power < 0) throw malformed(`invalid argument: unknown suffix '${suffix}'`);
      scale = base ** BigInt(power + 1);
    }
  }
  if (n.value > ULLONG_MAX / scale) throw malformed(`numerical overflow: value too large: ${n.value}${suffix}`);
  const bytes = n.value * scale;
  return (bytes + 1023n) / 1024n;
}

/** An unsigned int option (virsh's vshCommandOptUInt). */
export function parseUInt(text: string, option: string): number {
  const n = leadingUnsigned(text);
  if (!n || n.rest !== '' || n.value > 4294967295n) {
    throw new VirError('VIR_ERR_INVALID_ARG', `Numeric value '${text}' for <${option}> option is malformed or out of range`);
  }
  return Number(n.value);
}
