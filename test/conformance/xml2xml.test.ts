/**
 * libvirt bhyve xml2xml conformance: parse + bhyve post-parse + inactive
 * format must equal the stored bhyvexml2xmloutdata file byte for byte.
 * Stability: for every XML input of the corpus that parses, a second
 * format(parse(format(...))) round trip is byte-identical.
 *
 * Deviations (no row is skipped silently):
 * | row                                     | why                                                                |
 * |-----------------------------------------|--------------------------------------------------------------------|
 * | console, serial                         | only pre-LPC outputs exist (stale/@803966c7, @c832c392): ours must |
 * |                                         | equal them once the implicit ISA controller block is removed.      |
 * | vnc-vgaconf-io                          | no expected output at all (README "Known gaps"): parse, format and |
 * |                                         | stability are checked.                                             |
 * | addr-no32devs-more-than-32-sata-disks   | DO_TEST_FAILURE: must throw a VirError (36 AHCI slots > 31).        |
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { formatDomainXML } from '../../src/core/conf/xml-format';
import { VirError } from '../../src/core/errors';
import { CORPUS_DIR, corpusFile, corpusPresent, readCases } from './corpus';
import { FAKE_FIRMWARE } from './harness';

/** the only outputs the corpus has for these rows predate the implicit LPC (ISA) controller */
const STALE_PRE_LPC: Record<string, string> = {
  console: 'stale/bhyvexml2xmloutdata/bhyvexml2xmlout-console.xml@803966c7',
  serial: 'stale/bhyvexml2xmloutdata/bhyvexml2xmlout-serial.xml@c832c392',
};

function convert(xml: string, arch: 'x86_64' | 'aarch64', ahci32slot: boolean): string {
  const def = applyBhyveDefaults(parseDomainXML(xml), {
    arch, ahci32slot, firmwareDir: 'fakefirmwaredir', nvramDir: 'fakenvramdir',
    firmwareList: d => FAKE_FIRMWARE[d] ?? [], macGenerator: () => '52:54:00:00:00:00',
  });
  return formatDomainXML(def, { inactive: true });
}

describe('conformance: libvirt bhyve xml2xml', function () {
  if (!corpusPresent) {
    it(`corpus not found at ${CORPUS_DIR}`, function () { this.skip(); });
    return;
  }
  for (const row of readCases().filter(r => r.suite === 'xml2xml')) {
    const arch = row.arch as 'x86_64' | 'aarch64';
    // CASES.tsv: AHCI32SLOT on, off for the no32devs cases and from input-xhci-tablet on
    const ahci32 = !/bhyvecaps=none/.test(row.caps);
    it(`${arch} ${row.name} (${row.macro})`, () => {
      const xml = corpusFile(`bhyvexml2argvdata/${arch}/bhyvexml2argv-${row.name}.xml`);
      assert.ok(xml, 'input missing');
      if (row.macro === 'DO_TEST_FAILURE') {
        assert.throws(() => convert(xml, arch, ahci32), VirError);
        return;
      }
      const out = convert(xml, arch, ahci32);
      const expected = corpusFile(`bhyvexml2xmloutdata/${arch}/bhyvexml2xmlout-${row.name}.xml`);
      const stale = STALE_PRE_LPC[row.name];
      if (expected !== undefined) assert.equal(out, expected);
      else if (stale) {
        const isa = "    <controller type='isa' index='0'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n    </controller>\n";
        assert.ok(out.includes(isa), 'the implicit ISA controller is missing');
        assert.equal(out.replace(isa, ''), corpusFile(stale));
      }
      assert.equal(convert(out, arch, ahci32), out, 'not stable');
    });
  }
});

describe('define -> dumpxml stability over the whole corpus', function () {
  if (!corpusPresent) {
    it('corpus not found', function () { this.skip(); });
    return;
  }
  it('a second round trip is byte-identical for every input that parses', () => {
    let checked = 0;
    for (const arch of ['x86_64', 'aarch64'] as const) {
      for (const dir of [join(CORPUS_DIR, 'bhyvexml2argvdata', arch), join(CORPUS_DIR, 'inferred/bhyvexml2argvdata', arch)]) {
        let files: string[] = [];
        try { files = readdirSync(dir).filter(f => f.endsWith('.xml')); } catch { continue; }
        for (const f of files) {
          const xml = corpusFile(`bhyvexml2argvdata/${arch}/${f}`)!;
          let first: string;
          try { first = convert(xml, arch, true); } catch (e) { assert.ok(e instanceof VirError, `${f}: ${String(e)}`); continue; }
          const second = convert(first, arch, true);
          assert.equal(second, first, `${arch}/${f} is not stable`);
          assert.equal(convert(second, arch, true), second);
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} documents checked`);
  });
});
