/** console: attach to the guest's serial console (virDomainOpenConsole); ^] leaves. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { attachConsole } from '../cli/console-attach';
import { VirError } from '../core/errors';

export default class Console extends BaseCommand {
  static override summary = 'connect to the guest console';
  static override description = 'Connect the virtual serial console for the guest';
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
    const name = dom.getName();
    if (!dom.openConsole) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainOpenConsole');
    if (!(await dom.isActive())) throw new VirError('VIR_ERR_OPERATION_INVALID', 'The domain is not running');
    if (!process.stdin.isTTY) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Cannot run interactive console without a controlling TTY');
    const session = await dom.openConsole({ force: !!this.parsedFlags.force });
    await attachConsole(name, session);
    return { domain: name };
  }
}
