/** maxvcpus: connection vCPU maximum (virConnectGetMaxVcpus). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';

export default class Maxvcpus extends BaseCommand {
  static override summary = 'connection vcpu maximum';
  static override strict = false; // no positional arguments: see BaseCommand
  static override flags = { type: Flags.string({ description: 'domain type', helpValue: '<string>' }) };

  async run(): Promise<{ maxvcpus: number }> {
    const n = await (await this.conn()).getMaxVcpus(this.parsedFlags.type as string | undefined);
    this.out(`${n}\n`);
    return { maxvcpus: n };
  }
}
