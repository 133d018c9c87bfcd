/**
 * What libvirt's API layer checks before a driver resizes a domain
 * (virDomainSetMemoryFlags / virDomainSetMaxMemory / virDomainSetVcpusFlags),
 * shared by every driver so the words are the same everywhere.
 */
import type { SetMemoryFlags, SetVcpusFlags } from './api';
import { VirError } from './errors';

/** libvirt refuses a memory size at or above LLONG_MAX / 1024 KiB (it is kept in bytes as a signed 64-bit number). */
const MEMORY_LIMIT_KIB = 9007199254740991n;

/** virDomainSetMemoryFlags' argument checks (after the read-only check): not zero, not too large. */
export function checkMemoryArgument(kib: number | bigint, api = 'virDomainSetMemoryFlags'): number {
  const big = BigInt(kib);
  if (big === 0n) throw new VirError('VIR_ERR_INVALID_ARG', `memory in ${api} must not be zero`);
  if (big >= MEMORY_LIMIT_KIB) throw new VirError('VIR_ERR_OVERFLOW', `numerical overflow: input too large: ${big}`);
  return Number(big);
}

/** virDomainSetVcpusFlags' argument check: no vCPU count of zero. */
export function checkVcpuArgument(count: number, api = 'virDomainSetVcpusFlags'): void {
  if (count === 0) throw new VirError('VIR_ERR_INVALID_ARG', `nvcpus in ${api} must not be zero`);
}

/** Which definitions a change touches (virDomainObjUpdateModificationImpact): --current resolved by the domain's state. */
export function modificationImpact(flags: SetMemoryFlags | SetVcpusFlags, active: boolean, persistent: boolean): { live: boolean; config: boolean } {
  let live = !!flags.live;
  let config = !!flags.config;
  if (!live && !config) {
    if (active) live = true; else config = true;
  }
  if (live && !active) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
  if (config && !persistent) {
    throw new VirError('VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: transient domains do not have any persistent config');
  }
  return { live, config };
}

/** virDomainObjGetOneDef: one definition only. */
export function oneDefImpact(flags: SetMemoryFlags, active: boolean, persistent: boolean): { live: boolean } {
  if (flags.live && flags.config) {
    throw new VirError('VIR_ERR_INVALID_ARG', "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
  }
  return { live: modificationImpact(flags, active, persistent).live };
}
