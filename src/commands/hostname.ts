/** hostname: print the hypervisor hostname (virConnectGetHostname). */
import { BaseCommand } from '../cli/base';

export default class Hostname extends BaseCommand {
  static override summary = 'print the hypervisor hostname';
  static override strict = false; // no positional arguments: see BaseCommand

  async run(): Promise<{ hostname: string }> {
    const hostname = await (await this.conn()).getHostname();
    this.out(`${hostname}\n`);
    return { hostname };
  }
}
