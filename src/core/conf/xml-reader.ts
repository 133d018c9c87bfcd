/**
 * readXMLTree(xml): a strict, single-pass XML reader for domain XML — the
 * conversion hot path (≥ 20 000 documents/s is the goal, see bench/). The
 * markup is read by the shared tokenizer (../xml/tokenizer.ts, whose messages
 * are this reader's); this file builds the tree and checks the structure.
 *
 * Safety rules (checked before any tree is built):
 *  - size limit MAX_XML_BYTES (10 MiB), checked first;
 *  - nesting deeper than MAX_XML_DEPTH (256) is refused;
 *  - '<!' may only open a comment or a CDATA section: any DOCTYPE / ENTITY
 *    declaration is refused, so there is no entity expansion (billion laughs)
 *    and no external entity (XXE) — only the five predefined entities and
 *    character references are decoded.
 * Whitespace-only text is kept only in leaf elements (indentation is dropped).
 * Well-formedness is enforced while reading: names, quoted attributes without
 * '<', no duplicate attribute, '&' only as a valid reference, matching end
 * tags, one root, nothing but whitespace/comments/PIs outside it.
 *
 * When the reader finds a document malformed, fast-xml-parser's XMLValidator
 * (a well-kept, independent checker) is asked for the line/column diagnosis, so
 * the user sees a precise message; the reader's own message is the fallback.
 * test/unit/xml-reader.test.ts checks that both agree on accept/reject over
 * mutated corpus documents.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import { VirError } from '../errors';
import { MalformedXml, PREDEFINED_ENTITIES, Token, XmlTokenizer } from '../xml/tokenizer';

export const MAX_XML_BYTES = 10 * 1024 * 1024;
/** deeper nesting than this is refused (keeps every later recursive walk bounded) */
export const MAX_XML_DEPTH = 256;

/** shared by every element without children (never mutated: saves an allocation per leaf) */
const NO_CHILDREN: readonly XmlElement[] = [];
const NO_ATTRS: readonly string[] = [];

/**
 * A parsed element in document order. Attributes are not an object: adding
 * properties with names only known at run time sends V8 through its slow
 * keyed-store path for every attribute. All the attributes of a document sit in
 * one list of names and values shared by its elements (one growing array per
 * document instead of an array per element); an element knows its range
 * [attrStart, attrEnd) and attr() scans those few entries. `attrs` builds the
 * object form on demand (tests, generic walkers).
 */
export class XmlElement {
  /** text content (entities decoded, CDATA included) */
  text = '';
  /** child elements in document order */
  children: readonly XmlElement[] = NO_CHILDREN;
  constructor(
    readonly name: string,
    /** the document's attribute names and values, alternating; this element's are [attrStart, attrEnd) */
    private readonly attrStore: readonly string[] = NO_ATTRS,
    private readonly attrStart = 0,
    private readonly attrEnd = 0,
  ) {}

  /** the value of attribute `name`, or undefined */
  attr(name: string): string | undefined {
    const store = this.attrStore;
    for (let i = this.attrStart; i < this.attrEnd; i += 2) if (store[i] === name) return store[i + 1];
    return undefined;
  }

  /** number of attributes */
  get attrCount(): number {
    return (this.attrEnd - this.attrStart) / 2;
  }

  /** name of the i-th attribute (document order) */
  attrName(i: number): string {
    return this.attrStore[this.attrStart + 2 * i];
  }

  /** value of the i-th attribute (document order) */
  attrValue(i: number): string {
    return this.attrStore[this.attrStart + 2 * i + 1];
  }

  /** the attributes as a plain object (built on each call) */
  get attrs(): Record<string, string> {
    const o: Record<string, string> = {};
    for (let i = 0; i < this.attrCount; i++) {
      // an attribute called __proto__ must stay a plain data property
      Object.defineProperty(o, this.attrName(i), { value: this.attrValue(i), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
}

/** a reference: one of the predefined entities or a character reference */
const ENTITY_RE = /&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g;
/** an '&' that does not start a valid reference */
const BAD_AMP_RE = /&(?!(?:lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);)/;

/**
 * buf[from..to) as a new array of exactly that size. Array literals for the child counts
 * elements usually have: the optimising compiler allocates those inline, where slice() is
 * a call into the runtime.
 */
function copyList<T>(buf: T[], from: number, to: number): T[] {
  switch (to - from) {
    case 1: return [buf[from]];
    case 2: return [buf[from], buf[from + 1]];
    case 3: return [buf[from], buf[from + 1], buf[from + 2]];
    case 4: return [buf[from], buf[from + 1], buf[from + 2], buf[from + 3]];
    case 6: return [buf[from], buf[from + 1], buf[from + 2], buf[from + 3], buf[from + 4], buf[from + 5]];
    default: return buf.slice(from, to);
  }
}

function xmlError(msg: string): VirError {
  return new VirError('VIR_ERR_XML_ERROR', `XML error: ${msg}`);
}

/** `s` with its references decoded; s is the text of <name>, or the value of attribute `name` (the place is spelled out only for an error) */
function decode(s: string, name: string, inAttr: boolean): string {
  if (s.indexOf('&') < 0) return s;
  return decodeRefs(s, inAttr ? `attribute '${name}'` : `<${name}>`);
}

function decodeRefs(s: string, where: string): string {
  if (BAD_AMP_RE.test(s)) throw new MalformedXml(`invalid entity or '&' in ${where}`);
  return s.replace(ENTITY_RE, (_m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new MalformedXml(`invalid character reference in ${where}`);
      return String.fromCodePoint(cp);
    }
    return PREDEFINED_ENTITIES[e];
  });
}

/** control characters XML does not allow (a module constant: a regex literal in the function would make a new RegExp object per call) */
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR_RE = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

function refuseHostile(xml: string): void {
  if (typeof xml !== 'string') throw xmlError('document is not a string');
  // UTF-8 takes at least one byte per UTF-16 unit: only long strings need the exact count
  if (xml.length > MAX_XML_BYTES || (xml.length > MAX_XML_BYTES / 3 && Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES)) {
    throw xmlError(`document is larger than the ${MAX_XML_BYTES / 1048576} MiB limit`);
  }
  if (CONTROL_CHAR_RE.test(xml)) throw xmlError('control characters are not allowed in XML');
  for (let at = xml.indexOf('<!'); at >= 0; at = xml.indexOf('<!', at + 2)) {
    if (!xml.startsWith('<!--', at) && !xml.startsWith('<![CDATA[', at)) {
      throw xmlError('DOCTYPE and ENTITY declarations are not allowed in domain XML');
    }
  }
}

/** the element tree of `xml`: the tokenizer reads the markup, this builds XmlElements and checks the document's structure */
function read(xml: string): XmlElement {
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  const contentStart: number[] = [];
  // Children are gathered on a scratch list and copied out when their parent closes: each
  // element then gets an array of exactly the right size (push() would grow it to 17+ slots).
  const kids: XmlElement[] = [];
  let nkids = 0;
  const kidsStart: number[] = [];
  // the attributes of every element, one after the other (see XmlElement)
  const attrStore: string[] = [];
  // most documents hold no reference at all: then no text or value needs decoding
  const hasRefs = xml.indexOf('&') >= 0;
  const tok = new XmlTokenizer(xml, false, attrStore);
  for (;;) {
    switch (tok.next()) {
      case Token.Text: {
        if (stack.length === 0) throw new MalformedXml('text outside the root element');
        const top = stack[stack.length - 1];
        const raw = xml.slice(tok.start, tok.end);
        const t = hasRefs ? decode(raw, top.name, false) : raw;
        top.text = top.text === '' ? t : top.text + t;
        break;
      }
      case Token.StartTag: {
        const name = tok.name;
        // the tokenizer has appended the attributes to attrStore: decode their values in place
        const attrStart = tok.attrStart;
        const attrEnd = tok.attrEnd;
        if (hasRefs) for (let a = attrStart; a < attrEnd; a += 2) attrStore[a + 1] = decode(attrStore[a + 1], attrStore[a], true);
        tok.checkStartTag();
        const el = new XmlElement(name, attrStore, attrStart, attrEnd);
        if (stack.length > 0) kids[nkids++] = el;
        else if (root) throw new MalformedXml('more than one root element');
        else root = el;
        if (!tok.selfClose) {
          if (stack.length >= MAX_XML_DEPTH) throw xmlError(`elements are nested deeper than ${MAX_XML_DEPTH} levels`);
          stack.push(el);
          contentStart.push(tok.pos);
          kidsStart.push(nkids);
        }
        break;
      }
      case Token.EndTag: {
        const top = stack.pop();
        if (!top || !tok.endTagIs(top.name)) {
          throw new MalformedXml(`end tag </${tok.endTagName()}> does not match ${top ? `<${top.name}>` : 'any open element'}`);
        }
        const first = kidsStart.pop()!;
        if (nkids > first) top.children = copyList(kids, first, nkids);
        nkids = first;
        // a leaf holding only whitespace keeps it (<serial> </serial> is not <serial/>)
        const start = contentStart.pop()!;
        const lt = tok.start;
        if (top.text === '' && top.children.length === 0 && start < lt) {
          const raw = xml.slice(start, lt);
          if (raw.indexOf('<') < 0) top.text = raw;
        }
        break;
      }
      case Token.ProcessingInstruction: {
        const lt = tok.start;
        if (xml.startsWith('<?xml', lt) && /[\s?]/.test(xml[lt + 5] ?? '') && lt !== 0 && xml.slice(0, lt).trim() !== '') {
          throw new MalformedXml('XML declaration not at the start of the document');
        }
        break;
      }
      case Token.CData: {
        // refuseHostile() admitted only comments and CDATA after '<!'
        if (stack.length === 0) throw new MalformedXml('CDATA outside the root element');
        const top = stack[stack.length - 1];
        top.text += xml.slice(tok.start + 9, tok.end);
        break;
      }
      case Token.Comment:
        break;
      case Token.End:
        if (stack.length > 0) throw new MalformedXml(`unclosed element <${stack[stack.length - 1].name}>`);
        if (!root) throw new MalformedXml('no root element');
        return root;
    }
  }
}

/** Read a document into its element tree, or throw VIR_ERR_XML_ERROR. */
export function readXMLTree(xml: string): XmlElement {
  refuseHostile(xml);
  try {
    return read(xml);
  } catch (e) {
    if (!(e instanceof MalformedXml)) throw e;
    // loaded only here: start-up never pays for it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { XMLValidator } = require('fast-xml-parser') as typeof FastXmlParser;
    const v = XMLValidator.validate(xml, { allowBooleanAttributes: false });
    if (v !== true) throw xmlError(`malformed XML at line ${v.err.line}, column ${v.err.col}: ${v.err.msg}`);
    throw xmlError(`malformed XML: ${e.message}`);
  }
}
