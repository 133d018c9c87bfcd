/** reset: reset a domain (virDomainReset). */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Reset extends DomainActionCommand {
  static override summary = 'reset a domain (virDomainReset)';
  protected readonly verb = 'reset';
  protected readonly done = 'was reset';
  protected act(dom: Domain): Promise<void> {
    return dom.reset();
  }
}
