/** conn-info (bvirsh's own): the connection calls virsh has no command for —
 *  URI, type, hostname, alive, secure, encrypted — in dominfo's layout. */
import { BaseCommand } from '../cli/base';
import { keyValue, yesNo } from '../cli/output';

export default class ConnInfo extends BaseCommand {
  static override summary = 'connection information: URI, driver type, hostname, alive, secure, encrypted';
  static override strict = false; // no positional arguments: see BaseCommand

  async run(): Promise<Record<string, unknown>> {
    const conn = await this.conn();
    const info = {
      uri: conn.getURI(), type: conn.getType(), hostname: await conn.getHostname(), alive: await conn.isAlive(),
      secure: await conn.isSecure(), encrypted: await conn.isEncrypted(), readonly: conn.isReadOnly(),
    };
    this.out(keyValue([['URI:', info.uri], ['Type:', info.type], ['Hostname:', info.hostname], ['Alive:', yesNo(info.alive)],
      ['Secure:', yesNo(info.secure)], ['Encrypted:', yesNo(info.encrypted)], ['Read-only:', yesNo(info.readonly)]]));
    return info;
  }
}
