/** net-create: create (start) a transient network from an XML file (virNetworkCreateXML). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { networkCalls } from '../cli/network-action';
import { readXMLFile } from '../cli/xml-file';

export default class NetCreate extends BaseCommand {
  static override summary = 'create a network from an XML file';
  static override description = 'Create a network.';
  static libvirt = ['virNetworkCreateXML', 'virNetworkCreateXMLFlags'];
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
    const net = await this.attempt(`Failed to create network from ${file}`, () => networkCalls(conn, 'virNetworkCreateXML').networkCreateXML(xml, { validate: !!this.parsedFlags.validate }));
    this.extra(`Network ${net.getName()} created from ${file}\n`);
    return { network: net.getName(), file };
  }
}
