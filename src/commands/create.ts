/** create: create and start a transient domain from an XML file (virDomainCreateXML). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { attachAfterStart } from '../cli/console-attach';
import { readXMLFile } from '../cli/xml-file';
import { parsePassFds } from '../core/pass-fds';

export default class Create extends BaseCommand {
  static override summary = 'create a domain from an XML file';
  static override args = { file: Args.string({ description: 'file containing an XML domain description' }) };
  static override requiredOptions = ['file'];
  static override flags = {
    file: Flags.string({ description: 'file containing an XML domain description', helpValue: '<file>' }),
    console: Flags.boolean({ description: 'attach to console after creation' }),
    paused: Flags.boolean({ description: 'leave the guest paused after creation' }),
    autodestroy: Flags.boolean({ description: 'destroy the guest when this bvirsh exits (the connection closes)' }),
    'pass-fds': Flags.string({ description: 'pass file descriptors N,M,... to the guest', helpValue: '<string>' }),
    validate: Flags.boolean({ description: 'validate the XML against the schema' }),
    'reset-nvram': Flags.boolean({ description: 're-initialize NVRAM from its pristine template' }),
    force: Flags.boolean({ description: 'force console connection (with --console)', hidden: true }),
  };

  async run(): Promise<{ domain: string; file: string }> {
    const file = this.required('file');
    const conn = await this.conn();
    const xml = readXMLFile(file);
    const f = this.parsedFlags;
    const passFds = parsePassFds(f['pass-fds'] as string | undefined);
    const dom = await this.attempt(`Failed to create domain from ${file}`, () => conn.createXML(xml, {
      paused: !!f.paused, autodestroy: !!f.autodestroy, passFds, validate: !!f.validate, resetNvram: !!f['reset-nvram'],
    }));
    this.extra(`Domain '${dom.getName()}' created from ${file}\n`);
    if (this.parsedFlags.console) await attachAfterStart(dom, { force: !!this.parsedFlags.force, quiet: this.quiet });
    return { domain: dom.getName(), file };
  }
}
