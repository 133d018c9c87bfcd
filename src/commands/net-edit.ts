/**
 * net-edit: edit a network's XML configuration in $EDITOR, then define it
 * (virNetworkGetXMLDesc + virNetworkDefineXML), as `edit` does for domains:
 * a bad edit is reported and, on a terminal, the user is asked whether to
 * edit again; without a terminal the error ends the command, nothing changed.
 * Like virsh, it edits the persistent definition, or the live one where the
 * driver has no separate inactive XML (libvirt's test driver).
 */
import { NetworkCommand, networkArgs, networkFlag, networkCalls } from '../cli/network-action';
import { editText } from '../cli/editor';
import type { Network } from '../core/api';
import { isVirError, VirError } from '../core/errors';

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
    const original = await persistentXML(net);
    let text = original;
    for (;;) {
      const edited = editText(text, `${name}.xml`);
      if (edited === original) {
        this.extra(`Network ${name} XML configuration not changed.\n`);
        return { network: name, changed: false };
      }
      try {
        const saved = await calls.networkDefineXML(edited);
        this.extra(`Network ${saved.getName()} XML configuration edited.\n`);
        return { network: saved.getName(), changed: true };
      } catch (e) {
        if (!isVirError(e)) throw e;
        const failed = new VirError(e.code, `Failed to edit network ${name}: the edited XML was not saved`, { detail: e.message });
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw failed;
        process.stderr.write(`error: ${e.message}\n`);
        const { confirm } = await import('@inquirer/prompts');
        if (!(await confirm({ message: 'Failed. Try again?', default: true }))) throw failed;
        text = edited;
      }
    }
  }
}
