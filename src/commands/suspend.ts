/** suspend: suspend a running domain (virDomainSuspend). */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Suspend extends DomainActionCommand {
  static override summary = 'suspend a running domain (virDomainSuspend)';
  protected readonly verb = 'suspend';
  protected readonly done = 'suspended';
  protected act(dom: Domain): Promise<void> {
    return dom.suspend();
  }
}
