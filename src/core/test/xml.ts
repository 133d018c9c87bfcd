/**
 * Small ordered XML tree for the test:/// driver: a safe parser (no DOCTYPE,
 * no custom entities, size limit) and a serializer that writes XML the way
 * libvirt formats it (two-space indent, single-quoted attributes, `<x/>` for
 * empty elements).
 *
 * Parsing has two paths that build the same tree. The fast one (readPlain)
 * reads, in one pass over the shared tokenizer (../xml/tokenizer.ts, in its
 * plain mode), the plain XML that domain and node files are written
 * in; on anything else, malformed input included, it gives up and the full
 * one (parseXMLFull: fast-xml-parser, loaded only then) decides. Malformed
 * documents are reported with the wording libxml2 gives for the common cases
 * (virsh prints them verbatim), e.g.
 *   (domain_definition):2: Premature end of data in tag domain line 1
 * test/unit/test-xml.test.ts checks that both paths agree.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import { VirError } from '../errors';
import { MalformedXml, PREDEFINED_ENTITIES, Token, XmlTokenizer } from '../xml/tokenizer';

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
  return readPlain(xml) ?? parseXMLFull(xml, docName);
}

/** The full parser: fast-xml-parser's validator and parser, with libxml2's
 *  wording for errors. Exported for the test that compares both paths. */
export function parseXMLFull(xml: string, docName: string): XNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { XMLParser, XMLValidator } = require('fast-xml-parser') as typeof FastXmlParser;
  const wellFormed = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (wellFormed !== true) {
    if (/is repeated/.test(wellFormed.err.msg)) checkLikeLibxml(xml, docName);
    throw libxmlStyleError(xml, docName, wellFormed.err);
  }
  checkLikeLibxml(xml, docName);
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

const NAMED_ENTITY_RE = /&(lt|gt|amp|apos|quot);/g;
const OTHER_AMP_RE = /&(?!(?:lt|gt|amp|apos|quot);)/;

/** The five predefined entities decoded in one pass (as fast-xml-parser
 *  does); undefined for any other '&' (left to the full parser). */
function decodeNamed(s: string): string | undefined {
  if (s.indexOf('&') < 0) return s;
  if (OTHER_AMP_RE.test(s)) return undefined;
  return s.replace(NAMED_ENTITY_RE, (_m, e: string) => PREDEFINED_ENTITIES[e]);
}

/** names fast-xml-parser treats specially (object keys): left to it */
const SPECIAL_NAMES = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);

/**
 * The fast path: the tree parseXMLFull would build, or undefined when the
 * document uses anything beyond plain XML (or is malformed). Text and
 * attribute values are trimmed, then the predefined entities decoded; the
 * text pieces of an element (split by its children) are joined.
 */
function readPlain(xml: string): XNode | undefined {
  try {
    return readPlainTree(xml);
  } catch (e) {
    if (e instanceof MalformedXml) return undefined; // the tokenizer's plain syntax does not cover it
    throw e;
  }
}

/** readPlain's tree builder over the tokenizer in its plain mode (which throws on anything else) */
function readPlainTree(xml: string): XNode | undefined {
  let root: XNode | undefined;
  const stack: XNode[] = [];
  const pieces: Array<string[] | undefined> = [];
  const tok = new XmlTokenizer(xml, true);
  for (;;) {
    switch (tok.next()) {
      case Token.Text: {
        if (stack.length === 0) return undefined; // text outside the root
        const t = xml.slice(tok.start, tok.end).trim();
        if (t.length > 0) {
          const d = decodeNamed(t);
          if (d === undefined) return undefined;
          const top = stack.length - 1;
          (pieces[top] ??= []).push(d);
        }
        break;
      }
      case Token.StartTag: {
        const name = tok.name;
        if (SPECIAL_NAMES.has(name)) return undefined;
        const node: XNode = { name, attrs: [], children: [] };
        tok.checkStartTag();
        const attrs = tok.attrs;
        for (let a = tok.attrStart; a < tok.attrEnd; a += 2) {
          if (SPECIAL_NAMES.has(attrs[a])) return undefined;
          const v = decodeNamed(attrs[a + 1].trim());
          if (v === undefined) return undefined;
          node.attrs.push([attrs[a], v]);
        }
        if (stack.length > 0) stack[stack.length - 1].children.push(node);
        else if (root) return undefined; // a second root
        else root = node;
        if (!tok.selfClose) {
          stack.push(node);
          pieces.push(undefined);
        }
        break;
      }
      case Token.EndTag: {
        const top = stack.pop();
        if (!top || !tok.endTagIs(top.name)) return undefined;
        const texts = pieces.pop();
        if (texts) top.text = texts.join('');
        break;
      }
      case Token.Comment:
        // only outside the root element, and without '--' in it; the rest is left to the full parser
        if (stack.length > 0 || xml.slice(tok.start + 4, tok.end).includes('--')) return undefined;
        break;
      case Token.ProcessingInstruction:
        // only the XML declaration, first in the document
        if (tok.start !== 0 || !xml.startsWith('<?xml ')) return undefined;
        break;
      case Token.CData:
        return undefined;
      case Token.End:
        if (stack.length > 0) return undefined;
        return root;
    }
  }
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

/** A libxml2-style error at a character offset of the document. */
function errorAt(xml: string, docName: string, offset: number, msg: string): VirError {
  const before = xml.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = xml.indexOf('\n', offset);
  const context = xml.slice(lineStart, lineEnd < 0 ? xml.length : lineEnd);
  return new VirError('VIR_ERR_XML_DETAIL', `${docName}:${line}: ${msg}\n${context}\n${'-'.repeat(offset - lineStart)}^`);
}

const MARKUP = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);

/**
 * What fast-xml-parser's validator lets through but libxml2 refuses, in
 * libxml2's words: content after the root element, undefined entities,
 * an attribute given twice.
 */
function checkLikeLibxml(xml: string, docName: string): void {
  let depth = 0;
  let rootEnd = -1;
  MARKUP.lastIndex = 0;
  for (let m = MARKUP.exec(xml); m; m = MARKUP.exec(xml)) {
    if (m[2] === undefined) continue; // comment, CDATA, processing instruction
    if (rootEnd >= 0) throw errorAt(xml, docName, m.index, 'Extra content at the end of the document');
    const seen = new Set<string>();
    const attrRe = /([^\s=]+)\s*=\s*("[^"]*"|'[^']*')/g;
    for (let a = attrRe.exec(m[3]); a; a = attrRe.exec(m[3])) {
      if (seen.has(a[1])) {
        const at = m.index + 1 + m[2].length + a.index + a[0].length;
        throw errorAt(xml, docName, at, `Attribute ${a[1]} redefined`);
      }
      seen.add(a[1]);
    }
    if (m[1]) depth--;
    else if (!m[4]) depth++;
    if (depth === 0) rootEnd = m.index + m[0].length;
  }
  const ent = /&([A-Za-z_][\w.-]*);/g;
  for (let e = ent.exec(xml); e; e = ent.exec(xml)) {
    if (!PREDEFINED.has(e[1])) throw errorAt(xml, docName, e.index + e[0].length, `Entity '${e[1]}' not defined`);
  }
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
