/**
 * edit: edit a domain's XML configuration in $EDITOR, then define it
 * (virDomainGetXMLDesc + virDomainDefineXML). A bad edit is reported and, on a
 * terminal, the user is asked whether to edit again (virsh's "Try again?");
 * without a terminal the error ends the command and nothing is changed.
 */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { editUntilSaved } from '../cli/editor';

export default class Edit extends BaseCommand {
  static override summary = 'edit XML configuration for a domain';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ domain: string; changed: boolean }> {
    const dom = await this.domainArg();
    const name = dom.getName();
    const original = await dom.getXMLDesc({ inactive: true, secure: true });
    const saved = await editUntilSaved(original, `${name}.xml`, async (xml) => (await dom.connection.defineXML(xml)).getName(),
      `Failed to edit domain '${name}': the edited XML was not saved`);
    if (saved === undefined) {
      this.extra(`Domain '${name}' XML configuration not changed.\n`);
      return { domain: name, changed: false };
    }
    this.extra(`Domain '${saved}' XML configuration edited.\n`);
    return { domain: saved, changed: true };
  }
}
