/** setmaxmem: change a domain's maximum memory (virDomainSetMemoryFlags with VIR_DOMAIN_MEM_MAXIMUM, as virsh 9 calls it). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { parseScaledKiB } from '../cli/scaled';
import { VirError } from '../core/errors';
import { affectFlags } from './setmem';

export default class Setmaxmem extends BaseCommand {
  static override summary = 'change maximum memory limit';
  static override description = 'Change the maximum memory allocation limit in the guest domain.';
  static libvirt = ['virDomainSetMemoryFlags', 'virDomainSetMaxMemory'];
  static override args = {
    domain: Args.string({ description: 'domain name, id or uuid' }),
    size: Args.string({ description: 'new maximum memory size, as scaled integer (default KiB)' }),
  };
  static override requiredOptions = ['domain', '--size'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    size: Flags.string({ description: 'new maximum memory size, as scaled integer (default KiB)', helpValue: '<number>' }),
    ...affectFlags,
  };

  async run(): Promise<{ domain: string; kib: string }> {
    this.exclusive('current', 'live');
    this.exclusive('current', 'config');
    const dom = await this.domainArg();
    const kib = parseScaledKiB(this.option<string>('size') ?? '', 'size');
    const f = this.parsedFlags;
    await this.attempt('Unable to change MaxMemorySize', async () => {
      if (!dom.setMemoryFlags) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainSetMemoryFlags');
      await dom.setMemoryFlags(kib, { live: !!f.live, config: !!f.config, maximum: true });
    });
    return { domain: dom.getName(), kib: kib.toString() };
  }
}
