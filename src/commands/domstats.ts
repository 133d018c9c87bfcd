/** domstats: statistics records of some or all domains (virConnectGetAllDomainStats / virDomainListGetStats). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { STATS_GROUP_BITS, typedValueText, type DomainStatsFlags, type StatsGroup } from '../core/domain-stats';
import { VirError } from '../core/errors';

const GROUP_HELP: Record<StatsGroup, string> = {
  state: 'report domain state', 'cpu-total': 'report domain physical cpu usage', balloon: 'report domain balloon statistics',
  vcpu: 'report domain virtual cpu information', interface: 'report domain network interface information',
  block: 'report domain block device statistics', perf: 'report domain perf event statistics',
  iothread: 'report domain IOThread information', memory: 'report domain memory usage',
  dirtyrate: 'report domain dirty rate information', vm: 'report hypervisor-specific statistics',
};
const LISTS = ['active', 'inactive', 'persistent', 'transient', 'running', 'paused', 'shutoff', 'other'] as const;

export default class Domstats extends BaseCommand {
  static override summary = 'get statistics about one or multiple domains';
  static override description = 'Gets statistics about one or more (or all) domains';
  static libvirt = ['virConnectGetAllDomainStats', 'virDomainListGetStats'];
  static override strict = false; // its words are domains: see BaseCommand.argvOption
  static override argvOption = 'domain';
  static override flags = {
    ...Object.fromEntries((Object.keys(GROUP_HELP) as StatsGroup[]).map((g) => [g, Flags.boolean({ description: GROUP_HELP[g] })])),
    ...Object.fromEntries(LISTS.map((l) => [`list-${l}`, Flags.boolean({ description: l === 'other' ? 'list only domains in other states' : `list only ${l} domains` })])),
    raw: Flags.boolean({ description: 'do not pretty-print the fields' }),
    enforce: Flags.boolean({ description: 'enforce requested stats parameters' }),
    backing: Flags.boolean({ description: 'add backing chain information to block stats' }),
    nowait: Flags.boolean({ description: 'report only stats that are accessible instantly' }),
    domain: Flags.string({ description: 'list of domains to get stats for', multiple: true, helpValue: '<domain>' }),
  };

  async run(): Promise<Array<{ domain: string; stats: Record<string, string | number | boolean> }>> {
    const f = this.parsedFlags as Record<string, boolean | undefined>;
    const groups = (Object.keys(STATS_GROUP_BITS) as StatsGroup[]).filter((g) => f[g]);
    const flags: DomainStatsFlags = { enforce: !!f.enforce };
    for (const l of LISTS) if (f[`list-${l}`]) flags[l] = true;
    const conn = await this.conn();
    const names = this.argvValues();
    // virsh looks every domain up before it asks for any statistics
    const doms = [];
    for (const n of names) doms.push(await this.lookup(conn, n));
    const records = names.length > 0
      ? await (conn.domainListGetStats?.(doms, groups, flags) ?? unsupported('virDomainListGetStats'))
      : await (conn.getAllDomainStats?.(groups, flags) ?? unsupported('virConnectGetAllDomainStats'));
    // (--raw changes nothing: virsh 9 has no pretty-printing yet; --backing and --nowait have nothing to change here)
    this.out(records.map((r) => `Domain: '${r.domain.getName()}'\n${r.params.map(([k, v]) => `  ${k}=${typedValueText(v)}\n`).join('')}`).join('\n'));
    return records.map((r) => ({
      domain: r.domain.getName(),
      // 64-bit counters as numbers while exact (2^53 ns is 104 days of CPU time), as strings beyond
      stats: Object.fromEntries(r.params.map(([k, v]) => [k, typeof v.value !== 'bigint' ? v.value
        : v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value.toString()])),
    }));
  }
}

function unsupported(call: string): never {
  throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${call}`);
}
