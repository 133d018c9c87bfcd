/** domxml-to-native: convert domain XML to a native guest configuration
 *  (virConnectDomainXMLToNative). Format 'bhyve-argv': the loader command line
 *  (when the domain has no boot ROM) and the bhyve command line.
 *  The XML comes from a file (--xml, or the 2nd positional) or from a defined
 *  domain (--domain, its inactive XML). Conversion is pure: it works on every
 *  connection; the driver's own converter is used when it has one. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { readXMLFile } from '../cli/xml-file';
import { domainXMLToNative } from '../core/bhyve/native';
import { VirError } from '../core/errors';

export default class DomxmlToNative extends BaseCommand {
  static override summary = 'Convert domain XML to native config';
  static override args = {
    format: Args.string({ description: 'target config data type format' }),
    xml: Args.string({ description: 'xml data file to export from' }),
  };
  static override requiredOptions = ['format'];
  static override flags = {
    format: Flags.string({ description: 'target config data type format', helpValue: '<string>' }),
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<string>' }),
    xml: Flags.string({ description: 'xml data file to export from', helpValue: '<string>' }),
  };

  async run(): Promise<{ format: string; native: string }> {
    const format = this.required('format');
    const file = this.option<string>('xml');
    const name = this.option<string>('domain');
    if (name !== undefined && file !== undefined) {
      throw new VirError('VIR_ERR_INVALID_ARG', 'Options --domain and --xml are mutually exclusive');
    }
    const conn = await this.conn();
    let xml: string;
    if (name !== undefined) {
      const dom = await this.lookup(conn, name);
      xml = await dom.getXMLDesc({ inactive: true });
    } else if (file !== undefined) {
      xml = readXMLFile(file);
    } else {
      throw new VirError('VIR_ERR_INVALID_ARG', 'need either domain or domain XML');
    }
    const native = conn.domainXMLToNative ? await conn.domainXMLToNative(format, xml) : domainXMLToNative(format, xml);
    this.out(native);
    return { format, native };
  }
}
