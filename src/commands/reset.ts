/** reset: reset a domain (virDomainReset). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Reset extends DomainActionCommand {
  static override summary = 'reset a domain (virDomainReset)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = domainFlag;
  protected readonly verb = 'reset';
  protected readonly done = 'was reset';
  protected act(dom: Domain): Promise<void> {
    return dom.reset();
  }
}
