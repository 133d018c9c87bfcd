/**
 * The shape shared by virsh's one-domain lifecycle commands (start, destroy,
 * suspend …): look the domain up, make one call, print virsh's sentence.
 */
import { Args, Flags } from '@oclif/core';
import type { Domain, ShutdownMode } from '../core/api';
import { VirError } from '../core/errors';
import { BaseCommand } from './base';

export const domainArgs = { domain: Args.string({ description: 'domain name, id or uuid' }) };
export const domainFlag = { domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }) };

export abstract class DomainActionCommand extends BaseCommand {
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  /** e.g. "destroy" in "Failed to destroy domain 'x'" */
  protected abstract readonly verb: string;
  /** e.g. "destroyed" in "Domain 'x' destroyed" */
  protected abstract readonly done: string;
  protected abstract act(dom: Domain): Promise<void>;
  /** option checks virsh makes before calling (e.g. --mode) */
  protected precheck(): void {}

  async run(): Promise<{ domain: string; result: string }> {
    const dom = await this.domainArg();
    this.precheck();
    const name = dom.getName();
    await this.attempt(`Failed to ${this.verb} domain '${name}'`, () => this.act(dom));
    this.extra(`Domain '${name}' ${this.done}\n`);
    return { domain: name, result: this.done };
  }
}

const MODES: ShutdownMode[] = ['acpi', 'agent', 'initctl', 'signal', 'paravirt'];

/** virsh's --mode for shutdown/reboot: a comma-separated list of methods. */
export function parseModes(text: string | undefined): ShutdownMode[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((m) => {
    if (!(MODES as string[]).includes(m)) {
      throw new VirError('VIR_ERR_INVALID_ARG', `Unknown mode ${m} value, expecting 'acpi', 'agent', 'initctl', 'signal', or 'paravirt'`);
    }
    return m as ShutdownMode;
  });
}

export const modeFlag = {
  mode: Flags.string({ description: 'shutdown mode: acpi|agent|initctl|signal|paravirt', helpValue: '<string>' }),
};
