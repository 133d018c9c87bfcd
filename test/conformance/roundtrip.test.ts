/**
 * Round trip over libvirt's xml2argv corpus: for every case that converts, the argv of
 * domxml-to-native, parsed back by domxml-from-native and converted again, is the same argv
 * (loader and bhyve lines), with the case's own harness context (caps, mocked tap, firmware).
 * "Same argv": the same program and options, compared as the list of option groups (-s slot,…)
 * in sorted order for the bhyve line — bhyve(8) gives every -s/-l/-p its own config node, so
 * their order on the line does not change the VM, and post-parse defaults may list the implicit
 * LPC bridge before or after other controllers. Loader lines are compared exactly.
 * ROUNDTRIP_EXCEPTIONS lists the cases where that cannot hold, with the reason. uefi-unprivileged
 * runs without the driver's unprivileged mode (its -M is not an option of upstream bhyve(8), which
 * from-native refuses; see bhyve-interfaces.md §1).
 */
import assert from 'node:assert/strict';
import { buildBhyveCommand } from '../../src/core/bhyve/command';
import { formatArgvShell } from '../../src/core/bhyve/native';
import { domainXMLFromNative } from '../../src/core/bhyve/native';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { VirError } from '../../src/core/errors';
import { corpusFile, corpusPresent, readCases, CORPUS_DIR } from './corpus';
import { contextFor, defaultsFor, parseCapsColumn, type HarnessConfig } from './harness';

/** the test program's initial x86_64 mask, for rows newer than the readable .c (as xml2argv.test.ts) */
const INITIAL_X86 = 'bhyvecaps=RTC_UTC|AHCI32SLOT|NET_E1000|LPC_BOOTROM|FBUF|XHCI|CPUTOPOLOGY|SOUND_HDA|VNC_PASSWORD|VIRTIO_9P|NVME; grubcaps=CONSDEV; firmwareDir=fakefirmwaredir; nvramDir=fakenvramdir; bhyveloadTimeout=0/0';

/** argv → one shell line per command, loader first */
function toNative(xml: string, cfg: HarnessConfig, arch: 'x86_64' | 'aarch64'): string[][] {
  const def = parseDomainXML(xml);
  applyBhyveDefaults(def, defaultsFor(cfg, arch));
  // NIC backends as the driver names them (tapN) rather than the corpus' mocked 'faketapdev',
  // which is not a backend bhyve(8) accepts
  const { tapName: _mockedTap, ...ctx } = contextFor(cfg, arch);
  const plan = buildBhyveCommand(def, ctx);
  return plan.loader ? [plan.loader.argv, plan.bhyve] : [plan.bhyve];
}

/** bhyve argv → [program, sorted option groups…, name] */
function normalizeBhyve(argv: string[]): string[] {
  const groups: string[] = [];
  for (let i = 1; i < argv.length - 1; i++) {
    const a = argv[i];
    if (/^-[cmpnsloUkfGKr]$/.test(a) && i + 1 < argv.length - 1) { groups.push(`${a} ${argv[++i]}`); continue; }
    groups.push(a);
  }
  return [argv[0], ...groups.sort(), argv[argv.length - 1]];
}

function normalize(cmds: string[][]): string[][] {
  return cmds.map((argv, i) => (i === cmds.length - 1 ? normalizeBhyve(argv) : argv));
}

export const ROUNDTRIP_EXCEPTIONS: Record<string, string> = {
  'x86_64/commandline': 'the <bhyve:commandline> arguments ARGUMENT1 ARGUMENT2 are not options, so bhyve(8) '
    + 'would read them as extra operands and refuse the line (usage error); from-native refuses it too (see argv2xml extraargs)',
};

describe('conformance: xml2argv → from-native → to-native round trip', function () {
  if (!corpusPresent) {
    it.skip(`corpus not found at ${CORPUS_DIR} (../shared absent)`);
    return;
  }
  const seen = new Set<string>();
  let virtioRnd = true;
  for (const row of readCases()) {
    if (row.suite !== 'xml2argv') continue;
    // the same row conventions as xml2argv.test.ts
    if (row.notes.startsWith('after driver.bhyvecaps &= ~BHYVE_CAP_VIRTIO_RND')) virtioRnd = false;
    const notInC = row.macro.includes('not in readable');
    const cfg = parseCapsColumn(notInC ? INITIAL_X86 : row.caps, virtioRnd || notInC);
    const id = `${row.arch}/${row.name}`;
    if (seen.has(id)) continue;
    const base = `bhyvexml2argvdata/${row.arch}/bhyvexml2argv-${row.name}`;
    const xml = corpusFile(`${base}.xml`);
    const expectFail = /FAIL|ERROR/.test(row.macro) || (notInC && corpusFile(`${base}.args`) === undefined);
    if (xml === undefined || expectFail) continue; // expected-failure rows have no argv to round-trip
    seen.add(id);
    const arch = row.arch === 'aarch64' ? 'aarch64' : 'x86_64';
    const exception = ROUNDTRIP_EXCEPTIONS[id];
    it(`${id}${exception ? ` (refused on purpose: ${exception})` : ''}`, () => {
      const first = toNative(xml, cfg, arch);
      const text = first.map((argv) => formatArgvShell(argv)).join('\n') + '\n';
      if (exception) {
        assert.throws(() => domainXMLFromNative('bhyve-argv', text), VirError);
        return;
      }
      const back = domainXMLFromNative('bhyve-argv', text, { macFor: () => '52:54:00:00:00:00' });
      assert.deepEqual(normalize(toNative(back, cfg, arch)), normalize(first));
    });
  }
});
