/** domuuid: convert a domain name or id to its UUID. */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';

export default class Domuuid extends BaseCommand {
  static override summary = 'convert a domain name or id to domain UUID';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ uuid: string }> {
    const dom = await this.domainArg();
    const uuid = await dom.getUUIDString();
    this.out(`${uuid}\n`);
    return { uuid };
  }
}
