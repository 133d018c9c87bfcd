/**
 * Which libvirt API call(s) each command implements — for the README's
 * command table and the man page. A command may also say it itself with a
 * `static libvirt = 'virDomainFoo'` (string or list), which wins; a test
 * fails when a command has neither, so the table stays complete.
 */
import type { ManifestCommand } from './manifest';

const CALLS: Record<string, string[]> = {
  autostart: ['virDomainSetAutostart'],
  capabilities: ['virConnectGetCapabilities'],
  'conn-info': ['virConnectGetURI', 'virConnectGetType', 'virConnectGetHostname', 'virConnectIsAlive',
    'virConnectIsSecure', 'virConnectIsEncrypted'],
  console: ['virDomainOpenConsole'],
  create: ['virDomainCreateXML'],
  define: ['virDomainDefineXML'],
  destroy: ['virDomainDestroy'],
  domblklist: ['virDomainGetXMLDesc'],
  domcapabilities: ['virConnectGetDomainCapabilities'],
  domid: ['virDomainGetID'],
  domiflist: ['virDomainGetXMLDesc'],
  dominfo: ['virDomainGetInfo'],
  dommemstat: ['virDomainMemoryStats'],
  domname: ['virDomainGetName'],
  domstate: ['virDomainGetState'],
  domuuid: ['virDomainGetUUIDString'],
  'domxml-from-native': ['virConnectDomainXMLFromNative'],
  'domxml-to-native': ['virConnectDomainXMLToNative'],
  dumpxml: ['virDomainGetXMLDesc'],
  edit: ['virDomainGetXMLDesc', 'virDomainDefineXML'],
  hostname: ['virConnectGetHostname'],
  'inject-nmi': ['virDomainInjectNMI'],
  list: ['virConnectListAllDomains'],
  maxvcpus: ['virConnectGetMaxVcpus'],
  nodeinfo: ['virNodeGetInfo'],
  reboot: ['virDomainReboot'],
  reset: ['virDomainReset'],
  resume: ['virDomainResume'],
  setmaxmem: ['virDomainSetMemoryFlags', 'virDomainSetMaxMemory'],
  setmem: ['virDomainSetMemoryFlags'],
  setvcpus: ['virDomainSetVcpusFlags'],
  shutdown: ['virDomainShutdown'],
  start: ['virDomainCreate'],
  suspend: ['virDomainSuspend'],
  undefine: ['virDomainUndefine'],
  uri: ['virConnectGetURI'],
  vcpucount: ['virDomainGetVcpusFlags'],
  vcpuinfo: ['virDomainGetVcpus'],
  version: ['virConnectGetVersion', 'virConnectGetLibVersion'],
};

/** The libvirt calls of a command, or [] when nobody said. */
export function libvirtCalls(cmd: ManifestCommand): string[] {
  const own = cmd.libvirt;
  if (typeof own === 'string') return [own];
  if (Array.isArray(own)) return own;
  return CALLS[cmd.id] ?? [];
}
