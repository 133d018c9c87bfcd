/** dommemstat (alias memstat): domain memory statistics (virDomainMemoryStats). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import type { MemoryStats } from '../core/api';

/** the order virsh prints the tags in */
const ORDER: Array<keyof MemoryStats> = ['actual', 'swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused',
  'available', 'actual_balloon', 'usable', 'last_update', 'disk_caches', 'hugetlb_pgalloc', 'hugetlb_pgfail', 'rss'];

export default class Dommemstat extends BaseCommand {
  static override summary = 'get memory statistics for a domain';
  static override aliases = ['memstat'];
  static override args = domainArgs;
  static override flags = {
    ...domainFlag,
    period: Flags.integer({ description: 'period in seconds to set collection' }),
    config: Flags.boolean({ description: 'affect next boot' }),
    live: Flags.boolean({ description: 'affect running domain' }),
    current: Flags.boolean({ description: 'affect current domain' }),
  };

  async run(): Promise<MemoryStats> {
    const dom = await this.domainArg();
    const stats = await this.attempt(`Failed to get memory statistics for domain ${dom.getName()}`, () => dom.memoryStats());
    this.out(ORDER.filter((k) => stats[k] !== undefined).map((k) => `${k} ${stats[k]}\n`).join(''));
    return stats;
  }
}
