/**
 * XmlTokenizer: the one-pass markup scanner under bvirsh's two XML readers,
 *  - conf/xml-reader.ts (readXMLTree: the strict domain-XML reader, conversion hot path) and
 *  - test/xml.ts (readPlain: the test:/// driver's fast path, which gives up to fast-xml-parser).
 * It knows the syntax (text, tags and their attributes, comments, processing instructions, CDATA);
 * each reader keeps its own tree, its own rules on top (nesting, one root, entities, trimming) and
 * its own way out (a worded error, or giving up to the full parser).
 *
 * A pull tokenizer: next() reads one token and leaves what it found in public fields. After a
 * StartTag the reader takes the tag's attributes from attrs[attrStart, attrEnd), then calls
 * checkStartTag(), which throws the syntax error the tag may break off with (so errors come in
 * document order: the reader's own checks of the attributes before it come first). Text that is
 * only whitespace (indentation) makes no token; a reader that wants it (whitespace-only leaf) has
 * the positions. Malformed markup throws MalformedXml; its message is the strict reader's wording.
 *
 * `plain` narrows the syntax to what the test driver's fast path reads (anything else then throws,
 * and that reader gives up): ASCII names starting with a letter or '_', no whitespace around an
 * attribute's '=' nor before an end tag's '>'.
 *
 * Hot path (≥ 20 000 domain documents/s): no regexes and no match arrays, names compared without
 * slicing, one indexOf('<') per start tag serves both the attribute values' '<' check and the
 * search for the next markup. Measured against the two inline scanners it replaced (valgrind
 * instruction counts, corpus documents): about 15% more work per parse in the readers, about 6%
 * per to-native conversion.
 */

/** what a document's markup is wrong about (the message says what and where) */
export class MalformedXml extends Error {}

export const enum Token {
  /** end of the document */
  End,
  /** text with something besides whitespace in [start, end): references not decoded */
  Text,
  /** '<name …>' or '<name …/>': name, attrs[attrStart, attrEnd), selfClose (then call checkStartTag()) */
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
  /** StartTag: its attributes are attrs[attrStart, attrEnd) (see `attrs`) */
  attrStart = 0;
  attrEnd = 0;
  /** StartTag: it ended with '/>' */
  selfClose = false;
  /** StartTag: the syntax error the tag breaks off with after attrs, if any (see checkStartTag) */
  tagError: MalformedXml | null = null;
  private readonly n: number;
  /** where the next '<' is when a start tag has already looked it up, else -2 */
  private knownLt = -2;

  /**
   * `attrs`: the list each start tag's attributes are appended to, names and values as written
   * (references not decoded) alternating; a reader may hand in the list it keeps them in.
   */
  constructor(readonly xml: string, private readonly plain = false, readonly attrs: string[] = []) {
    this.n = xml.length;
  }

  private nameEndAt(at: number): number {
    return this.plain ? scanPlainName(this.xml, at) : scanXmlName(this.xml, at);
  }

  /**
   * The next token (see Token for what it leaves in the fields). Kept small so that the optimising
   * compiler inlines it into the reader's loop: markup other than tags is read out of line.
   */
  next(): Token {
    if (this.tagError !== null) throw this.tagError;
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
    if (c === 47 /* / */) return this.readEndTag(lt);
    if (c === 63 /* ? */ || c === 33 /* ! */) return this.readDeclaration(lt, c);
    this.readStartTag(lt);
    return Token.StartTag;
  }

  private readEndTag(lt: number): Token {
    const xml = this.xml;
    const nameEnd = this.nameEndAt(lt + 2);
    let gt = nameEnd;
    if (!this.plain) while (gt < this.n && isSpace(xml.charCodeAt(gt))) gt++;
    if (nameEnd === lt + 2 || xml.charCodeAt(gt) !== 62 /* > */) throw new MalformedXml('malformed end tag');
    this.nameEnd = nameEnd;
    this.pos = gt + 1;
    return Token.EndTag;
  }

  /** '<?' (c is '?') or '<!' (c is '!') at lt: a processing instruction, comment or CDATA section */
  private readDeclaration(lt: number, c: number): Token {
    const xml = this.xml;
    if (c === 63 /* ? */) {
      const e = xml.indexOf('?>', lt + 2);
      if (e < 0) throw new MalformedXml('unterminated processing instruction');
      this.end = e;
      this.pos = e + 2;
      return Token.ProcessingInstruction;
    }
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

  /**
   * The start tag at `lt`: its name, then its attributes into attrs until '>' or '/>'. A syntax
   * error after the name is not thrown at once but kept in tagError with the attributes before it,
   * so that the reader's own checks of those (entities) come first, in document order.
   */
  private readStartTag(lt: number): void {
    const xml = this.xml;
    const n = this.n;
    let at = this.nameEndAt(lt + 1);
    if (at === lt + 1) throw new MalformedXml('malformed start tag');
    const name = xml.slice(lt + 1, at);
    this.name = name;
    // The first '<' after the name: an attribute value reaching past it holds a '<' (not
    // allowed), and when the tag is well formed it is also where the next markup starts. One
    // search per tag instead of one per attribute value plus one for the next tag.
    const nextLt = xml.indexOf('<', at);
    const attrs = this.attrs;
    const first = attrs.length;
    this.attrStart = first;
    for (;;) {
      const ws = at;
      while (at < n && isSpace(xml.charCodeAt(at))) at++;
      const ch = xml.charCodeAt(at);
      if (ch === 62 /* > */) { at++; this.selfClose = false; break; }
      if (ch === 47 /* / */ && xml.charCodeAt(at + 1) === 62) { at += 2; this.selfClose = true; break; }
      if (at === ws) return this.breakTag(`malformed start tag <${name}>`); // attributes need whitespace before them
      const nameEnd = this.nameEndAt(at);
      if (nameEnd === at) return this.breakTag(`malformed attribute in <${name}>`);
      const aname = xml.slice(at, nameEnd);
      at = nameEnd;
      if (!this.plain) while (at < n && isSpace(xml.charCodeAt(at))) at++;
      if (xml.charCodeAt(at) !== 61 /* = */) return this.breakTag(`attribute '${aname}' without a value in <${name}>`);
      at++;
      if (!this.plain) while (at < n && isSpace(xml.charCodeAt(at))) at++;
      const q = xml.charCodeAt(at);
      if (q !== 34 && q !== 39) return this.breakTag(`unquoted value of attribute '${aname}' in <${name}>`);
      const close = xml.indexOf(q === 34 ? '"' : "'", at + 1);
      if (close < 0) return this.breakTag(`unterminated value of attribute '${aname}'`);
      if (nextLt >= 0 && nextLt < close) return this.breakTag(`'<' in the value of attribute '${aname}'`);
      for (let s = first; s < attrs.length; s += 2) if (attrs[s] === aname) return this.breakTag(`duplicate attribute '${aname}' on <${name}>`);
      attrs.push(aname, xml.slice(at + 1, close));
      at = close + 1;
    }
    this.attrEnd = attrs.length;
    this.pos = at;
    this.knownLt = nextLt;
  }

  private breakTag(error: string): void {
    this.attrEnd = this.attrs.length;
    this.tagError = new MalformedXml(error);
  }

  /**
   * After a StartTag, once the reader has taken its attributes: throws the tag's syntax error, if
   * it has one (see readStartTag). next() throws it too, should a reader not ask.
   */
  checkStartTag(): void {
    if (this.tagError !== null) throw this.tagError;
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
