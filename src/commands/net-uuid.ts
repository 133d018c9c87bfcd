/** net-uuid: convert a network name to its UUID (virNetworkGetUUIDString). */
import { NetworkCommand, networkArgs, networkFlag } from '../cli/network-action';

export default class NetUuid extends NetworkCommand {
  static override summary = 'convert a network name to network UUID';
  static override description = ''; // virsh's help has no DESCRIPTION for it
  static libvirt = 'virNetworkGetUUIDString';
  static override args = { network: { ...networkArgs.network, description: 'network name' } };
  static override flags = { network: { ...networkFlag.network, description: 'network name' } };

  async run(): Promise<{ uuid: string }> {
    const net = await this.networkArg({ name: true });
    const uuid = await net.getUUIDString();
    this.out(`${uuid}\n`);
    return { uuid };
  }
}
