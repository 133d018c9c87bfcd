/** dommemstat (alias memstat): domain memory statistics (virDomainMemoryStats). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import type { MemoryStats } from '../core/api';
import { VirError } from '../core/errors';

/** the order virsh prints the tags in */
const ORDER: Array<keyof MemoryStats> = ['actual', 'swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused',
  'available', 'actual_balloon', 'usable', 'last_update', 'disk_caches', 'hugetlb_pgalloc', 'hugetlb_pgfail', 'rss'];

export default class Dommemstat extends BaseCommand {
  static override summary = 'get memory statistics for a domain';
  static override aliases = ['memstat'];
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    // a string: virsh checks the number itself, with its own messages
    period: Flags.string({ description: 'period in seconds to set collection', helpValue: '<number>' }),
    config: Flags.boolean({ description: 'affect next boot' }),
    live: Flags.boolean({ description: 'affect running domain' }),
    current: Flags.boolean({ description: 'affect current domain' }),
  };

  async run(): Promise<MemoryStats> {
    const dom = await this.domainArg();
    const periodText = this.parsedFlags.period as string | undefined;
    if (periodText !== undefined) {
      const period = Number(periodText);
      if (!/^-?\d+$/.test(periodText) || period > 2147483647 || period < -2147483648) {
        throw new VirError('VIR_ERR_INVALID_ARG', `Numeric value '${periodText}' for <period> option is malformed or out of range`);
      }
      if (period < 0) throw new VirError('VIR_ERR_INVALID_ARG', `Invalid collection period value '${periodText}'`);
      const f = this.parsedFlags;
      // --current: the live definition when running, else the persistent one
      const flags = f.live || f.config ? { live: !!f.live, config: !!f.config } : (await dom.isActive() ? { live: true } : { config: true });
      await this.attempt('Unable to change balloon collection period.', async () => {
        if (!dom.setMemoryStatsPeriod) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainSetMemoryStatsPeriod');
        await dom.setMemoryStatsPeriod(period, flags);
      });
      return {};
    }
    const stats = await this.attempt(`Failed to get memory statistics for domain ${dom.getName()}`, () => dom.memoryStats());
    this.out(ORDER.filter((k) => stats[k] !== undefined).map((k) => `${k} ${stats[k]}\n`).join(''));
    return stats;
  }
}
