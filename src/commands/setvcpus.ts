/** setvcpus: change a domain's number of vCPUs (virDomainSetVcpusFlags; virDomainSetVcpus without flags, as virsh). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { parseUInt } from '../cli/scaled';
import { VirError } from '../core/errors';

export default class Setvcpus extends BaseCommand {
  static override summary = 'change number of virtual CPUs';
  static override description = 'Change the number of virtual CPUs in the guest domain.';
  static libvirt = ['virDomainSetVcpusFlags', 'virDomainSetVcpus'];
  static override args = {
    domain: Args.string({ description: 'domain name, id or uuid' }),
    count: Args.string({ description: 'number of virtual CPUs' }),
  };
  static override requiredOptions = ['domain', '--count'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    count: Flags.string({ description: 'number of virtual CPUs', helpValue: '<number>' }),
    maximum: Flags.boolean({ description: 'set maximum limit on next boot' }),
    config: Flags.boolean({ description: 'affect next boot' }),
    live: Flags.boolean({ description: 'affect running domain' }),
    current: Flags.boolean({ description: 'affect current domain' }),
    guest: Flags.boolean({ description: 'modify cpu state in the guest' }),
    hotpluggable: Flags.boolean({ description: 'make added vcpus hot(un)pluggable' }),
  };

  async run(): Promise<{ domain: string; count: number }> {
    this.exclusive('current', 'live');
    this.exclusive('current', 'config');
    this.exclusive('guest', 'config');
    const f = this.parsedFlags;
    this.requires('maximum', 'config');
    const dom = await this.domainArg();
    const count = parseUInt(this.option<string>('count') ?? '', 'count');
    if (count === 0) throw new VirError('VIR_ERR_INVALID_ARG', "Can't set 0 processors for a VM");
    if (!dom.setVcpusFlags) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainSetVcpusFlags');
    const any = f.maximum || f.config || f.live || f.current || f.guest || f.hotpluggable;
    // without flags virsh calls virDomainSetVcpus, which is "live" in libvirt
    await (any
      ? dom.setVcpusFlags(count, { live: !!f.live, config: !!f.config, maximum: !!f.maximum, guest: !!f.guest, hotpluggable: !!f.hotpluggable })
      : dom.setVcpusFlags(count, { live: true }, 'virDomainSetVcpus'));
    return { domain: dom.getName(), count };
  }
}
