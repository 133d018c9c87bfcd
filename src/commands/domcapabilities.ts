/** domcapabilities: domain capabilities (virConnectGetDomainCapabilities), options as virsh 9.0. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { VirError } from '../core/errors';

export default class Domcapabilities extends BaseCommand {
  static override summary = 'domain capabilities';
  // virsh also takes these four positionally, in this order
  static override args = {
    virttype: Args.string({ description: 'virtualization type (/domain/@type)' }),
    emulatorbin: Args.string({ description: 'path to emulator binary (/domain/devices/emulator)' }),
    arch: Args.string({ description: 'domain architecture (/domain/os/type/@arch)' }),
    machine: Args.string({ description: 'machine type (/domain/os/type/@machine)' }),
  };
  static override flags = {
    virttype: Flags.string({ description: 'virtualization type (/domain/@type)', helpValue: '<string>' }),
    emulatorbin: Flags.string({ description: 'path to emulator binary (/domain/devices/emulator)', helpValue: '<string>' }),
    arch: Flags.string({ description: 'domain architecture (/domain/os/type/@arch)', helpValue: '<string>' }),
    machine: Flags.string({ description: 'machine type (/domain/os/type/@machine)', helpValue: '<string>' }),
  };

  async run(): Promise<{ xml: string }> {
    const conn = await this.conn();
    const opts = {
      virttype: this.option<string>('virttype'), emulatorbin: this.option<string>('emulatorbin'),
      arch: this.option<string>('arch'), machine: this.option<string>('machine'),
    };
    const xml = await this.attempt('failed to get emulator capabilities', async () => {
      if (!conn.getDomainCapabilities) {
        throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virConnectGetDomainCapabilities');
      }
      return conn.getDomainCapabilities(opts);
    });
    this.out(xml);
    return { xml };
  }
}
