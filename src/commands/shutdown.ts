/** shutdown: gracefully shut down a domain (virDomainShutdown). */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Shutdown extends DomainActionCommand {
  static override summary = 'gracefully shut down a domain (virDomainShutdown)';
  protected readonly verb = 'shutdown';
  protected readonly done = 'is being shutdown';
  protected act(dom: Domain): Promise<void> {
    return dom.shutdown();
  }
}
