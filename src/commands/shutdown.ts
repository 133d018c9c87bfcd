/** shutdown: gracefully shut down a domain (virDomainShutdown). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Shutdown extends DomainActionCommand {
  static override summary = 'gracefully shut down a domain (virDomainShutdown)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = domainFlag;
  protected readonly verb = 'shutdown';
  protected readonly done = 'is being shutdown';
  protected act(dom: Domain): Promise<void> {
    return dom.shutdown();
  }
}
