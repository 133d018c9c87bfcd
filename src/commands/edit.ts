/**
 * edit: edit a domain's XML configuration in $EDITOR, then define it
 * (virDomainGetXMLDesc + virDomainDefineXML). A bad edit is reported and, on a
 * terminal, the user is asked whether to edit again (virsh's "Try again?");
 * without a terminal the error ends the command and nothing is changed.
 */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { editText } from '../cli/editor';
import { isVirError, VirError } from '../core/errors';

export default class Edit extends BaseCommand {
  static override summary = 'edit XML configuration for a domain';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<{ domain: string; changed: boolean }> {
    const dom = await this.domainArg();
    const conn = dom.connection;
    const name = dom.getName();
    const original = await dom.getXMLDesc({ inactive: true, secure: true });
    let text = original;
    for (;;) {
      const edited = editText(text, `${name}.xml`);
      if (edited === original) {
        this.extra(`Domain '${name}' XML configuration not changed.\n`);
        return { domain: name, changed: false };
      }
      try {
        const saved = await conn.defineXML(edited);
        this.extra(`Domain '${saved.getName()}' XML configuration edited.\n`);
        return { domain: saved.getName(), changed: true };
      } catch (e) {
        if (!isVirError(e)) throw e;
        const failed = new VirError(e.code, `Failed to edit domain '${name}': the edited XML was not saved`, { detail: e.message });
        // no terminal to ask on: stop here, the definition is unchanged
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw failed;
        process.stderr.write(`error: ${e.message}\n`);
        const { confirm } = await import('@inquirer/prompts');
        if (!(await confirm({ message: 'Failed. Try again?', default: true }))) throw failed;
        text = edited;
      }
    }
  }
}
