/** domdisplay: the URI of a running domain's graphical display(s), as virsh prints it ("vnc://127.0.0.1:0"). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainDisplayURIs } from '../core/display';

export default class Domdisplay extends BaseCommand {
  static override summary = 'domain display connection URI';
  static override description = 'Output the IP address and port number for the graphical display.';
  static override args = {
    domain: Args.string({ description: 'domain name, id or uuid' }),
    type: Args.string({ description: 'select particular graphical display (e.g. "vnc", "spice", "rdp", "dbus")' }),
  };
  static override requiredOptions = ['domain'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    'include-password': Flags.boolean({ description: 'includes the password into the connection URI if available' }),
    type: Flags.string({ description: 'select particular graphical display (e.g. "vnc", "spice", "rdp", "dbus")', helpValue: '<string>' }),
    all: Flags.boolean({ description: 'show all possible graphical displays' }),
  };
  static libvirt = 'virDomainGetXMLDesc';

  async run(): Promise<{ uris: string[] }> {
    const type = this.option<string>('type');
    this.exclusive('all', 'type');
    const dom = await this.domainArg();
    const { uris, warnings } = await domainDisplayURIs(dom, { type, all: !!this.parsedFlags.all, includePassword: !!this.parsedFlags['include-password'] });
    if (warnings.length > 0) process.stderr.write(warnings.map((w) => `error: ${w}\n`).join(''));
    // virsh ends each URI with a newline only under --all (the command's own empty line follows)
    this.out(this.parsedFlags.all ? uris.map((u) => `${u}\n`).join('') : uris[0]);
    return { uris };
  }
}
