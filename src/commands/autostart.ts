/** autostart: mark a domain to start with the host, or not (virDomainSetAutostart). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';

export default class Autostart extends BaseCommand {
  static override summary = 'autostart a domain';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = { ...domainFlag, disable: Flags.boolean({ description: 'disable autostarting' }) };

  async run(): Promise<{ domain: string; autostart: boolean }> {
    const dom = await this.domainArg();
    const name = dom.getName();
    const on = !this.parsedFlags.disable;
    await this.attempt(`Failed to ${on ? 'mark' : 'unmark'} domain '${name}' as autostarted`, () => dom.setAutostart(on));
    this.extra(`Domain '${name}' ${on ? 'marked' : 'unmarked'} as autostarted\n`);
    return { domain: name, autostart: on };
  }
}
