/** domtime: get or set the guest's clock (virDomainGetTime / virDomainSetTime; bhyve: the RTC). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { VirError } from '../core/errors';

function pretty(secs: number): string {
  const d = new Date(secs * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export default class Domtime extends BaseCommand {
  static override summary = 'domain time';
  static libvirt = ['virDomainGetTime', 'virDomainSetTime'];
  static override description = "Gets or sets the domain's system time";
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = {
    ...domainFlag,
    now: Flags.boolean({ description: 'set to the time of the host running virsh' }),
    pretty: Flags.boolean({ description: "print domain's time in human readable form" }),
    sync: Flags.boolean({ description: "instead of setting given time, synchronize from domain's RTC" }),
    time: Flags.integer({ description: 'time to set', helpValue: '<number>' }),
  };

  private printedTime = false;

  /** virsh prints the time without the empty line that ends other commands */
  override async finally(err: Error | undefined): Promise<unknown> {
    if (!err && this.printedTime) return Object.getPrototypeOf(BaseCommand.prototype).finally.call(this, err);
    return super.finally(err);
  }

  async run(): Promise<{ seconds: number } | { set: number | 'sync' }> {
    const f = this.parsedFlags as { now?: boolean; pretty?: boolean; sync?: boolean; time?: number };
    if (f.time !== undefined && f.now) throw new VirError('VIR_ERR_INVALID_ARG', 'Options --time and --now are mutually exclusive');
    if (f.time !== undefined && f.sync) throw new VirError('VIR_ERR_INVALID_ARG', 'Options --time and --sync are mutually exclusive');
    const dom = await this.domainArg();
    if (!dom.getTime || !dom.setTime) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainGetTime');
    if (f.time !== undefined || f.now || f.sync) {
      const secs = f.time ?? Math.floor(Date.now() / 1000);
      await dom.setTime(f.sync && f.time === undefined && !f.now ? { sync: true } : { seconds: secs, nseconds: 0 });
      return { set: f.sync && !f.now ? 'sync' : secs };
    }
    const t = await dom.getTime();
    this.printedTime = true;
    this.out(f.pretty ? `Time: ${pretty(t.seconds)}\n` : `Time: ${t.seconds}\n`);
    return { seconds: t.seconds };
  }
}
