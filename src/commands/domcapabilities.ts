/** domcapabilities: domain capabilities (virConnectGetDomainCapabilities). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { VirError } from '../core/errors';

export default class Domcapabilities extends BaseCommand {
  static override summary = 'domain capabilities';
  static override args = { virttype: Args.string({ description: 'virtualization type (/domain/@type)' }) };
  static override flags = {
    virttype: Flags.string({ description: 'virtualization type (/domain/@type)', helpValue: '<string>' }),
    emulatorbin: Flags.string({ description: 'path to emulator binary (/domain/devices/emulator)', helpValue: '<string>' }),
    arch: Flags.string({ description: 'domain architecture (/domain/os/type/@arch)', helpValue: '<string>' }),
    machine: Flags.string({ description: 'machine type (/domain/os/type/@machine)', helpValue: '<string>' }),
    xpath: Flags.string({ description: 'xpath expression to filter the XML document', helpValue: '<string>' }),
  };

  async run(): Promise<{ xml: string }> {
    if (this.parsedFlags.xpath !== undefined) {
      throw new VirError('VIR_ERR_ARGUMENT_UNSUPPORTED', 'argument unsupported: --xpath is not supported by bvirsh');
    }
    const conn = await this.conn();
    const opts = {
      virttype: this.option<string>('virttype'),
      emulatorbin: this.parsedFlags.emulatorbin as string | undefined,
      arch: this.parsedFlags.arch as string | undefined,
      machine: this.parsedFlags.machine as string | undefined,
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
