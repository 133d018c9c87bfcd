/**
 * Where a running guest's VNC display is, read from its live domain XML as
 * virsh's vncdisplay reads it: the first <graphics type='vnc'>, its port
 * (bhyve: the one the driver allocated for autoport) and its listen address
 * (the `listen` attribute, else the first <listen type='address'>).
 */
import type { Domain } from './api';
import { VirError } from './errors';

export interface VncDisplay {
  port: number;
  listen?: string;
}

type XmlNode = Record<string, unknown>;

/** The VNC display a domain XML describes, or undefined without VNC graphics. */
export function vncDisplayOf(domainXML: string): VncDisplay | undefined {
  const { XMLParser } = require('fast-xml-parser') as typeof import('fast-xml-parser');
  // attributes prefixed: <graphics listen='…'> and its <listen> children share a name
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, parseAttributeValue: false,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && (name === 'graphics' || name === 'listen'),
  });
  const doc = parser.parse(domainXML) as { domain?: { devices?: { graphics?: XmlNode[] } } };
  const vnc = doc.domain?.devices?.graphics?.find((g) => g['@type'] === 'vnc');
  const port = vnc?.['@port'];
  if (!vnc || typeof port !== 'string' || !/^-?\d+$/.test(port)) return undefined;
  const children = (Array.isArray(vnc.listen) ? vnc.listen : []) as unknown[];
  const fromChild = children.map((l) => (l && typeof l === 'object' ? (l as XmlNode)['@address'] : undefined)).find((a) => typeof a === 'string');
  const attr = vnc['@listen'];
  return { port: Number(port), listen: typeof attr === 'string' ? attr : (fromChild as string | undefined) };
}

/** virsh's vncdisplay: the running domain's display, or virsh's errors. */
export async function domainVncDisplay(dom: Domain): Promise<VncDisplay> {
  if (!(await dom.isActive())) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Domain is not running');
  const display = vncDisplayOf(await dom.getXMLDesc());
  if (!display) throw new VirError('VIR_ERR_OPERATION_FAILED', 'Failed to get VNC port. Is this domain using VNC?');
  return display;
}
