/** domiflist: list the domain's virtual interfaces (from its XML, as virsh does). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { table } from '../cli/output';

export default class Domiflist extends BaseCommand {
  static override summary = 'list all domain virtual interfaces';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    inactive: Flags.boolean({ description: 'get inactive rather than running configuration' }),
  };

  async run(): Promise<{ interfaces: unknown[] }> {
    const dom = await this.domainArg();
    const nets = dom.getInterfaces ? await dom.getInterfaces({ inactive: !!this.parsedFlags.inactive }) : [];
    this.out(table(['Interface', 'Type', 'Source', 'Model', 'MAC'], nets.map((n) => [n.name, n.type, n.source, n.model, n.mac]),
      { header: !this.quiet }));
    return { interfaces: nets };
  }
}
