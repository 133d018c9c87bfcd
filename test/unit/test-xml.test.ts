/** The test driver's small XML layer (src/core/test/xml.ts): safe parsing, libvirt-style output. */
import { strict as assert } from 'node:assert';
import { formatXML, MAX_XML_BYTES, parseXML } from '../../src/core/test/xml';

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
  });
});
