/**
 * Domain statistics records (virConnectGetAllDomainStats / virDomainListGetStats):
 * for each domain a list of typed fields named as libvirt names them
 * (`state.state`, `cpu.time`, `balloon.current`, `vcpu.0.time`, `net.0.name`,
 * `block.0.capacity` …). The groups are gathered here from the Domain API every
 * driver has (block sizes: getBlockInfo); a driver says which groups it can honestly fill:
 *   test:///  state only (as libvirt 9's test driver);
 *   bhyve     state, cpu-total, balloon, vcpu, interface, block — per-device I/O
 *             counters are absent: bhyve(8) exposes none for disks, and tap
 *             counters are not read yet.
 * A group the driver lacks is left out, or with `enforce` refused with
 * libvirt's message naming the bits.
 */
import { DomainState, type Connection, type Domain, type ListAllDomainsFlags, type MemoryStats } from './api';
import { VirError } from './errors';

/** virDomainStatsTypes bits, by virsh's option names */
export const STATS_GROUP_BITS = {
  state: 0x1, 'cpu-total': 0x2, balloon: 0x4, vcpu: 0x8, interface: 0x10, block: 0x20,
  perf: 0x40, iothread: 0x80, memory: 0x100, dirtyrate: 0x200, vm: 0x400,
} as const;
export type StatsGroup = keyof typeof STATS_GROUP_BITS;

/** A virTypedParameter value: its C type decides how virsh prints it. */
export type TypedValue =
  | { type: 'int' | 'uint' | 'double'; value: number }
  | { type: 'llong' | 'ullong'; value: bigint }
  | { type: 'boolean'; value: boolean }
  | { type: 'string'; value: string };

export interface DomainStatsRecord {
  domain: Domain;
  params: Array<[string, TypedValue]>;
}

export interface DomainStatsFlags extends Pick<ListAllDomainsFlags, 'active' | 'inactive' | 'persistent' | 'transient' | 'running' | 'paused' | 'shutoff' | 'other'> {
  /** refuse groups the driver cannot report (VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) */
  enforce?: boolean;
}

/** virsh's way of printing a typed parameter value (vshGetTypedParamValue). */
export function typedValueText(v: TypedValue): string {
  switch (v.type) {
    case 'boolean': return v.value ? 'yes' : 'no';
    case 'double': return v.value.toFixed(6);
    default: return String(v.value);
  }
}

/** Reason words per state, in libvirt's enum order (the number is the index). */
const REASONS: Partial<Record<DomainState, readonly string[]>> = {
  [DomainState.Running]: ['unknown', 'booted', 'migrated', 'restored', 'from snapshot', 'unpaused', 'migration canceled',
    'save canceled', 'event wakeup', 'crashed', 'post-copy', 'post-copy failed'],
  [DomainState.Paused]: ['unknown', 'user', 'migrating', 'saving', 'dumping', 'I/O error', 'watchdog', 'from snapshot',
    'shutting down', 'creating snapshot', 'crashed', 'starting up', 'post-copy', 'post-copy failed', 'api error'],
  [DomainState.Shutdown]: ['unknown', 'user'],
  [DomainState.Shutoff]: ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from snapshot', 'daemon'],
  [DomainState.Crashed]: ['unknown', 'panicked'],
};

export function reasonCode(state: DomainState, reason: string): number {
  return Math.max(0, REASONS[state]?.indexOf(reason) ?? 0);
}

/** balloon.* names of the memory statistics libvirt puts in the balloon group ('actual' is balloon.current) */
const BALLOON_FIELDS: Array<[keyof MemoryStats, string]> = [
  ['swap_in', 'swap_in'], ['swap_out', 'swap_out'], ['major_fault', 'major_fault'], ['minor_fault', 'minor_fault'],
  ['unused', 'unused'], ['available', 'available'], ['rss', 'rss'], ['last_update', 'last-update'],
  ['usable', 'usable'], ['disk_caches', 'disk_caches'], ['hugetlb_pgalloc', 'hugetlb_pgalloc'], ['hugetlb_pgfail', 'hugetlb_pgfail'],
];

type Params = Array<[string, TypedValue]>;
const u = (value: number): TypedValue => ({ type: 'uint', value });
const i = (value: number): TypedValue => ({ type: 'int', value });
const ull = (value: number | bigint): TypedValue => ({ type: 'ullong', value: BigInt(value) });
const str = (value: string): TypedValue => ({ type: 'string', value });

/** One collector per group; each adds the fields it can for one domain. */
const COLLECTORS: Partial<Record<StatsGroup, (dom: Domain, active: boolean, out: Params) => Promise<void>>> = {
  async state(dom, _active, out) {
    const st = await dom.getState();
    out.push(['state.state', i(st.state)], ['state.reason', i(reasonCode(st.state, st.reason))]);
  },
  async 'cpu-total'(dom, active, out) {
    if (!active || !dom.getCPUStats) return;
    const t = (await dom.getCPUStats()).total;
    if (!t) return;
    out.push(['cpu.time', ull(t.cpuTime)]);
    if (t.userTime !== undefined) out.push(['cpu.user', ull(t.userTime)]);
    if (t.systemTime !== undefined) out.push(['cpu.system', ull(t.systemTime)]);
  },
  async balloon(dom, active, out) {
    const info = await dom.getInfo();
    out.push(['balloon.current', ull(info.memory)], ['balloon.maximum', ull(info.maxMem)]);
    if (!active) return;
    const ms = await dom.memoryStats();
    for (const [key, field] of BALLOON_FIELDS) if (ms[key] !== undefined) out.push([`balloon.${field}`, ull(ms[key]!)]);
  },
  async vcpu(dom, active, out) {
    out.push(['vcpu.current', u(await dom.getVcpusFlags({}))], ['vcpu.maximum', u(await dom.getVcpusFlags({ maximum: true }))]);
    if (!active) return;
    for (const v of await dom.getVcpus()) {
      out.push([`vcpu.${v.number}.state`, i(v.state)], [`vcpu.${v.number}.time`, ull(v.cpuTime)]);
    }
  },
  async interface(dom, active, out) {
    // as libvirt: the host-side devices of a running guest (taps); nothing when it is off
    const nics = active && dom.getInterfaces ? (await dom.getInterfaces()).filter((n) => n.name !== '-') : [];
    out.push(['net.count', u(nics.length)]);
    nics.forEach((n, k) => out.push([`net.${k}.name`, str(n.name)]));
  },
  async block(dom, _active, out) {
    const disks = dom.getBlockDevices ? await dom.getBlockDevices() : [];
    out.push(['block.count', u(disks.length)]);
    for (const [k, d] of disks.entries()) {
      out.push([`block.${k}.name`, str(d.target)]);
      if (d.source === '-') continue;
      out.push([`block.${k}.path`, str(d.source)]);
      const info = await dom.getBlockInfo?.(d.target).catch(() => undefined); // gone or unreadable: sizes left out, as libvirt does
      if (info) out.push([`block.${k}.allocation`, ull(info.allocation)], [`block.${k}.capacity`, ull(info.capacity)], [`block.${k}.physical`, ull(info.physical)]);
    }
  },
};

/**
 * The records for `domains` (virDomainListGetStats) or for every domain the
 * filters keep (virConnectGetAllDomainStats). No groups asked = every group the
 * driver supports. The filters apply to an explicit list as well, as libvirt's
 * test driver does.
 */
export async function collectDomainStats(
  conn: Connection, domains: Domain[] | undefined, groups: StatsGroup[], flags: DomainStatsFlags, supported: readonly StatsGroup[],
): Promise<DomainStatsRecord[]> {
  const unsupported = groups.filter((g) => !supported.includes(g));
  if (flags.enforce && unsupported.length > 0) {
    const bits = unsupported.reduce((b, g) => b | STATS_GROUP_BITS[g], 0);
    throw new VirError('VIR_ERR_ARGUMENT_UNSUPPORTED', `argument unsupported: Stats types bits 0x${bits.toString(16)} are not supported by this daemon`);
  }
  const wanted = groups.length === 0 ? [...supported] : groups.filter((g) => supported.includes(g));
  const { enforce: _enforce, ...filter } = flags;
  const filtering = Object.values(filter).some(Boolean);
  let doms = domains ?? await conn.listAllDomains(filter);
  if (domains && filtering) {
    const kept = new Set(await Promise.all((await conn.listAllDomains(filter)).map((d) => d.getUUIDString())));
    const keep = await Promise.all(domains.map(async (d) => kept.has(await d.getUUIDString())));
    doms = domains.filter((_, k) => keep[k]);
  }
  const records: DomainStatsRecord[] = [];
  for (const dom of doms) {
    const params: Params = [];
    const active = await dom.isActive();
    // canonical group order, whatever order they were asked in
    for (const g of Object.keys(STATS_GROUP_BITS) as StatsGroup[]) {
      if (wanted.includes(g)) await COLLECTORS[g]?.(dom, active, params);
    }
    records.push({ domain: dom, params });
  }
  return records;
}
