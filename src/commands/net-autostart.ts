/** net-autostart: mark a network to start with the host, or not (virNetworkSetAutostart). */
import { Flags } from '@oclif/core';
import { NetworkCommand, networkFlag, networkArgs } from '../cli/network-action';

export default class NetAutostart extends NetworkCommand {
  static override summary = 'autostart a network';
  static override description = 'Configure a network to be automatically started at boot.';
  static libvirt = 'virNetworkSetAutostart';
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = { ...networkFlag, disable: Flags.boolean({ description: 'disable autostarting' }) };

  async run(): Promise<{ network: string; autostart: boolean }> {
    const net = await this.networkArg();
    const name = net.getName();
    const on = !this.parsedFlags.disable;
    await this.attempt(`failed to ${on ? 'mark' : 'unmark'} network ${name} as autostarted`, () => net.setAutostart(on));
    this.extra(`Network ${name} ${on ? 'marked' : 'unmarked'} as autostarted\n`);
    return { network: name, autostart: on };
  }
}
