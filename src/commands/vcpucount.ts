/** vcpucount: domain vCPU counts (virDomainGetVcpusFlags). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import type { VcpuCountFlags } from '../core/api';

export default class Vcpucount extends BaseCommand {
  static override summary = 'domain vcpu counts';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    maximum: Flags.boolean({ description: 'get maximum count of vcpus' }),
    active: Flags.boolean({ description: 'get number of currently active vcpus' }),
    live: Flags.boolean({ description: 'get value from running domain' }),
    config: Flags.boolean({ description: 'get value to be used on next boot' }),
    current: Flags.boolean({ description: 'get value according to current domain state' }),
    guest: Flags.boolean({ description: 'retrieve vcpu count from the guest instead of the hypervisor' }),
  };

  async run(): Promise<Record<string, number>> {
    this.exclusive('active', 'maximum');
    this.exclusive('live', 'config');
    const dom = await this.domainArg();
    const f = this.parsedFlags as VcpuCountFlags;
    if (f.maximum || f.active || f.live || f.config || f.current || f.guest) {
      const flags: VcpuCountFlags = { maximum: f.maximum, live: f.live, config: f.config, guest: f.guest };
      if (!f.live && !f.config) {
        // --current: the live value when running, else the persistent one
        if (await dom.isActive()) flags.live = true; else flags.config = true;
      }
      const n = f.guest
        ? await this.attempt('Failed to retrieve vCPU count from the guest', () => dom.getVcpusFlags(flags))
        : await dom.getVcpusFlags(flags);
      this.out(`${n}\n`);
      return { count: n };
    }
    const out: Record<string, number> = {};
    let text = '';
    for (const [kind, maximum] of [['maximum', true], ['current', false]] as const) {
      for (const where of ['config', 'live'] as const) {
        try {
          const n = await dom.getVcpusFlags({ maximum, [where]: true });
          out[`${kind}_${where}`] = n;
          text += `${kind.padEnd(12)} ${where.padEnd(12)} ${String(n).padStart(3)}\n`;
        } catch { /* virsh leaves out what the domain's state cannot answer */ }
      }
    }
    this.out(text);
    return out;
  }
}
