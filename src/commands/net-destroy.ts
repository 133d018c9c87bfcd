/** net-destroy: destroy (stop) a network (virNetworkDestroy). */
import { NetworkActionCommand, networkArgs, networkFlag } from '../cli/network-action';
import type { Network } from '../core/api';

export default class NetDestroy extends NetworkActionCommand {
  static override summary = 'destroy (stop) a network';
  static override description = 'Forcefully stop a given network.';
  static libvirt = 'virNetworkDestroy';
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;
  protected readonly verb = 'destroy';
  protected readonly done = 'destroyed';
  protected act(net: Network): Promise<void> { return net.destroy(); }
}
