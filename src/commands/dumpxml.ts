/** dumpxml: domain information in XML (virDomainGetXMLDesc). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';

export default class Dumpxml extends BaseCommand {
  static override summary = 'domain information in XML';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    inactive: Flags.boolean({ description: 'show inactive defined XML' }),
    'security-info': Flags.boolean({ description: 'include security sensitive information in XML dump' }),
    'update-cpu': Flags.boolean({ description: 'update guest CPU according to host CPU' }),
    migratable: Flags.boolean({ description: 'provide XML suitable for migrations' }),
  };

  async run(): Promise<{ xml: string }> {
    const dom = await this.domainArg();
    const f = this.parsedFlags;
    const xml = await dom.getXMLDesc({
      inactive: !!f.inactive, secure: !!f['security-info'], updateCpu: !!f['update-cpu'], migratable: !!f.migratable,
    });
    this.out(xml);
    return { xml };
  }
}
