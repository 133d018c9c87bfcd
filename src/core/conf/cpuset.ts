/**
 * libvirt's cpuset syntax ("0-3,^2,6"), as <vcpupin cpuset> and <numa><cell
 * cpus> write it: ranges and single CPUs, a ^ excluding one or a range.
 * The text is validated where the XML is parsed (xml-parse.ts); these read it.
 */

/** The CPU numbers a cpuset names, ascending. */
export function expandCpuset(set: string): number[] {
  const on = new Set<number>();
  const off: number[] = [];
  for (const part of set.split(',')) {
    const neg = part.startsWith('^');
    const p = neg ? part.slice(1) : part;
    const [a, b] = p.split('-').map(Number);
    const list: number[] = [];
    for (let i = a; i <= (b ?? a); i++) list.push(i);
    if (neg) off.push(...list); else list.forEach((i) => on.add(i));
  }
  for (const i of off) on.delete(i);
  return [...on].sort((x, y) => x - y);
}

/** The cpuset as a map of `hostCpus` host CPUs (true: may run there); CPUs beyond the host are left out. */
export function cpusetMap(set: string, hostCpus: number): boolean[] {
  const map = Array.from({ length: hostCpus }, () => false);
  for (const c of expandCpuset(set)) if (c < hostCpus) map[c] = true;
  return map;
}
