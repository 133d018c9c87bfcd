/** undefine: undefine a domain (virDomainUndefine): forget its persistent definition. */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Undefine extends DomainActionCommand {
  static override summary = 'undefine a domain (virDomainUndefine): forget its persistent definition';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = domainFlag;
  protected readonly verb = 'undefine';
  protected readonly done = 'has been undefined';
  protected act(dom: Domain): Promise<void> {
    return dom.undefine();
  }
}
