/** net-start: start a (previously defined) inactive network (virNetworkCreate). */
import { NetworkActionCommand, networkArgs, networkFlag } from '../cli/network-action';
import type { Network } from '../core/api';

export default class NetStart extends NetworkActionCommand {
  static override summary = 'start a (previously defined) inactive network';
  static override description = 'Start a network.';
  static libvirt = 'virNetworkCreate';
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;
  protected readonly verb = 'start';
  protected readonly done = 'started';
  protected act(net: Network): Promise<void> { return net.create(); }
}
