/**
 * net-edit: edit a network's XML configuration in $EDITOR, then define it
 * (virNetworkGetXMLDesc + virNetworkDefineXML), as `edit` does for domains:
 * a bad edit is reported and, on a terminal, the user is asked whether to
 * edit again; without a terminal the error ends the command, nothing changed.
 * Like virsh, it edits the persistent definition, or the live one where the
 * driver has no separate inactive XML (libvirt's test driver).
 */
import { NetworkCommand, networkArgs, networkFlag, networkCalls } from '../cli/network-action';
import { editUntilSaved } from '../cli/editor';
import type { Network } from '../core/api';
import { isVirError } from '../core/errors';

async function persistentXML(net: Network): Promise<string> {
  try {
    return await net.getXMLDesc({ inactive: true });
  } catch (e) {
    if (isVirError(e) && e.code === 'VIR_ERR_INVALID_ARG') return net.getXMLDesc();
    throw e;
  }
}

export default class NetEdit extends NetworkCommand {
  static override summary = 'edit XML configuration for a network';
  static override description = 'Edit the XML configuration for a network.';
  static libvirt = ['virNetworkGetXMLDesc', 'virNetworkDefineXML'];
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;

  async run(): Promise<{ network: string; changed: boolean }> {
    const net = await this.networkArg();
    const calls = networkCalls(net.connection, 'virNetworkDefineXML');
    const name = net.getName();
    const saved = await editUntilSaved(await persistentXML(net), `${name}.xml`, async (xml) => (await calls.networkDefineXML(xml)).getName(),
      `Failed to edit network ${name}: the edited XML was not saved`);
    if (saved === undefined) {
      this.extra(`Network ${name} XML configuration not changed.\n`);
      return { network: name, changed: false };
    }
    this.extra(`Network ${saved} XML configuration edited.\n`);
    return { network: saved, changed: true };
  }
}
