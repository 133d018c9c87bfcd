/** reboot: reboot a domain (virDomainReboot). */
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag, modeFlag, parseModes } from '../cli/domain-action';

export default class Reboot extends DomainActionCommand {
  static override summary = 'reboot a domain (virDomainReboot)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = { ...domainFlag, ...modeFlag };
  protected readonly verb = 'reboot';
  protected readonly done = 'is being rebooted';
  protected override precheck(): void {
    parseModes(this.parsedFlags.mode as string | undefined);
  }
  protected act(dom: Domain): Promise<void> {
    return dom.reboot({ mode: parseModes(this.parsedFlags.mode as string | undefined) });
  }
}
