/** The test driver's small XML layer (src/core/test/xml.ts): safe parsing, libvirt-style output. */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatXML, MAX_XML_BYTES, parseXML, parseXMLFull } from '../../src/core/test/xml';
import { DEFAULT_DOMAIN_XML } from '../../src/core/test/node';
import { CORPUS_DIR, corpusPresent } from '../conformance/corpus';
import { prng } from '../helpers/prng';

describe('test driver XML', () => {
  it('writes libvirt\'s layout: single quotes, escapes, <x/> for empty elements, open pair where asked', () => {
    const t = parseXML(`<a k="it's &lt;x&gt; &amp; &quot;y&quot;"><b>1 &lt; 2</b><c/><devices/></a>`, '(t)');
    assert.equal(formatXML(t, '', new Set(['devices'])),
      "<a k='it&apos;s &lt;x&gt; &amp; &quot;y&quot;'>\n  <b>1 &lt; 2</b>\n  <c/>\n  <devices>\n  </devices>\n</a>\n");
  });

  it('refuses DOCTYPE/ENTITY declarations (no entity expansion at all)', () => {
    assert.throws(() => parseXML('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', '(t)'),
      { message: 'XML error: (t): DOCTYPE and entity declarations are not allowed' });
  });

  it('refuses documents over the size limit before parsing them', () => {
    assert.throws(() => parseXML(`<a>${' '.repeat(MAX_XML_BYTES)}</a>`, '(t)'), /is larger than/);
  });

  it('reports malformed documents as libxml2 words them', () => {
    assert.throws(() => parseXML('', '(t)'), { message: '(t):1: Document is empty\n(null)\n^' });
    assert.throws(() => parseXML('<a><b></a>', '(t)'), { message: '(t):1: Opening and ending tag mismatch: b line 1 and a\n<a><b></a>\n----------^' });
    assert.throws(() => parseXML('<a/><b/>', '(t)'), { message: '(t):1: Extra content at the end of the document\n<a/><b/>\n----^' });
    assert.throws(() => parseXML('<a>\n&x;</a>', '(t)'), { message: "(t):2: Entity 'x' not defined\n&x;</a>\n---^" });
    assert.throws(() => parseXML("<a k='1' k='2'/>", '(t)'), { message: "(t):1: Attribute k redefined\n<a k='1' k='2'/>\n--------------^" });
  });
});

/**
 * parseXML's fast path (plain XML read in one pass) must build exactly the
 * tree the full parser (fast-xml-parser) builds, and leave every document it
 * does not fully understand to it: over corpus documents, the default node,
 * hand-picked corner cases and seeded mutations, parseXML and parseXMLFull
 * give the same tree or the same error.
 */
describe('test driver XML: fast path agrees with the full parser', () => {
  const outcome = (f: () => unknown): unknown => {
    try {
      return { tree: f() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const same = (x: string): void => {
    assert.deepStrictEqual(outcome(() => parseXML(x, '(t)')), outcome(() => parseXMLFull(x, '(t)')), `differs on:\n${x}`);
  };
  const corpus = (): string[] => {
    const dir = join(CORPUS_DIR, 'bhyvexml2argvdata/x86_64');
    return readdirSync(dir).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(join(dir, f), 'utf8'));
  };

  it('corner cases: trimming, entities, mixed text, comments, declarations, attributes', () => {
    const cases = [
      '<a/>', '<a></a>', '<a> </a>', '<a>  x  <b/> y </a>', "<a x=' 1 &amp;lt; 2 ' y=\"a\nb\"/>", '<a>&lt;&#65;&#x42;</a>',
      '<a><![CDATA[ q ]]></a>', '<a>x<!-- c -->y</a>', '<a>\r\nq\r\n</a>', '<a>\u00a0x\u00a0</a>', "<a x='&apos;&quot;&gt;'/>",
      '<?xml version="1.0"?>\n<!-- c -->\n<a/>\n<!-- d -->\n', ' <a/>', '<a/> x', '<a/><b/>', '<a><b></a>', '<a x="1" x="2"/>',
      '<a x=1/>', '<a x="1"y="2"/>', '<a x = "1"/>', '<a x/>', '<a>&e;</a>', '<a>& b</a>', '<a b="<"/>', '<a></a >', '<a:b c:d="1"/>',
      '<a.b-c_d e.f="1"/>', '<__proto__/>', '<a __proto__="1"/>', '<a><constructor/></a>', '<a><?pi x?></a>', '<!-- x -- y --><a/>',
      '<a>1</a><!-- after -->', '<a><b>1</b><b>2</b>t</a>', '<1a/>', '<a', '<a>', '</a>', '', '   ', 'x', '<a><b/></b></a>',
      '<?xml version="1.0"?><a/>', '<?xml version="1.0"?>', '<é/>', "<a x='é'>é</a>", '<a>]]></a>', '<a>></a>',
    ];
    for (const x of cases) same(x);
  });

  it('the default node domain and node files', () => {
    same(DEFAULT_DOMAIN_XML);
    same(`<?xml version='1.0' encoding='UTF-8'?>
<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <cpu><nodes>1</nodes><mhz>2000</mhz><model>x86_64</model></cpu>
  <memory>8388608</memory>
  <domain type='test'>
    <name>vm0</name><uuid>6695eb01-f6a4-8304-79aa-000000000000</uuid>
    <title>a &amp; b</title><memory unit='MiB'>64</memory><vcpu current='1'>2</vcpu><os><type>hvm</type></os>
    <test:runstate>5</test:runstate><test:hasmanagedsave/>
  </domain>
  <domain file='other.xml'/>
</node>
`);
  });

  it('corpus documents and 3000 seeded mutations of them', function () {
    if (!corpusPresent) this.skip();
    const docs = corpus();
    for (const d of docs) same(d);
    const rand = prng(11);
    const bits = ['<', '>', '/', '&', '&amp;', '&#10;', "'", '"', '=', ' ', '\n', '<!--', '-->', '<![CDATA[', ']]>', '<?x?>', 'a', 'é', '&lt;'];
    for (let i = 0; i < 3000; i++) {
      let x = docs[i % docs.length];
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        const at = Math.floor(rand() * x.length);
        const cut = rand() < 0.5 ? Math.floor(rand() * 4) : 0;
        x = x.slice(0, at) + (rand() < 0.7 ? bits[Math.floor(rand() * bits.length)] : '') + x.slice(at + cut);
      }
      same(x);
    }
  });
});
