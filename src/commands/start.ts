/** start: start a (previously defined) inactive domain (virDomainCreate). */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';

export default class Start extends BaseCommand {
  static override summary = 'start a (previously defined) inactive domain';
  static override args = domainArgs;
  static override flags = domainFlag;

  async run(): Promise<{ domain: string; result: string }> {
    const dom = await this.domainArg();
    const name = dom.getName();
    // virsh checks this before calling and words it its own way
    if (await dom.isActive()) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Domain is already active');
    await this.attempt(`Failed to start domain '${name}'`, () => dom.create());
    this.extra(`Domain '${name}' started\n`);
    return { domain: name, result: 'started' };
  }
}
