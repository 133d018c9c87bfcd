/** net-list: list networks (virConnectListAllNetworks), virsh's filters and layouts. */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { networkCalls } from '../cli/network-action';
import { table, yesNo } from '../cli/output';
import { VirError } from '../core/errors';

export default class NetList extends BaseCommand {
  static override summary = 'list networks';
  static override description = 'Returns list of networks.';
  static libvirt = 'virConnectListAllNetworks';
  static override strict = false; // no positional arguments: see BaseCommand
  static override flags = {
    inactive: Flags.boolean({ description: 'list inactive networks' }),
    all: Flags.boolean({ description: 'list inactive & active networks' }),
    persistent: Flags.boolean({ description: 'list persistent networks' }),
    transient: Flags.boolean({ description: 'list transient networks' }),
    autostart: Flags.boolean({ description: 'list networks with autostart enabled' }),
    'no-autostart': Flags.boolean({ description: 'list networks with autostart disabled' }),
    uuid: Flags.boolean({ description: 'list uuid\'s only' }),
    name: Flags.boolean({ description: 'list network names only' }),
    table: Flags.boolean({ description: 'list table (default)' }),
  };

  async run(): Promise<{ networks: unknown[] }> {
    const f = this.parsedFlags as Record<string, boolean | undefined>;
    const conn = await this.conn();
    if ([f.table, f.name, f.uuid].filter(Boolean).length > 1) this.exclusiveOf();
    // virsh: active only by default; --inactive alone, --all both
    const nets = await networkCalls(conn).listAllNetworks({
      active: f.all || !f.inactive, inactive: f.all || f.inactive,
      persistent: f.persistent, transient: f.transient, autostart: f.autostart, noAutostart: f['no-autostart'],
    });
    const rows = await Promise.all(nets.map(async (n) => ({
      name: n.getName(), uuid: await n.getUUIDString(), active: await n.isActive(),
      autostart: await n.getAutostart(), persistent: await n.isPersistent(),
    })));
    // virsh sorts by name, ignoring case
    rows.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
    if (f.name || f.uuid) {
      this.out(rows.map((r) => `${f.uuid ? r.uuid : r.name}\n`).join(''));
    } else {
      this.out(table(['Name', 'State', 'Autostart', 'Persistent'],
        rows.map((r) => [r.name, r.active ? 'active' : 'inactive', yesNo(r.autostart), yesNo(r.persistent)]), { header: !this.quiet }));
    }
    return { networks: rows };
  }

  /** virsh's own option check (an error that, like virsh's, still ends with the empty line) */
  private exclusiveOf(): never {
    throw new VirError('VIR_ERR_INVALID_ARG', 'Only one argument from --table, --name and --uuid may be specified.');
  }
}
