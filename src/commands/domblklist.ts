/** domblklist: list the domain's block devices (from its XML, as virsh does). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { table } from '../cli/output';

export default class Domblklist extends BaseCommand {
  static override summary = 'list all domain blocks';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    inactive: Flags.boolean({ description: 'get inactive rather than running configuration' }),
    details: Flags.boolean({ description: 'additionally display the type and device value' }),
  };

  async run(): Promise<{ disks: unknown[] }> {
    const dom = await this.domainArg();
    const disks = dom.getBlockDevices ? await dom.getBlockDevices({ inactive: !!this.parsedFlags.inactive }) : [];
    const header = !this.quiet;
    if (this.parsedFlags.details) {
      this.out(table(['Type', 'Device', 'Target', 'Source'], disks.map((d) => [d.type, d.device, d.target, d.source]), { header }));
    } else {
      this.out(table(['Target', 'Source'], disks.map((d) => [d.target, d.source]), { header }));
    }
    return { disks };
  }
}
