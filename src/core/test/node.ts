/**
 * The test driver's host ("node"): libvirt's built-in default node and the
 * loader for libvirt-format node XML files (test:///ABS/FILE.xml):
 *
 *   <node>
 *     <cpu><nodes/><sockets/><cores/><threads/><active/><mhz/><model/></cpu>
 *     <memory>KiB</memory>
 *     <domain type='test'>…</domain>  or  <domain file='relative/or/abs.xml'/>
 *   </node>
 *
 * Domains may carry the test namespace
 * (xmlns:test='http://libvirt.org/schemas/domain/test/1.0') with
 * <test:runstate>N</test:runstate> (virDomainState number), <test:transient/>
 * and <test:hasmanagedsave/>. <network> elements (or <network file='…'/>)
 * become the node's virtual networks (network.ts); pools and devices in the
 * file are accepted and ignored (bvirsh has no commands for them yet).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { NodeInfo } from '../api';
import { VirError } from '../errors';
import { attr, child, children, parseXML, type XNode } from './xml';

export interface TestCell { memory: number; cpus: Array<{ id: number; socket: number; core: number }> }

export interface TestNode {
  info: NodeInfo;
  /** NUMA cells reported by capabilities (the default node has two, file nodes none) */
  cells: TestCell[];
  /** <domain> elements, file= references resolved */
  domains: XNode[];
  /** <network> elements (file= resolved), or the default network's XML */
  networks: Array<XNode | string>;
}

/** The <domain> libvirt's test:///default starts with. */
export const DEFAULT_DOMAIN_XML = `<domain type='test'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory>8388608</memory>
  <currentMemory>2097152</currentMemory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default' bridge='virbr0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x1' function='0x0'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x2' function='0x0'/>
    </memballoon>
  </devices>
</domain>`;

function defaultInfo(): NodeInfo {
  return { model: 'i686', memory: 3 * 1024 * 1024, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2 };
}

/** test:///default's one network, `default` (NAT on virbr0), as libvirt's test driver has it */
export const DEFAULT_NETWORK_XML = `<network>
  <name>default</name>
  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
  <forward/>
  <bridge name='virbr0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>`;

export function defaultNode(): TestNode {
  const cells: TestCell[] = [0, 1].map((i) => ({
    memory: (i + 1) * 2048 * 1024,
    cpus: Array.from({ length: 8 }, (_, j) => ({ id: i * 8 + j, socket: i, core: j })),
  }));
  return { info: defaultInfo(), cells, domains: [parseXML(DEFAULT_DOMAIN_XML, '(test driver)')], networks: [DEFAULT_NETWORK_XML] };
}

function connectError(detail: string, warning?: string): VirError {
  return new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor', { detail, warning });
}

function readXMLFile(path: string): XNode {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw connectError(`XML error: failed to parse xml document '${path}'`, `I/O warning : failed to load external entity "${path}"`);
  }
  try {
    return parseXML(text, path);
  } catch (e) {
    throw connectError((e as Error).message);
  }
}

/** Load a node XML file (absolute path). Errors are virsh's "failed to connect" pair. */
export function loadNodeFile(path: string): TestNode {
  const root = readXMLFile(path);
  if (root.name !== 'node') throw connectError(`XML error: expecting root element of 'node', not '${root.name}'`);
  const info = defaultInfo();
  const cpu = child(root, 'cpu');
  const num = (n: XNode | undefined, what: string): number | undefined => {
    if (!n) return undefined;
    const t = (n.text ?? '').trim();
    if (!/^-?\d+$/.test(t)) throw connectError(`XML error: invalid node ${what} value`);
    return Number(t);
  };
  info.nodes = num(child(cpu, 'nodes'), 'cpu nodes') ?? info.nodes;
  info.sockets = num(child(cpu, 'sockets'), 'cpu sockets') ?? info.sockets;
  info.cores = num(child(cpu, 'cores'), 'cpu cores') ?? info.cores;
  info.threads = num(child(cpu, 'threads'), 'cpu threads') ?? info.threads;
  info.cpus = info.nodes * info.sockets * info.cores * info.threads;
  const active = num(child(cpu, 'active'), 'cpu active');
  if (active !== undefined && active < info.cpus) info.cpus = active;
  info.mhz = num(child(cpu, 'mhz'), 'cpu mhz') ?? info.mhz;
  const model = child(cpu, 'model')?.text?.trim();
  if (model !== undefined && model !== '') info.model = model;
  info.memory = num(child(root, 'memory'), 'memory') ?? info.memory;

  const domains = children(root, 'domain').map((d) => {
    const file = attr(d, 'file');
    if (file === undefined) {
      // namespace declarations on <node> apply to the domains inside it
      for (const [k, v] of root.attrs) if (k.startsWith('xmlns:') && !d.attrs.some(([dk]) => dk === k)) d.attrs.push([k, v]);
      return d;
    }
    return readXMLFile(isAbsolute(file) ? file : join(dirname(path), file));
  });
  const networks = children(root, 'network').map((n) => {
    const file = attr(n, 'file');
    return file === undefined ? n : readXMLFile(isAbsolute(file) ? file : join(dirname(path), file));
  });
  return { info, cells: [], domains, networks };
}

/** Highest host CPU count the node describes (libvirt's VIR_NODEINFO_MAXCPUS). */
export function maxCpus(info: NodeInfo): number {
  return info.nodes * info.sockets * info.cores * info.threads;
}
