/** resume: resume a previously suspended domain (virDomainResume). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Resume extends DomainActionCommand {
  static override summary = 'resume a previously suspended domain (virDomainResume)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = domainFlag;
  protected readonly verb = 'resume';
  protected readonly done = 'resumed';
  protected act(dom: Domain): Promise<void> {
    return dom.resume();
  }
}
