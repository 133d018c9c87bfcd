/** resume: resume a previously suspended domain (virDomainResume). */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Resume extends DomainActionCommand {
  static override summary = 'resume a previously suspended domain (virDomainResume)';
  protected readonly verb = 'resume';
  protected readonly done = 'resumed';
  protected act(dom: Domain): Promise<void> {
    return dom.resume();
  }
}
