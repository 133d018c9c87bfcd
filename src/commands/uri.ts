/** uri: print the hypervisor canonical URI (virConnectGetURI). */
import { BaseCommand } from '../cli/base';

export default class Uri extends BaseCommand {
  static override summary = 'print the hypervisor canonical URI';
  static override strict = false; // no positional arguments: see BaseCommand

  async run(): Promise<{ uri: string }> {
    const uri = (await this.conn()).getURI();
    this.out(`${uri}\n`);
    return { uri };
  }
}
