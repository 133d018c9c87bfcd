/** net-start: start a (previously defined) inactive network (virNetworkCreate). */
import { NetworkActionCommand } from '../cli/network-action';
import type { Network } from '../core/api';

export default class NetStart extends NetworkActionCommand {
  static override summary = 'start a (previously defined) inactive network';
  static override description = 'Start a network.';
  static libvirt = 'virNetworkCreate';
  protected readonly verb = 'start';
  protected readonly done = 'started';
  protected act(net: Network): Promise<void> { return net.create(); }
}
