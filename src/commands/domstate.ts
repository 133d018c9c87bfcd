/** domstate: domain state, optionally with the reason (virDomainGetState). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { stateName } from '../cli/output';

export default class Domstate extends BaseCommand {
  static override summary = 'domain state';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = { ...domainFlag, reason: Flags.boolean({ description: 'also print reason for the state' }) };

  async run(): Promise<{ state: string; reason: string }> {
    const dom = await this.domainArg();
    const st = await dom.getState();
    const state = stateName(st.state);
    this.out(this.parsedFlags.reason ? `${state} (${st.reason})\n` : `${state}\n`);
    return { state, reason: st.reason };
  }
}
