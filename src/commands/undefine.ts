/** undefine: undefine a domain (virDomainUndefine): forget its persistent definition. */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Undefine extends DomainActionCommand {
  static override summary = 'undefine a domain (virDomainUndefine): forget its persistent definition';
  protected readonly verb = 'undefine';
  protected readonly done = 'has been undefined';
  protected act(dom: Domain): Promise<void> {
    return dom.undefine();
  }
}
