/**
 * `define --validate` / `create --validate` on test:///. libvirt's test driver
 * validates against libvirt's RelaxNG schema (domain.rng), which bvirsh does not
 * ship. What we check instead is the structure the test driver's model knows:
 * the root's attributes, the elements directly under <domain> and <devices>
 * (plus elements in libvirt's own namespaces, such as <test:runstate>). A
 * document that passes libvirt's schema passes here; one that fails may pass
 * here when its fault is deeper (an attribute of a <disk>, a value): the
 * message says which model judged it, and its first words are libvirt's.
 */
import { SCHEMA_ERROR_PREFIX, VirError } from '../errors';
import { DEVICE_ORDER, TOP_ORDER } from './domain-xml';
import { parseXML, type XNode } from './xml';

/** top-level elements of libvirt's schema that the test driver's canonical order leaves out */
const OTHER_TOP = ['keywrap', 'idmap', 'launchSecurity', 'throttlegroups', 'os', 'maxMemory', 'sysinfo'];
const LIBVIRT_NS = 'http://libvirt.org/schemas/domain/';

export function validateTestDomain(xml: string): void {
  const root = parseXML(xml, '(domain_definition)');
  const fail = (what: string): never => {
    throw new VirError('VIR_ERR_XML_INVALID_SCHEMA', `${SCHEMA_ERROR_PREFIX} bvirsh's test driver model\n${what}\n`);
  };
  if (root.name !== 'domain') fail(`Expecting element domain, got ${root.name}`);
  const namespaces = new Map(root.attrs.filter(([k]) => k.startsWith('xmlns:')).map(([k, v]) => [k.slice(6), v]));
  for (const [k] of root.attrs) {
    if (k !== 'type' && k !== 'id' && k !== 'xmlns' && !k.startsWith('xmlns:')) fail(`Invalid attribute ${k} for element domain`);
  }
  const known = (n: XNode, names: readonly string[]): boolean => {
    const colon = n.name.indexOf(':');
    if (colon < 0) return names.includes(n.name);
    return (namespaces.get(n.name.slice(0, colon)) ?? '').startsWith(LIBVIRT_NS);
  };
  for (const c of root.children) {
    if (!known(c, [...TOP_ORDER, ...OTHER_TOP])) fail(`Element domain has extra content: ${c.name}`);
    if (c.name !== 'devices') continue;
    for (const d of c.children) if (!known(d, DEVICE_ORDER)) fail(`Element devices has extra content: ${d.name}`);
  }
}
