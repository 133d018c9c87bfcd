/** start: start a (previously defined) inactive domain (virDomainCreate). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { attachAfterStart } from '../cli/console-attach';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';
import { parsePassFds } from '../core/pass-fds';

export default class Start extends BaseCommand {
  static override summary = 'start a (previously defined) inactive domain';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    console: Flags.boolean({ description: 'attach to console after creation' }),
    paused: Flags.boolean({ description: 'leave the guest paused after start' }),
    autodestroy: Flags.boolean({ description: 'destroy the guest when this bvirsh exits (the connection closes)' }),
    'bypass-cache': Flags.boolean({ description: 'avoid file system cache when loading' }),
    'force-boot': Flags.boolean({ description: 'force fresh boot by discarding any managed save' }),
    'pass-fds': Flags.string({ description: 'pass file descriptors N,M,... to the guest', helpValue: '<string>' }),
    'reset-nvram': Flags.boolean({ description: 're-initialize NVRAM from its pristine template' }),
    force: Flags.boolean({ description: 'force console connection (with --console)', hidden: true }),
  };

  async run(): Promise<{ domain: string; result: string }> {
    const dom = await this.domainArg();
    const name = dom.getName();
    // virsh checks this before calling and words it its own way
    if (await dom.isActive()) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Domain is already active');
    const f = this.parsedFlags;
    const passFds = parsePassFds(f['pass-fds'] as string | undefined);
    await this.attempt(`Failed to start domain '${name}'`, () => dom.create({
      paused: !!f.paused, autodestroy: !!f.autodestroy, bypassCache: !!f['bypass-cache'], forceBoot: !!f['force-boot'],
      passFds, resetNvram: !!f['reset-nvram'],
    }));
    this.extra(`Domain '${name}' started\n`);
    if (this.parsedFlags.console) await attachAfterStart(dom, { force: !!this.parsedFlags.force, quiet: this.quiet });
    return { domain: name, result: 'started' };
  }
}
