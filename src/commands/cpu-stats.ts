/** cpu-stats: per-vCPU and total CPU statistics of a domain (virDomainGetCPUStats). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';

/** virsh's `\tname   value seconds` line */
function line(name: string, ns: bigint): string {
  const s = `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  return `\t${name.padEnd(20)}${s.padStart(12)} seconds\n`;
}

export default class CpuStats extends BaseCommand {
  static override summary = 'show domain cpu statistics';
  static libvirt = 'virDomainGetCPUStats';
  static override description = 'Display per-CPU and total statistics about the domain\'s CPUs';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    total: Flags.boolean({ description: 'Show total statistics only' }),
    start: Flags.integer({ description: 'Show statistics from this CPU', helpValue: '<number>' }),
    count: Flags.integer({ description: 'Number of shown CPUs at most', helpValue: '<number>' }),
  };

  async run(): Promise<unknown> {
    const dom = await this.domainArg();
    const f = this.parsedFlags as { total?: boolean; start?: number; count?: number };
    if (!dom.getCPUStats) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainGetCPUStats');
    const st = await this.attempt('Failed to retrieve CPU statistics', () => dom.getCPUStats!());
    const per = st.perVcpu ?? [];
    let text = '';
    const shown: Array<{ cpu: number; cpuTimeNs: string }> = [];
    if (!f.total || f.start !== undefined || f.count !== undefined) {
      const start = f.start ?? 0;
      if (start < 0 || (per.length > 0 && start >= per.length)) {
        throw new VirError('VIR_ERR_INVALID_ARG', `Start CPU ${start} is out of range (min: 0, max: ${per.length - 1})`);
      }
      const end = f.count !== undefined ? Math.min(per.length, start + f.count) : per.length;
      for (let i = start; i < end; i++) {
        text += `CPU${i}:\n${line('cpu_time', per[i])}`;
        shown.push({ cpu: i, cpuTimeNs: per[i].toString() });
      }
    }
    if ((f.total || (f.start === undefined && f.count === undefined)) && st.total) {
      text += `Total:\n${line('cpu_time', st.total.cpuTime)}`;
      if (st.total.userTime !== undefined) text += line('user_time', st.total.userTime);
      if (st.total.systemTime !== undefined) text += line('system_time', st.total.systemTime);
    }
    this.out(text);
    return { perVcpu: shown, total: st.total && Object.fromEntries(Object.entries(st.total).map(([k, v]) => [k, v?.toString()])) };
  }
}
