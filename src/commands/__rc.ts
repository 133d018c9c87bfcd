/** __rc (hidden, for rc.d/bvirsh): `__rc start` starts autostart networks, then autostart guests; `__rc stop [--timeout N]` shuts all guests down, forcing them off after N seconds. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { shutdownAllGuests, startAutostartGuests, startAutostartNetworks, type GuestOutcome, type NetworkOutcome } from '../core/autostart';
import { VirError } from '../core/errors';

const SAY: Record<GuestOutcome['action'], string> = { started: 'started', shutdown: 'shut down', destroyed: 'forced off after the timeout', failed: '' };

export default class Rc extends BaseCommand {
  static override hidden = true;
  static override summary = 'host boot/shutdown: start autostart guests, or shut every guest down';
  static override args = { action: Args.string({ description: 'start | stop', options: ['start', 'stop'] }) };
  static override requiredOptions = ['action'];
  static override flags = { timeout: Flags.integer({ description: 'seconds before forcing guests off (stop)', default: 120, min: 0 }) };

  async run(): Promise<Array<GuestOutcome | (NetworkOutcome & { network: true })>> {
    const action = this.required('action');
    const conn = await this.conn();
    // networks first: a guest's interface joins its network's bridge
    const nets = action === 'start' ? await startAutostartNetworks(conn) : [];
    for (const n of nets) {
      if (n.action === 'failed') process.stderr.write(`error: Network '${n.name}': ${n.error}\n`);
      else this.out(`Network '${n.name}' started\n`);
    }
    const res = action === 'start' ? await startAutostartGuests(conn) : await shutdownAllGuests(conn, this.parsedFlags.timeout as number);
    for (const r of res) {
      if (r.action === 'failed') process.stderr.write(`error: Domain '${r.name}': ${r.error}\n`);
      else this.out(`Domain '${r.name}' ${SAY[r.action]}\n`);
    }
    const failedNets = nets.filter((n) => n.action === 'failed').length;
    const failed = res.filter((r) => r.action === 'failed').length;
    if (failedNets) throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: ${failedNets} network(s) failed to start${failed ? `, ${failed} guest(s) failed to start` : ''}`);
    if (failed) throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: ${failed} guest(s) failed to ${action === 'start' ? 'start' : 'stop'}`);
    return [...nets.map((n) => ({ ...n, network: true as const })), ...res];
  }
}
