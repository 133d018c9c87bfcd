/**
 * libvirt bhyve xml2argv conformance: every xml2argv row of
 * ../shared/conformance/libvirt-bhyve/CASES.tsv, read in place, with the
 * harness conventions of its README (see harness.ts). A success row must
 * produce exactly the stored .args, .ldargs and .devmap (when the corpus has
 * them); an expected-failure row must throw a VirError.
 *
 * Deliberate deviations / interpretations (none of them skips a row):
 * | row(s)                                  | what we do and why                                                        |
 * |-----------------------------------------|---------------------------------------------------------------------------|
 * | virtio-rnd (DO_TEST, FAILURE)           | CASES.tsv never lists BHYVE_CAP_VIRTIO_RND; the .c clears it before the  |
 * |                                         | FAILURE row, so the harness keeps it on until that row.                   |
 * | "(not in readable .c)" rows             | run with the initial x86_64 mask; success when a .args exists, else       |
 * |                                         | they must fail (the corpus' own inference).                               |
 * | uefi-unprivileged                       | -M / -o rundir come from driver config, not XML: the test sets            |
 * |                                         | ctx.unprivilegedRunDir='/path/to/bhyve/run' (-M is not upstream bhyve).   |
 * | serial-tcp                              | the corpus lacks its .args: we check the LPC slot and the com1 TCP        |
 * |                                         | listener (as in 4-consoles) and compare the bhyveload line.               |
 * | uefi*, vnc*, firmware-efi, numa, ...    | no .ldargs ('dummy' placeholder not stored): we assert no loader runs.    |
 * | acpiapic                                | main-tree .args (-A only) is the yardstick; the stale variants differ.    |
 */
import { strict as assert } from 'node:assert';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { buildBhyveCommand, BhyvePlan } from '../../src/core/bhyve/command';
import { formatArgvLines } from '../../src/core/bhyve/native';
import { VirError } from '../../src/core/errors';
import { corpusFile, corpusPresent, readCases, CORPUS_DIR } from './corpus';
import { contextFor, defaultsFor, parseCapsColumn } from './harness';

const INITIAL_X86 = 'bhyvecaps=RTC_UTC|AHCI32SLOT|NET_E1000|LPC_BOOTROM|FBUF|XHCI|CPUTOPOLOGY|SOUND_HDA|VNC_PASSWORD|VIRTIO_9P|NVME; grubcaps=CONSDEV; firmwareDir=fakefirmwaredir; nvramDir=fakenvramdir; bhyveloadTimeout=0/0';

function stripProgramDir(argv: string[]): string[] {
  const a = argv.slice();
  a[0] = a[0].replace(/.*\//, '');
  return a;
}

describe('conformance: libvirt bhyve xml2argv', function () {
  if (!corpusPresent) {
    it(`corpus not found at ${CORPUS_DIR}`, function () { this.skip(); });
    return;
  }
  let virtioRnd = true;
  for (const row of readCases().filter(r => r.suite === 'xml2argv')) {
    if (row.notes.startsWith('after driver.bhyvecaps &= ~BHYVE_CAP_VIRTIO_RND')) virtioRnd = false;
    const notInC = row.macro.includes('not in readable');
    const cfg = parseCapsColumn(notInC ? INITIAL_X86 : row.caps, virtioRnd || notInC);
    const arch = row.arch as 'x86_64' | 'aarch64';
    const base = `bhyvexml2argvdata/${arch}/bhyvexml2argv-${row.name}`;
    const expArgs = corpusFile(`${base}.args`);
    const expectFail = /FAIL|ERROR/.test(row.macro) || (notInC && expArgs === undefined);
    it(`${arch} ${row.name} (${row.macro}${expectFail ? ', must fail' : ''})`, () => {
      const xml = corpusFile(`${base}.xml`);
      assert.ok(xml, `missing input ${base}.xml`);
      const ctx = contextFor(cfg, arch);
      if (row.name === 'uefi-unprivileged') ctx.unprivilegedRunDir = '/path/to/bhyve/run';
      const run = (): BhyvePlan => buildBhyveCommand(applyBhyveDefaults(parseDomainXML(xml), defaultsFor(cfg, arch)), ctx);
      if (expectFail) {
        assert.throws(run, (e: unknown) => e instanceof VirError && e.message.length > 0);
        return;
      }
      const plan = run();
      if (expArgs !== undefined) assert.equal(formatArgvLines(stripProgramDir(plan.bhyve)), expArgs);
      else {
        // serial-tcp: .args missing; by analogy with 4-consoles: LPC at 1:0 and com1 on the TCP listener
        assert.equal(row.name, 'serial-tcp');
        const text = formatArgvLines(stripProgramDir(plan.bhyve));
        assert.ok(text.includes('-s 1:0,lpc \\\n') && text.endsWith('-l com1,tcp=127.0.0.1:12345 \\\nbhyve\n'), text);
      }
      // a boot ROM domain runs no loader (the harness' 'dummy' placeholder)
      if (/<loader|firmware=['"]efi/.test(xml)) assert.equal(plan.loader, undefined);
      const expLd = corpusFile(`${base}.ldargs`);
      const expMap = corpusFile(`${base}.devmap`);
      if (plan.loader) {
        if (expLd !== undefined) assert.equal(formatArgvLines(stripProgramDir(plan.loader.argv)), expLd);
        if (expMap !== undefined || plan.loader.deviceMap) assert.equal((plan.loader.deviceMap ?? '').trim(), (expMap ?? '').trim());
      } else {
        assert.equal(expLd, undefined, 'the corpus expects a loader command');
      }
    });
  }
});
