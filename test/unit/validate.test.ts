/**
 * --validate without libvirt's schema: the bhyve driver's model check
 * (conf/validate.ts) and the test driver's structural check (test/validate.ts),
 * and virsh's --pass-fds list (pass-fds.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateDomainModel } from '../../src/core/conf/validate';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { parsePassFds } from '../../src/core/pass-fds';
import { validateTestDomain } from '../../src/core/test/validate';
import { CORPUS_DIR, corpusPresent } from '../conformance/corpus';

const PREFIX = 'XML document failed to validate against schema: Unable to validate doc against';
const bhyve = (inner: string, rootAttrs = ''): string =>
  `<domain type='bhyve'${rootAttrs}><name>v</name><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os>${inner}</domain>`;

describe('--validate on bhyve: attributes the domain model does not read are refused', () => {
  it('names the attribute and its element, under libvirt\'s schema-error prefix', () => {
    const disk = (attrs: string) => `<devices><disk type='file' device='disk'${attrs}><source file='/x'/><target dev='vda' bus='virtio'/></disk></devices>`;
    assert.throws(() => validateDomainModel(bhyve(disk(" devcie='cdrom'"))), {
      code: 'VIR_ERR_XML_INVALID_SCHEMA', message: `${PREFIX} bvirsh's bhyve domain model\nInvalid attribute devcie for element disk\n`,
    });
    assert.throws(() => validateDomainModel(bhyve('', " frob='1'")), { message: /\nInvalid attribute frob for element domain\n$/ });
    assert.throws(() => validateDomainModel(bhyve("<clock offset='utc' adjustment='reset'/>")), { message: /\nInvalid attribute adjustment for element clock\n$/ });
    // the same documents define without --validate: the model ignores what it does not know
    assert.equal(parseDomainXML(bhyve(disk(" devcie='cdrom'"))).devices.disks.length, 1);
  });

  it('accepts what the model reads, <metadata> content and namespace declarations; parse errors come first', () => {
    validateDomainModel(bhyve("<metadata><a:b xmlns:a='urn:a' any='thing'/></metadata><devices><graphics type='vnc' port='5900' passwd='x' listen='::1'/></devices>",
      " xmlns:bhyve='http://libvirt.org/schemas/domain/bhyve/1.0'"));
    assert.throws(() => validateDomainModel(bhyve('<bogus/>')), { code: 'VIR_ERR_CONFIG_UNSUPPORTED' });
    assert.throws(() => validateDomainModel('<domain'), { code: 'VIR_ERR_XML_ERROR' });
  });

  it('every domain XML of libvirt\'s bhyve test corpus that parses also validates', function () {
    if (!corpusPresent) this.skip(); // ../shared/conformance is not here
    let checked = 0;
    for (const sub of ['bhyvexml2argvdata/x86_64', 'bhyvexml2argvdata/aarch64', 'bhyvexml2xmloutdata/x86_64']) {
      for (const f of readdirSync(join(CORPUS_DIR, sub)).filter((x) => x.endsWith('.xml'))) {
        const text = readFileSync(join(CORPUS_DIR, sub, f), 'utf8');
        try { parseDomainXML(text); } catch { continue; } // refused by the model anyway
        assert.doesNotThrow(() => validateDomainModel(text), `${sub}/${f}`);
        checked++;
      }
    }
    assert.ok(checked > 150, `only ${checked} corpus documents checked`);
  });
});

describe('--validate on test:///: the structure the test driver knows', () => {
  const test = (inner: string, rootAttrs = ''): string =>
    `<domain type='test'${rootAttrs}><name>v</name><memory>1024</memory><os><type>hvm</type></os>${inner}</domain>`;
  it('refuses unknown elements under <domain> and <devices> and unknown root attributes; allows libvirt\'s namespaces', () => {
    assert.throws(() => validateTestDomain(test('<bogus/>')), {
      code: 'VIR_ERR_XML_INVALID_SCHEMA', message: `${PREFIX} bvirsh's test driver model\nElement domain has extra content: bogus\n`,
    });
    assert.throws(() => validateTestDomain(test('<devices><frob/></devices>')), { message: /\nElement devices has extra content: frob\n$/ });
    assert.throws(() => validateTestDomain(test('', " frob='1'")), { message: /\nInvalid attribute frob for element domain\n$/ });
    assert.throws(() => validateTestDomain(test('<q:x/>', " xmlns:q='urn:other'")), { message: /extra content: q:x/ });
    validateTestDomain(test("<devices><disk type='file'/><graphics type='vnc'/></devices><t:runstate>5</t:runstate>",
      " xmlns:t='http://libvirt.org/schemas/domain/test/1.0'"));
  });
});

describe('--pass-fds lists (virsh\'s parse)', () => {
  it('base-10 ints with optional leading blanks and sign; empty means none; anything else names the item', () => {
    assert.deepEqual(parsePassFds(undefined), []);
    assert.deepEqual(parsePassFds(''), []);
    assert.deepEqual(parsePassFds('3,4, 5,+6,-1,2147483647'), [3, 4, 5, 6, -1, 2147483647]);
    for (const [bad, item] of [['x', 'x'], ['3,,4', ''], ['3,', ''], ['3 ', '3 '], ['0x3', '0x3'], ['2147483648', '2147483648'], ['1e3', '1e3']]) {
      assert.throws(() => parsePassFds(bad), { code: 'VIR_ERR_INVALID_ARG', message: `Unable to parse FD number '${item}'` }, bad);
    }
  });
});
