/**
 * Round trip over libvirt's xml2argv corpus: for every case that converts, the argv of
 * domxml-to-native, parsed back by domxml-from-native and converted again, is the same argv
 * (loader and bhyve lines), with the case's own harness context (caps, mocked tap, firmware).
 * "Same argv": the same program and options, compared as the list of option groups (-s slot,…)
 * in sorted order for the bhyve line — bhyve(8) gives every -s/-l/-p its own config node, so
 * their order on the line does not change the VM, and post-parse defaults may list the implicit
 * LPC bridge before or after other controllers. Loader lines are compared exactly.
 * ROUNDTRIP_EXCEPTIONS lists the cases where that cannot hold, with the reason.
 */
import assert from 'node:assert/strict';
import { buildBhyveCommand } from '../../src/core/bhyve/command';
import { formatArgvShell } from '../../src/core/bhyve/native';
import { domainXMLFromNative } from '../../src/core/bhyve/native';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { VirError } from '../../src/core/errors';
import { corpusFile, corpusPresent, readCases, CORPUS_DIR } from './corpus';
import { contextFor, defaultsFor, parseCapsColumn } from './harness';

/** argv → one shell line per command, loader first */
function toNative(xml: string, caps: string, arch: 'x86_64' | 'aarch64'): string[][] {
  const cfg = parseCapsColumn(caps, true);
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
  for (const row of readCases()) {
    if (row.suite !== 'xml2argv') continue;
    const id = `${row.arch}/${row.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const xml = corpusFile(`bhyvexml2argvdata/${row.arch}/bhyvexml2argv-${row.name}.xml`);
    if (xml === undefined) continue;
    const arch = row.arch === 'aarch64' ? 'aarch64' : 'x86_64';
    let first: string[][];
    try {
      first = toNative(xml, row.caps, arch);
    } catch (e) {
      if (e instanceof VirError) continue; // an expected-failure case: nothing to round-trip
      throw e;
    }
    const exception = ROUNDTRIP_EXCEPTIONS[id];
    it(`${id}${exception ? ` (refused on purpose: ${exception})` : ''}`, () => {
      const text = first.map((argv) => formatArgvShell(argv)).join('\n') + '\n';
      if (exception) {
        assert.throws(() => domainXMLFromNative('bhyve-argv', text), VirError);
        return;
      }
      const back = domainXMLFromNative('bhyve-argv', text, { macFor: () => '52:54:00:00:00:00' });
      assert.deepEqual(normalize(toNative(back, row.caps, arch)), normalize(first));
    });
  }
});
