/** net-name: convert a network UUID to its name (virNetworkGetName). */
import { NetworkCommand, networkArgs, networkFlag } from '../cli/network-action';

export default class NetName extends NetworkCommand {
  static override summary = 'convert a network UUID to network name';
  static override description = ''; // virsh's help has no DESCRIPTION for it
  static libvirt = 'virNetworkGetName';
  static override args = { network: { ...networkArgs.network, description: 'network uuid' } };
  static override flags = { network: { ...networkFlag.network, description: 'network uuid' } };

  async run(): Promise<{ name: string }> {
    const net = await this.networkArg({ uuid: true });
    this.out(`${net.getName()}\n`);
    return { name: net.getName() };
  }
}
