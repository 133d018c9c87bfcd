/** net-dumpxml: network information in XML (virNetworkGetXMLDesc). */
import { Flags } from '@oclif/core';
import { NetworkCommand, networkFlag, networkArgs } from '../cli/network-action';

export default class NetDumpxml extends NetworkCommand {
  static override summary = 'network information in XML';
  static override description = 'Output the network information as an XML dump to stdout.';
  static libvirt = 'virNetworkGetXMLDesc';
  // (own statics: oclif's parser reads only a command class's own args and flags)
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = { ...networkFlag, inactive: Flags.boolean({ description: 'show inactive defined XML' }) };

  async run(): Promise<{ xml: string }> {
    const net = await this.networkArg();
    const xml = await net.getXMLDesc({ inactive: !!this.parsedFlags.inactive });
    this.out(xml);
    return { xml };
  }
}
