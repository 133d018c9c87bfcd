/** net-info: network information (virNetworkGetUUIDString, IsActive, IsPersistent, GetAutostart, GetBridgeName). */
import { NetworkCommand, networkArgs, networkFlag } from '../cli/network-action';
import { keyValue, yesNo } from '../cli/output';

export default class NetInfo extends NetworkCommand {
  static override summary = 'network information';
  static override description = 'Returns basic information about the network';
  static libvirt = ['virNetworkGetUUIDString', 'virNetworkIsActive', 'virNetworkIsPersistent', 'virNetworkGetAutostart', 'virNetworkGetBridgeName'];
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;

  async run(): Promise<Record<string, unknown>> {
    const net = await this.networkArg();
    const uuid = await net.getUUIDString();
    const active = await net.isActive();
    const persistent = await net.isPersistent();
    const autostart = await net.getAutostart();
    // virsh leaves the line out when the network has no bridge (and prints no error)
    const bridge = await net.getBridgeName().catch(() => undefined);
    const rows: Array<[string, string]> = [['Name:', net.getName()], ['UUID:', uuid], ['Active:', yesNo(active)],
      ['Persistent:', yesNo(persistent)], ['Autostart:', yesNo(autostart)]];
    if (bridge !== undefined) rows.push(['Bridge:', bridge]);
    this.out(keyValue(rows));
    return { name: net.getName(), uuid, active, persistent, autostart, bridge: bridge ?? null };
  }
}
