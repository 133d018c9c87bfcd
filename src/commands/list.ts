/** list: list domains (virConnectListAllDomains), virsh's filters and layouts. */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { stateName, table } from '../cli/output';
import type { ListAllDomainsFlags } from '../core/api';

export default class List extends BaseCommand {
  static override summary = 'list domains';
  static override strict = false; // no positional arguments: see BaseCommand
  static override flags = {
    inactive: Flags.boolean({ description: 'list inactive domains' }),
    all: Flags.boolean({ description: 'list inactive & active domains' }),
    transient: Flags.boolean({ description: 'list transient domains' }),
    persistent: Flags.boolean({ description: 'list persistent domains' }),
    'state-running': Flags.boolean({ description: 'list domains in running state' }),
    'state-paused': Flags.boolean({ description: 'list domains in paused state' }),
    'state-shutoff': Flags.boolean({ description: 'list domains in shutoff state' }),
    'state-other': Flags.boolean({ description: 'list domains in other states' }),
    autostart: Flags.boolean({ description: 'list domains with autostart enabled' }),
    'no-autostart': Flags.boolean({ description: 'list domains with autostart disabled' }),
    'with-managed-save': Flags.boolean({ description: 'list domains with managed save state' }),
    'without-managed-save': Flags.boolean({ description: 'list domains without managed save' }),
    'managed-save': Flags.boolean({ description: 'mark inactive domains with managed save state' }),
    title: Flags.boolean({ description: 'show domain title' }),
    uuid: Flags.boolean({ description: 'list uuid\'s only' }),
    name: Flags.boolean({ description: 'list domain names only' }),
    id: Flags.boolean({ description: 'list domain IDs only' }),
    table: Flags.boolean({ description: 'list table (default)' }),
  };

  async run(): Promise<{ domains: unknown[] }> {
    const f = this.parsedFlags as Record<string, boolean | undefined>;
    this.exclusive('table', 'name');
    this.exclusive('table', 'uuid');
    this.exclusive('table', 'id');
    const conn = await this.conn();
    // virsh: active only by default; --state-shutoff without --all means the inactive ones
    const filter: ListAllDomainsFlags = {
      active: f.all || (!f.inactive && !f['state-shutoff']),
      inactive: f.all || f.inactive || f['state-shutoff'],
      persistent: f.persistent, transient: f.transient,
      running: f['state-running'], paused: f['state-paused'], shutoff: f['state-shutoff'], other: f['state-other'],
      autostart: f.autostart, noAutostart: f['no-autostart'],
      managedSave: f['with-managed-save'], noManagedSave: f['without-managed-save'],
    };
    const rows = await Promise.all((await conn.listAllDomains(filter)).map(async (d) => {
      const id = await d.getID();
      // --managed-save: an inactive domain with a saved image shows as "saved"
      const saved = f['managed-save'] && id < 0 && await d.hasManagedSaveImage();
      return {
        id, name: d.getName(), uuid: await d.getUUIDString(), state: saved ? 'saved' : stateName((await d.getState()).state),
        title: f.title && d.getMetadata ? await d.getMetadata('title') : undefined,
      };
    }));
    // virsh's order: running domains by id, then the inactive ones by name
    rows.sort((a, b) => {
      if (a.id >= 0 && b.id >= 0) return a.id - b.id;
      if (a.id >= 0 || b.id >= 0) return a.id >= 0 ? -1 : 1;
      return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
    });
    if (f.id || f.uuid || f.name) {
      // virsh prints the asked-for fields in the order uuid, id, name; --id alone skips inactive domains
      const shown = f.id && !f.uuid && !f.name ? rows.filter((r) => r.id >= 0) : rows;
      this.out(shown.map((r) => [f.uuid ? r.uuid : undefined, f.id ? (r.id >= 0 ? String(r.id) : '-') : undefined,
        f.name ? r.name : undefined].filter((x) => x !== undefined).join(' ') + '\n').join(''));
    } else {
      const headers = f.title ? ['Id', 'Name', 'State', 'Title'] : ['Id', 'Name', 'State'];
      this.out(table(headers, rows.map((r) => [r.id >= 0 ? String(r.id) : '-', r.name, r.state, ...(f.title ? [r.title ?? ''] : [])]),
        { header: !this.quiet }));
    }
    return { domains: rows.map((r) => ({ ...r, id: r.id >= 0 ? r.id : null })) };
  }
}
