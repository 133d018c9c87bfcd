/**
 * XmlTokenizer: the one-pass markup scanner under bvirsh's two XML readers,
 *  - conf/xml-reader.ts (readXMLTree: the strict domain-XML reader, conversion hot path) and
 *  - test/xml.ts (readPlain: the test:/// driver's fast path, which gives up to fast-xml-parser).
 * It knows the syntax (text, tags and their attributes, comments, processing instructions, CDATA);
 * each reader keeps its own tree, its own rules on top (nesting, one root, entities, trimming) and
 * its own way out (a worded error, or giving up to the full parser).
 *
 * A pull tokenizer: next() reads one token and leaves what it found in public fields; after a
 * StartTag the reader takes the tag's attributes one by one with nextAttr() (so it can check and
 * decode each in document order) until it returns false, before calling next() again. Text that
 * is only whitespace (indentation) makes no token; a reader that wants it (whitespace-only leaf)
 * has the positions. Malformed markup throws MalformedXml; its message is the strict reader's
 * wording.
 *
 * `plain` narrows the syntax to what the test driver's fast path reads (anything else then throws,
 * and that reader gives up): ASCII names starting with a letter or '_', no whitespace around an
 * attribute's '=' nor before an end tag's '>'.
 *
 * Hot path (≥ 20 000 domain documents/s): no regexes and no match arrays, names compared without
 * slicing, one indexOf('<') per start tag serves both the attribute values' '<' check and the
 * search for the next markup.
 */

/** what a document's markup is wrong about (the message says what and where) */
export class MalformedXml extends Error {}

export const enum Token {
  /** end of the document */
  End,
  /** text with something besides whitespace in [start, end): references not decoded */
  Text,
  /** '<name': `name` is set; the attributes follow through nextAttr() */
  StartTag,
  /** '</name>': the name is [start + 2, nameEnd) (see endTagIs) */
  EndTag,
  /** '<!-- … -->': the content is [start + 4, end) */
  Comment,
  /** '<? … ?>': the content is [start + 2, end) */
  ProcessingInstruction,
  /** '<![CDATA[ … ]]>': the content is [start + 9, end) */
  CData,
}

/** the five entities XML predefines */
export const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** end of the XML name starting at `at` (ASCII letters, digits, _ : . - and non-ASCII; not starting with a digit, '.' or '-'), or `at` when there is none */
function scanXmlName(xml: string, at: number): number {
  const c0 = xml.charCodeAt(at);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95 || c0 === 58 || c0 >= 0xc0)) return at;
  let k = at + 1;
  for (;;) {
    const c = xml.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46 ||
      c === 0xb7 || c >= 0xc0) k++;
    else return k;
  }
}

/** end of the plain ASCII name starting at `at` (a letter or '_', then letters, digits, _ - . :), or `at` */
function scanPlainName(xml: string, at: number): number {
  const c0 = xml.charCodeAt(at);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return at;
  let k = at + 1;
  for (;;) {
    const c = xml.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46) k++;
    else return k;
  }
}

export class XmlTokenizer {
  /** where the next token starts */
  pos = 0;
  /** the token's first character ('<' of markup, first character of text) */
  start = 0;
  /** Text: its end; Comment, ProcessingInstruction, CData: where the closing delimiter starts */
  end = 0;
  /** StartTag: the element's name */
  name = '';
  /** EndTag: end of its name */
  nameEnd = 0;
  /** after nextAttr() returned true: the attribute's name and its value as written (references not decoded) */
  attrName = '';
  attrValue = '';
  /** after nextAttr() returned false: the start tag ended with '/>' */
  selfClose = false;
  private readonly n: number;
  /** where the next '<' is when a start tag has already looked it up, else -2 */
  private knownLt = -2;
  /** the first '<' after the current start tag's name (-1: none) */
  private tagLt = -1;

  constructor(readonly xml: string, private readonly plain = false) {
    this.n = xml.length;
  }

  private nameEndAt(at: number): number {
    return this.plain ? scanPlainName(this.xml, at) : scanXmlName(this.xml, at);
  }

  /** the next token (see Token for what it leaves in the fields) */
  next(): Token {
    const xml = this.xml;
    const n = this.n;
    const i = this.pos;
    if (i >= n) return Token.End;
    const lt = this.knownLt !== -2 ? this.knownLt : xml.indexOf('<', i);
    this.knownLt = -2;
    const textEnd = lt < 0 ? n : lt;
    // whitespace between tags (indentation) is skipped without building strings
    let k = i;
    while (k < textEnd && isSpace(xml.charCodeAt(k))) k++;
    if (k < textEnd) {
      this.start = i;
      this.end = textEnd;
      this.pos = textEnd;
      this.knownLt = lt;
      return Token.Text;
    }
    if (lt < 0) {
      this.pos = n;
      return Token.End;
    }
    this.start = lt;
    const c = xml.charCodeAt(lt + 1);
    if (c === 63 /* ? */) {
      const e = xml.indexOf('?>', lt + 2);
      if (e < 0) throw new MalformedXml('unterminated processing instruction');
      this.end = e;
      this.pos = e + 2;
      return Token.ProcessingInstruction;
    }
    if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const e = xml.indexOf('-->', lt + 4);
        if (e < 0) throw new MalformedXml('unterminated comment');
        this.end = e;
        this.pos = e + 3;
        return Token.Comment;
      }
      if (!xml.startsWith('<![CDATA[', lt)) throw new MalformedXml("'<!' that opens neither a comment nor a CDATA section");
      const e = xml.indexOf(']]>', lt + 9);
      if (e < 0) throw new MalformedXml('unterminated CDATA section');
      this.end = e;
      this.pos = e + 3;
      return Token.CData;
    }
    if (c === 47 /* / */) {
      const nameEnd = this.nameEndAt(lt + 2);
      let gt = nameEnd;
      if (!this.plain) while (gt < n && isSpace(xml.charCodeAt(gt))) gt++;
      if (nameEnd === lt + 2 || xml.charCodeAt(gt) !== 62 /* > */) throw new MalformedXml('malformed end tag');
      this.nameEnd = nameEnd;
      this.pos = gt + 1;
      return Token.EndTag;
    }
    const at = this.nameEndAt(lt + 1);
    if (at === lt + 1) throw new MalformedXml('malformed start tag');
    this.name = xml.slice(lt + 1, at);
    this.pos = at;
    this.selfClose = false;
    // The first '<' after the name: an attribute value reaching past it holds a '<' (not
    // allowed), and when the tag is well formed it is also where the next markup starts. One
    // search per tag instead of one per attribute value plus one for the next tag.
    this.tagLt = xml.indexOf('<', at);
    return Token.StartTag;
  }

  /**
   * After a StartTag: reads the next attribute into attrName/attrValue and returns true, or
   * reads the tag's end ('>' or '/>', see selfClose) and returns false.
   */
  nextAttr(): boolean {
    const xml = this.xml;
    const n = this.n;
    let at = this.pos;
    const ws = at;
    while (at < n && isSpace(xml.charCodeAt(at))) at++;
    const ch = xml.charCodeAt(at);
    if (ch === 62 /* > */ || (ch === 47 /* / */ && xml.charCodeAt(at + 1) === 62)) {
      this.selfClose = ch === 47;
      this.pos = ch === 47 ? at + 2 : at + 1;
      this.knownLt = this.tagLt;
      return false;
    }
    const name = this.name;
    if (at === ws) throw new MalformedXml(`malformed start tag <${name}>`); // attributes need whitespace before them
    const nameEnd = this.nameEndAt(at);
    if (nameEnd === at) throw new MalformedXml(`malformed attribute in <${name}>`);
    const aname = xml.slice(at, nameEnd);
    at = nameEnd;
    if (!this.plain) while (at < n && isSpace(xml.charCodeAt(at))) at++;
    if (xml.charCodeAt(at) !== 61 /* = */) throw new MalformedXml(`attribute '${aname}' without a value in <${name}>`);
    at++;
    if (!this.plain) while (at < n && isSpace(xml.charCodeAt(at))) at++;
    const q = xml.charCodeAt(at);
    if (q !== 34 && q !== 39) throw new MalformedXml(`unquoted value of attribute '${aname}' in <${name}>`);
    const close = xml.indexOf(q === 34 ? '"' : "'", at + 1);
    if (close < 0) throw new MalformedXml(`unterminated value of attribute '${aname}'`);
    const lt = this.tagLt;
    if (lt >= 0 && lt < close) throw new MalformedXml(`'<' in the value of attribute '${aname}'`);
    this.attrName = aname;
    this.attrValue = xml.slice(at + 1, close);
    this.pos = close + 1;
    return true;
  }

  /** after an EndTag: whether its name is `name` (compared in place, no slice) */
  endTagIs(name: string): boolean {
    const xml = this.xml;
    const start = this.start + 2;
    if (this.nameEnd - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (xml.charCodeAt(start + k) !== name.charCodeAt(k)) return false;
    return true;
  }

  /** after an EndTag: its name */
  endTagName(): string {
    return this.xml.slice(this.start + 2, this.nameEnd);
  }
}
