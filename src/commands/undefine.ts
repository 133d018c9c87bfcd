/** undefine: undefine a domain (virDomainUndefineFlags): forget its persistent definition. */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';

export default class Undefine extends BaseCommand {
  static override summary = 'undefine a domain';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    'managed-save': Flags.boolean({ description: 'remove domain managed state file' }),
  };

  async run(): Promise<{ domain: string; result: string }> {
    const dom = await this.domainArg();
    const name = dom.getName();
    const managedSave = !!this.parsedFlags['managed-save'];
    // virsh checks this itself before calling, in its own words
    if (!managedSave && await dom.hasManagedSaveImage()) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', 'Refusing to undefine while domain managed save image exists');
    }
    await this.attempt(`Failed to undefine domain '${name}'`, () => dom.undefine({ managedSave }));
    this.extra(`Domain '${name}' has been undefined\n`);
    return { domain: name, result: 'undefined' };
  }
}
