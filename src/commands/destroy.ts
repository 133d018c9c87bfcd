/** destroy: destroy the domain (virDomainDestroy): immediate power-off. */
import { Flags } from '@oclif/core';
import type { Domain } from '../core/api';
import { DomainActionCommand, domainArgs, domainFlag } from '../cli/domain-action';

export default class Destroy extends DomainActionCommand {
  static override summary = 'destroy the domain (virDomainDestroy): immediate power-off';
  // oclif reads args/flags from each command class itself, not from its parent
  static override args = domainArgs;
  static override flags = { ...domainFlag, graceful: Flags.boolean({ description: 'terminate gracefully' }) };
  protected readonly verb = 'destroy';
  protected readonly done = 'destroyed';
  protected act(dom: Domain): Promise<void> {
    return dom.destroy({ graceful: !!this.parsedFlags.graceful });
  }
}
