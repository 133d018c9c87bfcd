/**
 * `net-define --validate` / `net-create --validate`. libvirt validates against its
 * RelaxNG schema (network.rng), which bvirsh does not ship; the check here is
 * against a model of the network document, in two strengths:
 *  - 'libvirt': the test:/// driver — the elements libvirt's schema allows under
 *    <network>, and the attributes of the elements bvirsh models; a document
 *    libvirt's schema accepts passes, one it refuses may pass when its fault is
 *    deeper (the message says which model judged);
 *  - 'bhyve': the bhyve driver — exactly what bvirsh's network model reads: an
 *    element or attribute it would drop (a typo, <dns>, <route> …) is refused
 *    rather than silently lost.
 * Messages start with libvirt's words for a schema failure.
 */
import { SCHEMA_ERROR_PREFIX, VirError } from '../errors';
import { parseXML, type XNode } from '../test/xml';

interface Shape { attrs: readonly string[]; children?: Record<string, Shape> }

const TEXT: Shape = { attrs: [] };
const DHCP: Shape = { attrs: [], children: {
  range: { attrs: ['start', 'end'] },
  host: { attrs: ['mac', 'name', 'ip'] },
} };
/** what bvirsh's model (def.ts) reads */
const MODEL: Shape = { attrs: ['ipv6'], children: {
  name: TEXT,
  uuid: TEXT,
  forward: { attrs: ['mode', 'dev'], children: { interface: { attrs: ['dev'] }, nat: { attrs: [], children: { port: { attrs: ['start', 'end'] } } } } },
  bridge: { attrs: ['name', 'stp', 'delay'] },
  mac: { attrs: ['address'] },
  domain: { attrs: ['name'] },
  ip: { attrs: ['family', 'address', 'netmask', 'prefix'], children: { dhcp: DHCP } },
} };
/** elements libvirt 9's network schema allows under <network> that bvirsh does not model */
const LIBVIRT_ONLY = ['metadata', 'title', 'description', 'mtu', 'dns', 'vlan', 'bandwidth', 'route', 'virtualport', 'portgroup', 'port'];

export function validateNetworkXML(xml: string, model: 'libvirt' | 'bhyve'): void {
  const root = parseXML(xml, '(network_definition)');
  const fail = (what: string): never => {
    throw new VirError('VIR_ERR_XML_INVALID_SCHEMA', `${SCHEMA_ERROR_PREFIX} bvirsh's network model\n${what}\n`);
  };
  if (root.name !== 'network') fail(`Expecting element network, got ${root.name}`);
  const walk = (n: XNode, shape: Shape, top: boolean): void => {
    const extraAttrs = top && model === 'libvirt' ? ['trustGuestRxFilters', 'connections', 'xmlns'] : [];
    for (const [k] of n.attrs) {
      if (!shape.attrs.includes(k) && !extraAttrs.includes(k) && !k.startsWith('xmlns:')) fail(`Invalid attribute ${k} for element ${n.name}`);
    }
    for (const c of n.children) {
      const sub = shape.children?.[c.name];
      if (sub) { walk(c, sub, false); continue; }
      if (top && model === 'libvirt' && LIBVIRT_ONLY.includes(c.name)) continue;
      fail(`Element ${n.name} has extra content: ${c.name}`);
    }
  };
  walk(root, MODEL, true);
}
