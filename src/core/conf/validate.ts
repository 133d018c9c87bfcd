/**
 * validateDomainModel(xml): what `define --validate` / `create --validate` check
 * on bhyve hosts.
 *
 * libvirt validates the document against its RelaxNG schema (domain.rng). We do
 * not ship libvirt's schema; instead the check is against bvirsh's own model of
 * the domain XML: the document must parse (unknown elements are refused by the
 * parser anyway), and every attribute must be one the parser reads in that
 * place. An attribute the model would silently ignore — a typo such as
 * <disk devcie='cdrom'>, or a libvirt attribute bhyve has no use for — is an
 * error, reported under libvirt's prefix for schema failures. What the parser
 * reads is recorded while it runs, so this check can never drift from the model.
 * <metadata> content (kept verbatim) and namespace declarations are exempt.
 */
import { SCHEMA_ERROR_PREFIX, VirError } from '../errors';
import { parseDomainXML } from './xml-parse';
import { XmlElement } from './xml-reader';


export function validateDomainModel(xml: string): void {
  const read = new Map<XmlElement, Set<string>>();
  const proto = XmlElement.prototype;
  const attr = proto.attr;
  // record which attributes the parser asks each element for
  proto.attr = function recordingAttr(this: XmlElement, name: string): string | undefined {
    let names = read.get(this);
    if (!names) read.set(this, (names = new Set()));
    names.add(name);
    return attr.call(this, name);
  };
  try {
    parseDomainXML(xml);
  } finally {
    proto.attr = attr;
  }
  // the parser reads the root's type first: that is how we meet the tree it built
  const root = [...read.keys()].find((e) => e.name === 'domain');
  if (!root) return; // (parseDomainXML never returns without reading it)
  const problem = unreadAttribute(root, read);
  if (problem) {
    throw new VirError('VIR_ERR_XML_INVALID_SCHEMA', `${SCHEMA_ERROR_PREFIX} bvirsh's bhyve domain model\n${problem}\n`);
  }
}

function unreadAttribute(el: XmlElement, read: Map<XmlElement, Set<string>>): string | undefined {
  if (el.name === 'metadata') return undefined;
  const names = read.get(el);
  for (let i = 0; i < el.attrCount; i++) {
    const a = el.attrName(i);
    if (a === 'xmlns' || a.startsWith('xmlns:')) continue;
    if (!names?.has(a)) return `Invalid attribute ${a} for element ${el.name}`;
  }
  for (const c of el.children) {
    const p = unreadAttribute(c, read);
    if (p) return p;
  }
  return undefined;
}
