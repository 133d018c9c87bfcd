/** console: attach to the guest's serial console (virDomainOpenConsole); ^] leaves. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { attachConsole, checkConsoleUsable } from '../cli/console-attach';

export default class Console extends BaseCommand {
  static override summary = 'connect to the guest console';
  static override description = 'Connect the virtual serial console for the guest';
  // virsh 9.0 also takes the device name as a second word (`console vm serial0`)
  static override args = { domain: Args.string({ description: 'domain name, id or uuid' }), devname: Args.string({ description: 'character device name' }) };
  static override requiredOptions = ['domain'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    devname: Flags.string({ description: 'character device name', helpValue: '<string>' }),
    force: Flags.boolean({ description: 'force console connection (disconnect already connected sessions)' }),
    safe: Flags.boolean({ description: 'only connect if safe console handling is supported' }),
  };

  async run(): Promise<{ domain: string }> {
    const dom = await this.domainArg();
    await checkConsoleUsable(dom);
    await attachConsole(dom, {
      devname: this.option<string>('devname'), force: !!this.parsedFlags.force, safe: !!this.parsedFlags.safe, quiet: this.quiet,
    });
    return { domain: dom.getName() };
  }
}
