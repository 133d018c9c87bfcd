/**
 * Small ordered XML tree for the test:/// driver: a safe parser on top of
 * fast-xml-parser (no DOCTYPE, no custom entities, size limit) and a
 * serializer that writes XML the way libvirt formats it (two-space indent,
 * single-quoted attributes, `<x/>` for empty elements).
 *
 * Malformed documents are reported with the wording libxml2 gives for the
 * common cases (virsh prints them verbatim), e.g.
 *   (domain_definition):2: Premature end of data in tag domain line 1
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { VirError } from '../errors';

export interface XNode {
  name: string;
  attrs: Array<[string, string]>;
  children: XNode[];
  /** text content (elements holding only text) */
  text?: string;
  /** foreign XML (domain <metadata>) that libvirt writes with double-quoted attributes */
  doubleQuoted?: boolean;
}

/** Largest XML document we accept (node files with 1000s of domains fit easily). */
export const MAX_XML_BYTES = 32 * 1024 * 1024;

export function el(name: string, attrs: Array<[string, string]> = [], children: XNode[] = [], text?: string): XNode {
  return { name, attrs, children, text };
}

export function attr(n: XNode | undefined, name: string): string | undefined {
  return n?.attrs.find(([k]) => k === name)?.[1];
}

export function setAttr(n: XNode, name: string, value: string): void {
  const a = n.attrs.find(([k]) => k === name);
  if (a) a[1] = value;
  else n.attrs.push([name, value]);
}

export function child(n: XNode | undefined, name: string): XNode | undefined {
  return n?.children.find((c) => c.name === name);
}

export function children(n: XNode | undefined, name: string): XNode[] {
  return n ? n.children.filter((c) => c.name === name) : [];
}

export function textOf(n: XNode | undefined): string | undefined {
  return n?.text;
}

/**
 * Parse a document. `docName` is what libxml2 would name it in errors:
 * '(domain_definition)' for a string, the file path for a file.
 */
export function parseXML(xml: string, docName: string): XNode {
  if (Buffer.byteLength(xml) > MAX_XML_BYTES) {
    throw new VirError('VIR_ERR_XML_ERROR', `XML error: document ${docName} is larger than ${MAX_XML_BYTES} bytes`);
  }
  // DOCTYPE (and with it custom/external entities) is refused outright: a
  // domain or node description never needs one, and it is the XXE/billion-laughs door.
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new VirError('VIR_ERR_XML_ERROR', `XML error: ${docName}: DOCTYPE and entity declarations are not allowed`);
  }
  const wellFormed = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (wellFormed !== true) throw libxmlStyleError(xml, docName, wellFormed.err);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
  });
  const raw = parser.parse(xml) as unknown[];
  const roots = convert(raw);
  if (roots.length === 0) throw libxmlStyleError(xml, docName, { code: 'InvalidXml', msg: 'empty', line: 1, col: 1 });
  return roots[0];
}

type Raw = Record<string, unknown>;

function convert(list: unknown[]): XNode[] {
  const out: XNode[] = [];
  for (const item of list) {
    const o = item as Raw;
    for (const key of Object.keys(o)) {
      if (key === ':@' || key === '#text') continue;
      const attrsRaw = (o[':@'] ?? {}) as Record<string, unknown>;
      const kids = (o[key] ?? []) as unknown[];
      const node: XNode = { name: key, attrs: Object.entries(attrsRaw).map(([k, v]) => [k, String(v)]), children: [] };
      const texts: string[] = [];
      for (const k of kids) {
        const ko = k as Raw;
        if ('#text' in ko) texts.push(String(ko['#text']));
      }
      node.children = convert(kids.filter((k) => !('#text' in (k as Raw))));
      if (texts.length > 0) node.text = texts.join('');
      out.push(node);
    }
  }
  return out;
}

/** libxml2's wording for the malformations people actually make. */
function libxmlStyleError(xml: string, docName: string, err: { code: string; msg: string; line: number; col: number }): VirError {
  const lines = xml.split('\n');
  const trimmed = xml.replace(/\s+$/, '');
  let line = err.line;
  let msg = err.msg;
  let context: string | null = lines[line - 1] ?? null;
  let caret = Math.max(0, err.col - 1);
  const atEOF = (): void => {
    line = xml.endsWith('\n') ? lines.length : lines.length;
    if (xml.endsWith('\n')) context = null;
    else context = lines[lines.length - 1];
    caret = context === null ? 0 : context.length;
  };
  if (xml.length === 0) {
    msg = 'Document is empty';
    line = 1; context = null; caret = 0;
  } else if (trimmed.length === 0 || !trimmed.startsWith('<')) {
    msg = "Start tag expected, '<' not found";
    if (trimmed.length === 0) atEOF();
    else { line = 1; context = lines[0]; caret = 0; }
  } else {
    const openTag = /^<([A-Za-z_][\w.:-]*)/.exec(trimmed)?.[1] ?? '';
    const mismatch = /Expected closing tag '([^']+)' \(opened in line (\d+), col \d+\) instead of closing tag '([^']+)'/.exec(err.msg);
    const unclosed = /Unclosed tag '([^']+)'/.exec(err.msg) ?? /tag '([^']+)'.*not closed/i.exec(err.msg);
    if (mismatch) {
      msg = `Opening and ending tag mismatch: ${mismatch[1]} line ${mismatch[2]} and ${mismatch[3]}`;
      // libxml2 points just past the offending end tag's name
      const l = lines[err.line - 1] ?? '';
      const at = l.indexOf(`</${mismatch[3]}`, Math.max(0, err.col - 2));
      line = err.line; context = l; caret = at >= 0 ? at + 3 + mismatch[3].length : l.length;
    } else if (!/>\s*$/.test(trimmed) && /<[A-Za-z_][^>]*$/.test(trimmed)) {
      const m = /<([A-Za-z_][\w.:-]*)[^>]*$/.exec(trimmed);
      const tagName = m ? m[1] : openTag;
      const startLine = trimmed.slice(0, trimmed.lastIndexOf('<')).split('\n').length;
      msg = `Couldn't find end of Start Tag ${tagName} line ${startLine}`;
      atEOF();
    } else if (unclosed) {
      const name = unclosed[1];
      const startLine = lineOfOpen(xml, name);
      msg = `Premature end of data in tag ${name} line ${startLine}`;
      atEOF();
    }
  }
  const detail = `${docName}:${line}: ${msg}\n${context === null ? '(null)' : context}\n${'-'.repeat(caret)}^`;
  return new VirError('VIR_ERR_XML_DETAIL', detail);
}

function lineOfOpen(xml: string, name: string): number {
  const i = xml.lastIndexOf(`<${name}`);
  return i < 0 ? 1 : xml.slice(0, i).split('\n').length;
}

function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Serialize as libvirt does. `openEmpty` names elements that libvirt writes
 * as an open/close pair even when empty (`<devices>` … `</devices>`).
 */
export function formatXML(n: XNode, indent = '', openEmpty: ReadonlySet<string> = new Set()): string {
  const a = n.attrs.map(([k, v]) => (n.doubleQuoted ? ` ${k}="${escAttr(v)}"` : ` ${k}='${escAttr(v)}'`)).join('');
  if (n.children.length === 0) {
    if (n.text !== undefined && n.text !== '') return `${indent}<${n.name}${a}>${escText(n.text)}</${n.name}>\n`;
    if (openEmpty.has(n.name)) return `${indent}<${n.name}${a}>\n${indent}</${n.name}>\n`;
    if (n.text === '') return `${indent}<${n.name}${a}></${n.name}>\n`;
    return `${indent}<${n.name}${a}/>\n`;
  }
  let s = `${indent}<${n.name}${a}>\n`;
  for (const c of n.children) s += formatXML(c, indent + '  ', openEmpty);
  return s + `${indent}</${n.name}>\n`;
}

export function cloneNode(n: XNode): XNode {
  return { name: n.name, attrs: n.attrs.map(([k, v]) => [k, v]), children: n.children.map(cloneNode), text: n.text, doubleQuoted: n.doubleQuoted };
}
