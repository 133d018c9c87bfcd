/** define: define (but don't start) a domain from an XML file (virDomainDefineXML; --validate: virDomainDefineXMLFlags). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { readXMLFile } from '../cli/xml-file';

export default class Define extends BaseCommand {
  static override summary = 'define (but don\'t start) a domain from an XML file';
  static override args = { file: Args.string({ description: 'file containing an XML domain description' }) };
  static override flags = {
    file: Flags.string({ description: 'file containing an XML domain description', helpValue: '<file>' }),
    validate: Flags.boolean({ description: 'validate the XML against the schema' }),
    interactive: Flags.boolean({ description: 'guided new guest: asks name, memory, vCPUs, loader, disk, ISO, bridge (bvirsh extension, TTY only)' }),
  };

  async run(): Promise<{ domain: string; file?: string }> {
    if (this.parsedFlags.interactive) {
      const { guidedDefine } = await import('../cli/guided-define');
      const r = await guidedDefine(await this.conn());
      this.extra(`Domain '${r.name}' defined${r.xmlPath ? `: ${r.xmlPath}` : ''}\n${r.image ? `Disk image created: ${r.image}\n` : ''}`);
      return { domain: r.name, file: r.xmlPath };
    }
    const file = this.required('file');
    const conn = await this.conn();
    const xml = readXMLFile(file);
    const dom = await this.attempt(`Failed to define domain from ${file}`, () => conn.defineXML(xml, { validate: !!this.parsedFlags.validate }));
    this.extra(`Domain '${dom.getName()}' defined from ${file}\n`);
    return { domain: dom.getName(), file };
  }
}
