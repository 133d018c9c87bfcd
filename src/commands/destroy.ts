/** destroy: destroy the domain (virDomainDestroy): immediate power-off. */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Destroy extends DomainActionCommand {
  static override summary = 'destroy the domain (virDomainDestroy): immediate power-off';
  protected readonly verb = 'destroy';
  protected readonly done = 'destroyed';
  protected act(dom: Domain): Promise<void> {
    return dom.destroy();
  }
}
