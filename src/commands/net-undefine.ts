/** net-undefine: undefine a persistent network (virNetworkUndefine). */
import { NetworkActionCommand, networkArgs, networkFlag } from '../cli/network-action';
import type { Network } from '../core/api';

export default class NetUndefine extends NetworkActionCommand {
  static override summary = 'undefine a persistent network';
  static override description = 'Undefine the configuration for a persistent network.';
  static libvirt = 'virNetworkUndefine';
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;
  protected readonly verb = 'undefine';
  protected readonly done = 'has been undefined';
  protected act(net: Network): Promise<void> { return net.undefine(); }
}
