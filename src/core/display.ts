/**
 * Where a running guest's graphical displays are, read from its live domain
 * XML as virsh reads it:
 *  - vncdisplay: the first <graphics type='vnc'>, its port (bhyve: the one the
 *    driver allocated for autoport) and listen address (the `listen`
 *    attribute, else the first <listen type='address'>);
 *  - domdisplay: a connection URI per display type (vnc, spice, rdp, dbus),
 *    with virsh 9.0's rules, checked against it on test:/// (differential
 *    tests): each value is the first one any <graphics> of that type has
 *    (virsh reads them with XPath string(), so a port and a password may come
 *    from two different elements); a wildcard listen address (0.0.0.0, ::)
 *    becomes the connection URI's host, else "localhost"; the password only
 *    when the XML carries it (--include-password asks for the secure XML).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Domain } from './api';
import { VirError } from './errors';
import { parseURI } from './uri';

export interface VncDisplay {
  port: number;
  listen?: string;
}

type XmlNode = Record<string, unknown>;

/** The <graphics> elements of a domain XML, attributes prefixed with '@'. */
function graphicsOf(domainXML: string): XmlNode[] {
  const { XMLParser } = require('fast-xml-parser') as typeof import('fast-xml-parser');
  // attributes prefixed: <graphics listen='…'> and its <listen> children share a name
  const parser = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false, parseAttributeValue: false,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && (name === 'graphics' || name === 'listen'),
  });
  const doc = parser.parse(domainXML) as { domain?: { devices?: { graphics?: XmlNode[] } } };
  return doc.domain?.devices?.graphics ?? [];
}

function listenChildren(g: XmlNode): XmlNode[] {
  return (Array.isArray(g.listen) ? g.listen : []).filter((l): l is XmlNode => !!l && typeof l === 'object');
}

/** The VNC display a domain XML describes, or undefined without VNC graphics. */
export function vncDisplayOf(domainXML: string): VncDisplay | undefined {
  const vnc = graphicsOf(domainXML).find((g) => g['@type'] === 'vnc');
  const port = vnc?.['@port'];
  if (!vnc || typeof port !== 'string' || !/^-?\d+$/.test(port)) return undefined;
  const fromChild = listenChildren(vnc).map((l) => l['@address']).find((a) => typeof a === 'string');
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

/** The display types domdisplay knows, in the order it tries them. */
export const DISPLAY_TYPES = ['vnc', 'spice', 'rdp', 'dbus'] as const;

export interface DisplayURIs {
  /** one URI per display type found, in DISPLAY_TYPES order (only the first without `all`) */
  uris: string[];
  /** problems virsh reports on stderr without failing (a D-Bus address it cannot express) */
  warnings: string[];
}

/** inet_aton's forms (0, 0.0, 0x0.0 …) of 0.0.0.0, or an IPv6 address of all zeros:
 *  what virSocketAddrIsWildcard accepts after a numeric parse. */
export function isWildcardAddress(addr: string): boolean {
  if (/^(0[xX]0*|0+)(\.(0[xX]0*|0+)){0,3}$/.test(addr)) return true;
  if (isIPv4(addr) || !isIPv6(addr)) return false;
  // every hex group zero, and an embedded IPv4 part (::0.0.0.0) zero too
  return addr.split(/[:.]/).every((part) => part === '' || /^0+$/.test(part));
}

/** The host part of a connection URI, as virURIParse's `server` (undefined when none). */
function uriServer(uri: string): string | undefined {
  try {
    const host = parseURI(uri).host;
    if (!host) return undefined;
    const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
    return bracketed ? bracketed[1] : host.replace(/:\d*$/, '');
  } catch {
    return undefined;
  }
}

/**
 * The display URIs of a domain XML (virsh domdisplay), for `type` only when
 * given. `connectionURI` supplies the host for wildcard listen addresses.
 */
export function displayURIsOf(domainXML: string, opts: { type?: string; all?: boolean; connectionURI: string }): DisplayURIs {
  const graphics = graphicsOf(domainXML);
  const out: DisplayURIs = { uris: [], warnings: [] };
  for (const scheme of DISPLAY_TYPES) {
    if (opts.type !== undefined && opts.type !== scheme) continue;
    const ofType = graphics.filter((g) => g['@type'] === scheme);
    // XPath string(graphics[@type=T]/@a): the first such attribute in document order
    const first = (name: string): string | undefined => ofType.map((g) => g[`@${name}`]).find((v): v is string => typeof v === 'string');
    const uri = scheme === 'dbus' ? dbusURI(first('address'), out.warnings) : networkURI(scheme, first, ofType, opts.connectionURI);
    if (uri === undefined) continue;
    out.uris.push(uri);
    if (!opts.all) break;
  }
  return out;
}

function dbusURI(address: string | undefined, warnings: string[]): string | undefined {
  if (address === undefined) return undefined;
  if (!address.startsWith('unix:path=')) {
    warnings.push(`'${address}' D-Bus address is not handled`);
    return undefined;
  }
  return `dbus+unix://${address.slice('unix:path='.length)}`;
}

function networkURI(scheme: string, first: (name: string) => string | undefined, ofType: XmlNode[], connectionURI: string): string | undefined {
  const int = (v: string | undefined): number => (v !== undefined && /^\s*[-+]?\d+\s*$/.test(v) ? Number.parseInt(v, 10) : 0);
  let port = int(first('port'));
  const tlsPort = int(first('tlsPort'));
  const socket = first('socket');
  if (!port && !tlsPort && socket === undefined) return undefined;
  let listen = first('listen');
  if (listen === undefined) {
    listen = ofType.flatMap(listenChildren).map((l) => l['@address']).find((a): a is string => typeof a === 'string');
  } else if (isWildcardAddress(listen)) {
    // listening everywhere: the host this connection reaches (localhost for a local URI)
    listen = uriServer(connectionURI);
  }
  const passwd = first('passwd');
  let uri = socket !== undefined ? `${scheme}+unix://` : `${scheme}://`;
  if (scheme === 'vnc' && passwd !== undefined) uri += `:${passwd}@`;
  if (listen === undefined) uri += socket ?? 'localhost';
  else uri += listen.includes(':') ? `[${listen}]` : listen;
  if (port) {
    if (scheme === 'vnc') port -= 5900; // VNC clients take the display number
    uri += `:${port}`;
  }
  if (tlsPort) uri += `?tls-port=${tlsPort}`;
  if (scheme === 'spice' && passwd !== undefined) uri += `${tlsPort ? '&' : '?'}password=${passwd}`;
  return uri;
}

/** virsh's domdisplay on a domain: its display URIs, or virsh's errors. */
export async function domainDisplayURIs(dom: Domain, opts: { type?: string; all?: boolean; includePassword?: boolean }): Promise<DisplayURIs> {
  if (!(await dom.isActive())) throw new VirError('VIR_ERR_OPERATION_INVALID', 'Domain is not running');
  // virsh reads --type only now, and refuses an empty one
  if (opts.type === '') throw new VirError('VIR_ERR_INVALID_ARG', "Failed to get option 'type': Option argument is empty");
  let xml: string;
  try {
    xml = await dom.getXMLDesc({ secure: !!opts.includePassword });
  } catch (e) {
    if (e instanceof VirError) throw new VirError(e.code, 'Failed to get domain description xml', { detail: e.message, cause: e });
    throw e;
  }
  const found = displayURIsOf(xml, { type: opts.type, all: opts.all, connectionURI: dom.connection.getURI() });
  if (found.uris.length === 0) {
    const message = opts.type !== undefined ? `No graphical display with type '${opts.type}' found` : 'No graphical display found';
    throw new VirError('VIR_ERR_OPERATION_FAILED', message, found.warnings.length ? { warning: found.warnings.map((w) => `error: ${w}`).join('\n') } : {});
  }
  return found;
}
