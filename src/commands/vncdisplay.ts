/** vncdisplay: the VNC display of a running domain, as virsh prints it (":1", "127.0.0.1:1"). */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { domainVncDisplay } from '../core/display';

export default class Vncdisplay extends BaseCommand {
  static override summary = 'vnc display';
  static override description = 'Output the IP address and port number for the VNC display.';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;
  static libvirt = 'virDomainGetXMLDesc';

  async run(): Promise<{ port: number; listen: string | null; display: string }> {
    const d = await domainVncDisplay(await this.domainArg());
    // virsh: display number = port - 5900; no address when listening on all of IPv4
    const display = `${d.listen === undefined || d.listen === '0.0.0.0' ? '' : d.listen}:${d.port - 5900}`;
    this.out(`${display}\n`);
    return { port: d.port, listen: d.listen ?? null, display };
  }
}
