/** version: library, driver and hypervisor versions (virConnectGetLibVersion / GetVersion). */
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { versionString } from '../cli/output';

/** the libvirt release whose API and behaviour bvirsh reproduces ("compiled against") */
const LIBVIRT_API = 9000000;

export default class Version extends BaseCommand {
  static override summary = 'show version';
  static override strict = false; // no positional arguments: see BaseCommand
  static override flags = { daemon: Flags.boolean({ description: 'report daemon version too' }) };

  async run(): Promise<Record<string, string>> {
    const conn = await this.conn();
    const type = conn.getType();
    const lib = versionString(await conn.getLibVersion());
    const libName = conn.libraryName ?? 'libvirt';
    const hv = versionString(await conn.getVersion());
    this.out(`Compiled against library: libvirt ${versionString(LIBVIRT_API)}\n` +
      `Using library: ${libName} ${lib}\n` +
      `Using API: ${type} ${lib}\n` +
      `Running hypervisor: ${type} ${hv}\n` +
      // no daemon in between: the library answers for it, as libvirt's own test driver does
      (this.parsedFlags.daemon ? `Running against daemon: ${lib}\n` : ''));
    return { compiledAgainst: versionString(LIBVIRT_API), library: `${libName} ${lib}`, api: `${type} ${lib}`, hypervisor: `${type} ${hv}` };
  }
}
