/** __plan (hidden): the boot plan bvirsh-monitor would run next for a guest — loader and bhyve argv, taps, lifecycle actions. For debugging; the monitor itself runs dist/src/core/bhyve/plan-main.js (no CLI start-up). */
import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { VirError } from '../core/errors';

export default class Plan extends BaseCommand {
  static override hidden = true;
  static override summary = 'print the next boot plan of a bhyve guest';
  static override args = { domain: Args.string({ description: 'domain name' }) };
  static override requiredOptions = ['domain'];

  async run(): Promise<unknown> {
    const name = this.required('domain');
    const conn = await this.conn();
    const { BhyveConnection } = await import('../core/bhyve/driver');
    if (!(conn instanceof BhyveConnection)) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: boot plans exist on bhyve hosts only');
    await conn.lookupByName(name);
    const { buildBootPlan } = await import('../core/bhyve/plan');
    const plan = buildBootPlan(conn.host, name);
    const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
    this.out([
      ...(plan.loader ? [`loader: ${plan.loader.map(q).join(' ')}`] : []),
      `bhyve: ${plan.bhyve.map(q).join(' ')}`,
      ...plan.taps.map((t) => `tap: ${t.tap} on ${t.bridge}`),
      `on_reboot: ${plan.onReboot}`, `on_poweroff: ${plan.onPoweroff}`, `on_crash: ${plan.onCrash}`,
    ].join('\n') + '\n');
    return plan;
  }
}
