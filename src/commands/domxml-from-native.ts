/** domxml-from-native: convert native guest configuration (bhyve-argv) to domain XML
 *  (virConnectDomainXMLFromNative). Pure conversion: works on every connection.
 *  Warnings (e.g. a skipped NIC) go to stderr as `warning: …`, unless -q. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { readXMLFile } from '../cli/xml-file';
import { domainXMLFromNative } from '../core/bhyve/native';

export default class DomxmlFromNative extends BaseCommand {
  static override summary = 'Convert native config to domain XML';
  static override args = {
    format: Args.string({ description: 'source config data format' }),
    config: Args.string({ description: 'config data file to import from' }),
  };
  static override requiredOptions = ['format', 'config'];
  static override flags = {
    format: Flags.string({ description: 'source config data format', helpValue: '<string>' }),
    config: Flags.string({ description: 'config data file to import from', helpValue: '<string>' }),
  };

  async run(): Promise<{ xml: string; warnings: string[] }> {
    const format = this.required('format');
    const file = this.required('config');
    await this.conn();
    const config = readXMLFile(file);
    const warnings: string[] = [];
    const xml = domainXMLFromNative(format, config, { warn: (m) => warnings.push(m) });
    if (!this.quiet && !this.jsonEnabled()) for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    this.out(xml);
    return { xml, warnings };
  }
}
