/** shutdown: gracefully shut down a domain (virDomainShutdown). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag, modeFlag, parseModes } from '../cli/domain-action';

export default class Shutdown extends DomainActionCommand {
  static override summary = 'gracefully shut down a domain (virDomainShutdown)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = { ...domainFlag, ...modeFlag };
  protected readonly verb = 'shutdown';
  protected readonly done = 'is being shutdown';
  protected override precheck(): void {
    parseModes(this.parsedFlags.mode as string | undefined);
  }
  protected act(dom: Domain): Promise<void> {
    return dom.shutdown({ mode: parseModes(this.parsedFlags.mode as string | undefined) });
  }
}
