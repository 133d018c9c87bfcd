/**
 * setmem / setmaxmem / setvcpus on bhyve hosts. bhyve can change neither the
 * memory nor the vCPUs of a running guest (no balloon device, no vCPU
 * hotplug), so a live change is refused; a config change rewrites the
 * persistent definition atomically, as `define` does, and applies from the
 * next boot (the monitor builds each boot's argv from the definition).
 *
 * A live refusal is VIR_ERR_OPERATION_INVALID ("Requested operation is not
 * valid: …"): the operation is fine for a stopped guest and invalid only in
 * the running state, which is how libvirt's QEMU driver words its own
 * balloon-less refusal ("Unable to change memory of active domain without the
 * balloon device…"), not a configuration libvirt cannot express.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SetMemoryFlags, SetVcpusFlags } from '../api';
import type { DomainDef } from '../conf/domain';
import { VirError } from '../errors';
import { checkMemoryArgument, checkVcpuArgument, modificationImpact, oneDefImpact } from '../resize';
import { formatDomainXML, parseDomainXML } from './conf';
import type { BhyveHost } from './host';
import { atomicWriteFile, removeDeadTempFiles } from './state';

export interface ResizeTarget {
  host: BhyveHost;
  name: string;
  active: boolean;
  persistent: boolean;
}

const LIVE_MEMORY = 'Requested operation is not valid: bhyve cannot change the memory of a running domain (it has no balloon device); use --config to change it from the next boot';
const LIVE_VCPUS = 'Requested operation is not valid: bhyve cannot change the vCPUs of a running domain (no vCPU hotplug); use --config to change them from the next boot';

/** Read the persistent definition, change it, check it still parses, write it back atomically. */
function editDefinition(t: ResizeTarget, edit: (def: DomainDef) => void): void {
  const path = join(t.host.domainsDir, `${t.name}.xml`);
  const def = parseDomainXML(readFileSync(path, 'utf8'));
  edit(def);
  const text = formatDomainXML(def, { inactive: true });
  parseDomainXML(text); // the result must be a definition define would accept (e.g. <vcpupin> within the vCPUs)
  removeDeadTempFiles(t.host.domainsDir);
  atomicWriteFile(path, text);
}

/** virDomainSetMemoryFlags: only the persistent definition can change. */
export function setMemory(t: ResizeTarget, kib: number | bigint, flags: SetMemoryFlags): void {
  const memory = checkMemoryArgument(kib);
  const { live } = oneDefImpact(flags, t.active, t.persistent);
  if (flags.maximum && live) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot resize the maximum memory on an active domain');
  if (live) throw new VirError('VIR_ERR_OPERATION_INVALID', LIVE_MEMORY);
  editDefinition(t, (def) => {
    if (flags.maximum) {
      if (def.cpu?.numa?.length) {
        throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: initial memory size of a domain with NUMA nodes cannot be modified with this API');
      }
      def.memory = memory;
      if ((def.currentMemory ?? memory) > memory) def.currentMemory = memory;
    } else {
      if (memory > def.memory) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: cannot set memory higher than max memory');
      def.currentMemory = memory;
    }
  });
}

/** virDomainSetVcpusFlags: the persistent definition's current count, or its maximum, within the host's limit. */
export function setVcpus(t: ResizeTarget, count: number, flags: SetVcpusFlags, api: string, hostMax: number): void {
  checkVcpuArgument(count, api);
  const bits = (flags.guest ? 8 : 0) | (flags.hotpluggable ? 16 : 0);
  if (bits) throw new VirError('VIR_ERR_INVALID_ARG', `unsupported flags (0x${bits.toString(16)}) in function bhyveDomainSetVcpusFlags`);
  if (count > hostMax) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: requested cpu amount exceeds maximum supported amount (${count | 0} > ${hostMax})`);
  }
  const impact = modificationImpact(flags, t.active, t.persistent);
  if (impact.live) throw new VirError('VIR_ERR_OPERATION_INVALID', LIVE_VCPUS);
  editDefinition(t, (def) => {
    let max = def.vcpu;
    let current = def.vcpuCurrent ?? def.vcpu;
    if (flags.maximum) {
      max = count;
      current = Math.min(current, count);
    } else {
      if (count > max) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: requested cpu amount exceeds maximum (${count} > ${max})`);
      current = count;
    }
    const topo = def.cpu?.topology;
    if (topo && topo.sockets * topo.cores * topo.threads !== current) {
      throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: CPU topology (${topo.sockets} sockets x ${topo.cores} cores x ${topo.threads} threads) does not match the vCPU count ${current}`);
    }
    def.vcpu = max;
    def.vcpuCurrent = current === max ? undefined : current;
  });
}
