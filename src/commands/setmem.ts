/** setmem: change a domain's memory allocation, the balloon target (virDomainSetMemoryFlags). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { parseScaledKiB } from '../cli/scaled';
import { VirError } from '../core/errors';

export const sizeCommandArgs = {
  domain: Args.string({ description: 'domain name, id or uuid' }),
  size: Args.string({ description: 'new memory size, as scaled integer (default KiB)' }),
};

export const affectFlags = {
  config: Flags.boolean({ description: 'affect next boot' }),
  live: Flags.boolean({ description: 'affect running domain' }),
  current: Flags.boolean({ description: 'affect current domain' }),
};

export default class Setmem extends BaseCommand {
  static override summary = 'change memory allocation';
  static override description = 'Change the current memory allocation in the guest domain.';
  static libvirt = 'virDomainSetMemoryFlags';
  static override args = sizeCommandArgs;
  static override requiredOptions = ['domain', '--size'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    size: Flags.string({ description: 'new memory size, as scaled integer (default KiB)', helpValue: '<number>' }),
    ...affectFlags,
  };

  async run(): Promise<{ domain: string; kib: string }> {
    this.exclusive('current', 'live');
    this.exclusive('current', 'config');
    const dom = await this.domainArg();
    const kib = parseScaledKiB(this.option<string>('size') ?? '', 'size');
    if (!dom.setMemoryFlags) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainSetMemoryFlags');
    const f = this.parsedFlags;
    // no flag at all is --live for virsh's setmem (unlike --current, which follows the domain's state)
    const none = !f.live && !f.config && !f.current;
    await dom.setMemoryFlags(kib, { live: !!f.live || none, config: !!f.config });
    return { domain: dom.getName(), kib: kib.toString() };
  }
}
