/** reboot: reboot a domain (virDomainReboot). */
import type { Domain } from '../core/api';
import { DomainActionCommand } from '../cli/domain-action';

export default class Reboot extends DomainActionCommand {
  static override summary = 'reboot a domain (virDomainReboot)';
  protected readonly verb = 'reboot';
  protected readonly done = 'is being rebooted';
  protected act(dom: Domain): Promise<void> {
    return dom.reboot();
  }
}
