/** shutdown: gracefully shut down a domain (virDomainShutdown). */
import { Flags } from '@oclif/core';
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag, modeFlag, parseModes } from '../cli/domain-action';

export default class Shutdown extends DomainActionCommand {
  static override summary = 'gracefully shut down a domain (virDomainShutdown)';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = {
    ...domainFlag,
    ...modeFlag,
    // bvirsh extension: wait up to SECONDS for the guest, then force it off
    timeout: Flags.integer({ description: 'seconds to wait for the guest to power off before forcing it off (bvirsh extension)', helpValue: '<seconds>', min: 0 }),
  };
  protected readonly verb = 'shutdown';
  protected readonly done = 'is being shutdown';
  protected override precheck(): void {
    parseModes(this.parsedFlags.mode as string | undefined);
  }
  protected act(dom: Domain): Promise<void> {
    const timeout = this.parsedFlags.timeout as number | undefined;
    return dom.shutdown({ mode: parseModes(this.parsedFlags.mode as string | undefined), ...(timeout === undefined ? {} : { timeout }) });
  }
}
