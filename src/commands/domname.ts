/** domname: convert a domain id or UUID to its name. */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';

export default class Domname extends BaseCommand {
  static override summary = 'convert a domain id or UUID to domain name';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ name: string }> {
    const dom = await this.domainArg({ id: true, uuid: true });
    this.out(`${dom.getName()}\n`);
    return { name: dom.getName() };
  }
}
