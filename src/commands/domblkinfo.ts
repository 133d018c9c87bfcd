/** domblkinfo: sizes of a domain's disk, or of all its disks (virDomainGetBlockInfo). */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { prettyCapacity, table } from '../cli/output';
import type { BlockInfo, Domain } from '../core/api';
import { VirError } from '../core/errors';

type Row = { target: string; capacity: string | null; allocation: string | null; physical: string | null };

export default class Domblkinfo extends BaseCommand {
  static override summary = 'domain block device size information';
  static override description = 'Get block device size info for a domain.';
  static libvirt = 'virDomainGetBlockInfo';
  static override args = {
    domain: Args.string({ description: 'domain name, id or uuid' }),
    device: Args.string({ description: 'block device' }),
  };
  static override requiredOptions = ['domain'];
  static override flags = {
    domain: Flags.string({ description: 'domain name, id or uuid', helpValue: '<domain>' }),
    device: Flags.string({ description: 'block device', helpValue: '<string>' }),
    human: Flags.boolean({ description: 'Human readable output' }),
    all: Flags.boolean({ description: 'display all block devices info' }),
  };

  async run(): Promise<Row | Row[]> {
    this.exclusive('all', 'device'); // virsh checks this first, then looks the domain up
    const dom = await this.domainArg();
    const human = !!this.parsedFlags.human;
    const show = (n: bigint): string => (human ? prettyCapacity(n) : String(n));
    if (this.parsedFlags.all) {
      const rows = await this.allDisks(dom);
      // a disk with no source (an empty CD-ROM) has no sizes: virsh shows '-'
      this.out(table(['Target', 'Capacity', 'Allocation', 'Physical'], rows.map(({ target, info }) =>
        info ? [target, show(info.capacity), show(info.allocation), show(info.physical)] : [target, '-', '-', '-']), { header: !this.quiet }));
      return rows.map(({ target, info }) => json(target, info));
    }
    const device = this.option<string>('device');
    if (!device) throw new VirError('VIR_ERR_INVALID_ARG', "command 'domblkinfo' requires <device> option"); // (virsh: empty is missing here)
    const info = await this.blockInfo(dom, device);
    this.out(`${'Capacity:'.padEnd(15)} ${show(info.capacity)}\n${'Allocation:'.padEnd(15)} ${show(info.allocation)}\n${'Physical:'.padEnd(15)} ${show(info.physical)}\n`);
    return json(device, info);
  }

  private async allDisks(dom: Domain): Promise<Array<{ target: string; info?: BlockInfo }>> {
    const disks = dom.getBlockDevices ? await dom.getBlockDevices() : [];
    const out = [];
    for (const d of disks) out.push({ target: d.target, info: d.source === '-' ? undefined : await this.blockInfo(dom, d.target) });
    return out;
  }

  private blockInfo(dom: Domain, disk: string): Promise<BlockInfo> {
    if (!dom.getBlockInfo) throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virDomainGetBlockInfo');
    return dom.getBlockInfo(disk);
  }
}

function json(target: string, info: BlockInfo | undefined): Row {
  const n = (v: bigint | undefined): string | null => (v === undefined ? null : v.toString()); // bytes, exact
  return { target, capacity: n(info?.capacity), allocation: n(info?.allocation), physical: n(info?.physical) };
}
