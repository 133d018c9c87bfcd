/** capabilities: capabilities of the hypervisor/driver (virConnectGetCapabilities). */
import { BaseCommand } from '../cli/base';

export default class Capabilities extends BaseCommand {
  static override summary = 'capabilities';
  static override strict = false; // no positional arguments: see BaseCommand

  async run(): Promise<{ xml: string }> {
    const xml = await (await this.conn()).getCapabilities();
    // virsh prints the document and then a newline of its own
    this.out(`${xml}\n`);
    return { xml };
  }
}
