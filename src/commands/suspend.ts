/** suspend: suspend a running domain (virDomainSuspend). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Suspend extends DomainActionCommand {
  static override summary = 'suspend a running domain (virDomainSuspend)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = domainFlag;
  protected readonly verb = 'suspend';
  protected readonly done = 'suspended';
  protected act(dom: Domain): Promise<void> {
    return dom.suspend();
  }
}
