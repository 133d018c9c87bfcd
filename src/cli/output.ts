/**
 * virsh's text layouts, shared by the commands.
 *
 * - keyValue(): dominfo/nodeinfo/vcpuinfo style "%-Ns %s" lines.
 * - table(): virsh's vshTable (list, domblklist, domiflist):
 *
 *      " Id   Name   State"
 *      "----------------------"      ← width = Σ(column width + 3)
 *      " 1    test   running"
 *
 *   Every cell but the last is padded to its column's width, columns are
 *   joined by three spaces after a leading one, and the rule under the
 *   header is as long as the padded line *including* the last column plus
 *   two. cli-table3 cannot produce this (its rule spans exactly the table's
 *   width and it pads the last column), so this small formatter stands in
 *   for it: byte-identical output is the point (awk scripts written for
 *   virsh must keep working).
 */

/** "%-{width}s %s" per row, as virsh prints dominfo (width 15) and nodeinfo (width 20). */
export function keyValue(rows: Array<[string, string | number]>, width = 15): string {
  let text = '';
  for (const row of rows) text += `${row[0].padEnd(width)} ${row[1]}\n`;
  return text;
}

/** Display width of a cell (virsh counts characters on screen, not bytes). */
function cellWidth(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - cellWidth(s)));
}

/** virsh's table; `header: false` (virsh -q) leaves out the heading and the rule. */
export function table(headers: string[], rows: string[][], opts: { header?: boolean } = {}): string {
  // without the heading (-q) virsh sizes the columns by the rows alone
  const withHeader = opts.header !== false;
  const widths = headers.map((h, i) => Math.max(withHeader ? cellWidth(h) : 0, ...rows.map((r) => cellWidth(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    ' ' + cells.map((c, i) => (i < cells.length - 1 ? pad(c, widths[i]) : c)).join('   ') + '\n';
  let out = '';
  if (opts.header !== false) {
    out += line(headers);
    out += '-'.repeat(widths.reduce((a, w) => a + w + 3, 0)) + '\n';
  }
  for (const r of rows) out += line(r);
  return out;
}

/** yes/no as virsh prints booleans in dominfo. */
export function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

/** libvirt's version number (major*1e6+minor*1e3+micro) as "major.minor.micro". */
export function versionString(v: number): string {
  return `${Math.floor(v / 1000000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`;
}

/** virDomainState as virsh words it. */
export const STATE_NAMES = ['no state', 'running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended'];

export function stateName(state: number): string {
  return STATE_NAMES[state] ?? 'no state';
}

/** JSON-friendly copy: bigints become numbers when exact, else strings. */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint'
    ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v)));
}

/** A CPU set as libvirt formats bitmaps: "0-3,6,8-9". */
export function cpuRanges(bits: boolean[]): string {
  const parts: string[] = [];
  for (let i = 0; i < bits.length; i++) {
    if (!bits[i]) continue;
    let j = i;
    while (j + 1 < bits.length && bits[j + 1]) j++;
    parts.push(j > i ? `${i}-${j}` : `${i}`);
    i = j;
  }
  return parts.join(',');
}

/** virsh's vshPrettyCapacity + "%.3lf %s": bytes in the largest binary unit below the value. */
export function prettyCapacity(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let limit = 1024n;
  for (let i = 0; i < units.length - 1; i++, limit *= 1024n) {
    if (bytes < limit) return `${(Number(bytes) / Number(limit / 1024n)).toFixed(3)} ${units[i]}`;
  }
  return `${(Number(bytes) / Number(limit / 1024n)).toFixed(3)} EiB`;
}
