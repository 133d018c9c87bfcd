/** inject-nmi: inject a non-maskable interrupt into the guest (virDomainInjectNMI). */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';

export default class InjectNmi extends BaseCommand {
  static override summary = 'Inject NMI to the guest';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ domain: string }> {
    const dom = await this.domainArg();
    if (!dom.injectNMI) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainInjectNMI');
    await dom.injectNMI();
    return { domain: dom.getName() };
  }
}
