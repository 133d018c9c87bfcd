/** vcpuinfo: detailed domain vCPU information (virDomainGetVcpus / GetVcpuPinInfo). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { cpuRanges, keyValue } from '../cli/output';

const VCPU_STATES = ['offline', 'running', 'blocked'];

export default class Vcpuinfo extends BaseCommand {
  static override summary = 'detailed domain vcpu information';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = { ...domainFlag, pretty: Flags.boolean({ description: 'return human readable output' }) };

  async run(): Promise<{ vcpus: unknown[] }> {
    const dom = await this.domainArg();
    const conn = dom.connection;
    const hostMap = conn.getCPUMap ? await conn.getCPUMap() : Array.from({ length: (await conn.getNodeInfo()).cpus }, () => true);
    const affinity = (cpus: boolean[] | undefined): string => (this.parsedFlags.pretty
      ? `${cpuRanges(hostMap.map((_, i) => !!cpus?.[i]))} (out of ${hostMap.length})`
      : hostMap.map((_, i) => (cpus?.[i] ? 'y' : '-')).join(''));
    const blocks: string[] = [];
    const json: unknown[] = [];
    if (await dom.isActive()) {
      for (const v of await dom.getVcpus()) {
        const secs = (Number(v.cpuTime) / 1e9).toFixed(1);
        blocks.push(keyValue([['VCPU:', v.number], ['CPU:', v.cpu], ['State:', VCPU_STATES[v.state] ?? 'no state'],
          ['CPU time:', `${secs}s`], ['CPU Affinity:', affinity(v.affinity)]]));
        json.push({ vcpu: v.number, cpu: v.cpu, state: VCPU_STATES[v.state] ?? 'no state', cpuTimeSeconds: Number(v.cpuTime / 1000000n) / 1000, affinity: affinity(v.affinity) });
      }
    } else {
      // an inactive domain: only the pinning is known (virsh's "CPU time" line really has no colon)
      const pins = dom.getVcpuPinInfo ? await dom.getVcpuPinInfo() : [];
      pins.forEach((p, i) => {
        blocks.push(keyValue([['VCPU:', i], ['CPU:', 'N/A'], ['State:', 'N/A'], ['CPU time', 'N/A'], ['CPU Affinity:', affinity(p)]]));
        json.push({ vcpu: i, cpu: null, state: null, cpuTimeSeconds: null, affinity: affinity(p) });
      });
    }
    this.out(blocks.join('\n'));
    return { vcpus: json };
  }
}
