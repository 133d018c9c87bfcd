/** dominfo: domain information (virDomainGetInfo + friends), virsh's layout. */
import { BaseCommand } from '../cli/base';
import { domainArgs, domainFlag } from '../cli/domain-action';
import { keyValue, stateName, yesNo } from '../cli/output';

export default class Dominfo extends BaseCommand {
  static override summary = 'domain information';
  static override args = domainArgs;
  static override requiredOptions = ['domain'];
  static override flags = domainFlag;

  async run(): Promise<Record<string, unknown>> {
    const dom = await this.domainArg();
    const id = await dom.getID();
    const info = await dom.getInfo();
    const persistent = await dom.isPersistent();
    const autostart = await dom.getAutostart();
    const managedSave = await dom.hasManagedSaveImage();
    const sec = dom.getSecurityLabel ? await dom.getSecurityLabel() : null;
    const uuid = await dom.getUUIDString();
    const osType = await dom.getOSType();
    const rows: Array<[string, string | number]> = [
      ['Id:', id < 0 ? '-' : id],
      ['Name:', dom.getName()],
      ['UUID:', uuid],
      ['OS Type:', osType],
      ['State:', stateName(info.state)],
      ['CPU(s):', info.nrVirtCpu],
    ];
    if (info.cpuTime !== 0n) rows.push(['CPU time:', `${(Number(info.cpuTime) / 1e9).toFixed(1)}s`]);
    rows.push(['Max memory:', `${info.maxMem} KiB`], ['Used memory:', `${info.memory} KiB`],
      ['Persistent:', yesNo(persistent)], ['Autostart:', autostart ? 'enable' : 'disable'],
      ['Managed save:', yesNo(managedSave)]);
    if (sec) {
      rows.push(['Security model:', sec.model], ['Security DOI:', sec.doi]);
      if (sec.label) rows.push(['Security label:', `${sec.label} (${sec.enforcing ? 'enforcing' : 'permissive'})`]);
    }
    this.out(keyValue(rows));
    return {
      id: id < 0 ? null : id, name: dom.getName(), uuid, osType,
      state: stateName(info.state), cpus: info.nrVirtCpu, cpuTimeSeconds: Number(info.cpuTime / 1000000n) / 1000, maxMemoryKiB: info.maxMem,
      usedMemoryKiB: info.memory, persistent, autostart, managedSave, security: sec,
    };
  }
}
