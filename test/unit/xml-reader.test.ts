/**
 * The strict XML reader (conf/xml-reader.ts) against fast-xml-parser's
 * XMLValidator: on well-formed and malformed documents (hand-written cases and
 * bounded mutations of corpus documents) the reader must never accept what the
 * validator rejects. It may reject more (it refuses DOCTYPE outright), which
 * the test counts but allows only for those documented reasons.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { readXMLTree } from '../../src/core/conf/xml-reader';
import { VirError } from '../../src/core/errors';
import { CORPUS_DIR, corpusPresent } from '../conformance/corpus';
import { prng as rng } from '../helpers/prng';

function readerAccepts(xml: string): boolean {
  try { readXMLTree(xml); return true; } catch (e) { assert.ok(e instanceof VirError, String(e)); return false; }
}
const validatorAccepts = (xml: string): boolean => XMLValidator.validate(xml, { allowBooleanAttributes: false }) === true;


const PIECES = ['<', '>', '/', '"', "'", '&', '&amp;', '&bogus;', '=', ' ', '<a>', '</a>', '<!--', '-->', '<![CDATA[', ']]>', '<?x?>', 'é'];

describe('xml-reader: strict and in agreement with fast-xml-parser', () => {
  it('hand-written malformed documents are rejected with a located message', () => {
    const bad = ['<domain><name>x</name>', '<domain><name>x</nam></domain>', '<domain a=1></domain>',
      '<domain a="1" a="2"></domain>', 'junk<domain/>', '<domain><a <b/></domain>',
'<domain><name>x</name></domain></domain>', '<domain><!-- x</domain>'];
    for (const x of bad) {
      assert.equal(validatorAccepts(x), false, `validator accepts ${x}`);
      assert.throws(() => readXMLTree(x), (e: unknown) => e instanceof VirError && e.code === 'VIR_ERR_XML_ERROR' && /malformed XML at line \d+/.test(e.message), x);
    }
    // stricter than the validator: a second root element, an undefined entity
    for (const [x, msg] of [['<domain></domain><x/>', /malformed XML: more than one root element/],
      ['<domain>&unknown;</domain>', /malformed XML: invalid entity or '&' in <domain>/],
      ['<domain a="<"/>', /malformed XML: '<' in the value of attribute 'a'/]] as const) {
      assert.equal(validatorAccepts(x), true);
      assert.throws(() => readXMLTree(x), msg);
    }
  });

  it('refuses raw control characters; keeps whitespace-only leaf text but not comments', () => {
    assert.throws(() => readXMLTree('<d>\x01</d>'), /control characters are not allowed/);
    assert.equal(readXMLTree('<d><s> </s></d>').children[0].text, ' ');
    assert.equal(readXMLTree('<d><s> <!-- c --> </s></d>').children[0].text, '');
  });

  it('well-formed details: entities, CDATA, comments, PIs, namespaces', () => {
    const t = readXMLTree(`<?xml version="1.0"?>\n<!-- c --><d xmlns:b='u' b:x="1&amp;2"><t>&lt;&#65;&#x42;<![CDATA[<raw>]]></t><?pi x?><e/></d>\n`);
    assert.equal(t.name, 'd');
    assert.deepEqual(t.attrs, { 'xmlns:b': 'u', 'b:x': '1&2' });
    assert.equal(t.children[0].text, '<AB<raw>');
    assert.equal(t.children[1].name, 'e');
  });

  it('never accepts a mutation the validator rejects (corpus documents, 3000 mutations)', function () {
    if (!corpusPresent) this.skip();
    const dir = join(CORPUS_DIR, 'bhyvexml2argvdata/x86_64');
    const docs = readdirSync(dir).filter(f => f.endsWith('.xml')).slice(0, 30).map(f => readFileSync(join(dir, f), 'utf8'));
    const rand = rng(42);
    let rejectedBoth = 0, acceptedBoth = 0;
    for (let i = 0; i < 3000; i++) {
      let x = docs[i % docs.length];
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * x.length);
        const op = rand();
        if (op < 0.4) x = x.slice(0, at) + x.slice(at + 1 + Math.floor(rand() * 4));
        else if (op < 0.8) x = x.slice(0, at) + PIECES[Math.floor(rand() * PIECES.length)] + x.slice(at);
        else x = x.slice(0, at) + x.slice(at, at + 8).split('').reverse().join('') + x.slice(at + 8);
      }
      const r = readerAccepts(x), v = validatorAccepts(x);
      if (r) assert.ok(v, `reader accepted what fast-xml-parser rejects:\n${x}`);
      if (r && v) acceptedBoth++;
      if (!r && !v) rejectedBoth++;
    }
    assert.ok(rejectedBoth > 1000 && acceptedBoth > 100, `weak sample: ${rejectedBoth} rejected, ${acceptedBoth} accepted`);
  });
});
