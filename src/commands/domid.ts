/** domid: convert a domain name or UUID to its id ("-" when inactive). */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';

export default class Domid extends BaseCommand {
  static override summary = 'convert a domain name or UUID to domain id';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ id: number | null }> {
    const dom = await this.domainArg({ uuid: true, name: true });
    const id = await dom.getID();
    this.out(id < 0 ? '-\n' : `${id}\n`);
    return { id: id < 0 ? null : id };
  }
}
