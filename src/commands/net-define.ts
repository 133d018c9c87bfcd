/** net-define: define or modify a persistent network from an XML file (virNetworkDefineXML). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { networkCalls } from '../cli/network-action';
import { readXMLFile } from '../cli/xml-file';

export default class NetDefine extends BaseCommand {
  static override summary = 'define an inactive persistent virtual network or modify an existing persistent one from an XML file';
  static override description = 'Define or modify a persistent virtual network.';
  static libvirt = ['virNetworkDefineXML', 'virNetworkDefineXMLFlags'];
  static override args = { file: Args.string({ description: 'file containing an XML network description' }) };
  static override requiredOptions = ['file'];
  static override flags = {
    file: Flags.string({ description: 'file containing an XML network description', helpValue: '<file>' }),
    validate: Flags.boolean({ description: 'validate the XML against the schema' }),
  };

  async run(): Promise<{ network: string; file: string }> {
    const file = this.required('file');
    const conn = await this.conn();
    const xml = readXMLFile(file);
    const net = await this.attempt(`Failed to define network from ${file}`, () => networkCalls(conn, 'virNetworkDefineXML').networkDefineXML(xml, { validate: !!this.parsedFlags.validate }));
    this.extra(`Network ${net.getName()} defined from ${file}\n`);
    return { network: net.getName(), file };
  }
}
