/**
 * setmem, setmaxmem, setvcpus against virsh 9.0 on the test driver: every
 * flag combination and error (sizes with units, 0, negative, overflow,
 * exclusive options, --maximum without --config, counts above the maximum),
 * on test:///default and on a node XML with running, paused, shut off and
 * transient domains, and in `a; b; c` sequences that show the result
 * (dominfo, vcpucount, dumpxml, dumpxml --inactive, after destroy and start).
 * stdout, stderr and exit status must be identical (dominfo's clock masked).
 */
import { rmSync } from 'node:fs';
import { makeNodeDir, pool, runBin, runInProcess, runVirsh, same, sameSession, virshAvailable, words, type SessionOptions } from './harness';

const HAVE_VIRSH = virshAvailable();


/** one command per fresh connection */
const SINGLE = [
  // sizes: units, rounding up to KiB, malformed, 0, negative, overflow, too large for libvirt
  'setmem test 1000', 'setmem test 1M', 'setmem test 1025b', 'setmem test 1KB', 'setmem test 1kib', 'setmem test 1Mb', 'setmem test 2G',
  'setmem test 1bytes', 'setmem test 0', 'setmem test -5', 'setmem test abc', 'setmem test 5x', 'setmem test 1.5M', 'setmem test 1e3',
  'setmem test 0x10', 'setmem test 010', 'setmem test +5', "setmem test ''", "setmem test ' 5'", 'setmem test 10000000G',
  'setmem test 18446744073709551615', 'setmem test 99999999999999999999', 'setmem test 18014398509481983', 'setmem test 18014398509481984',
  'setmem test 9007199254740990', 'setmem test 9007199254740991', 'setmem test 4398046511104G', 'setmem test 1Y', 'setmem test 1kbb',
  // options
  'setmem', 'setmem test', 'setmem test 5 6', 'setmem --size 5 --domain test', 'setmem test 5 --config --config', 'setmem nosuch 5',
  'setmem nosuch 5x', 'setmem test 1000 --config --live', 'setmem test 1000 --current --live', 'setmem test 1M --current --config',
  'setmem nosuch 1 --current --live', 'setmem test 1000 --live', 'setmem test 1000 --current', 'setmem test 1000 --config', 'setmem test --foo 1',
  'setmaxmem test 1000', 'setmaxmem test 1000 --config', 'setmaxmem test 1000 --live', 'setmaxmem test 1000 --current', 'setmaxmem test 0 --config',
  'setmaxmem test 5x', 'setmaxmem', 'setmaxmem test', 'setmaxmem test 1000 --config --live', 'setmaxmem test 9007199254740991 --config',
  'setmaxmem test 1 --current --config', 'setmaxmem nosuch 1',
  'setvcpus test 1', 'setvcpus test 2', 'setvcpus test 3', 'setvcpus test 0', 'setvcpus test -1', 'setvcpus test abc', 'setvcpus test 1x',
  "setvcpus test ''", 'setvcpus test +1', "setvcpus test ' 1'", 'setvcpus test 33', 'setvcpus test 2147483648', 'setvcpus test 4294967295',
  'setvcpus test 4294967296', 'setvcpus test 1 --maximum', 'setvcpus test 1 --maximum --live', 'setvcpus nosuch 1 --maximum',
  'setvcpus test 3 --maximum --config', 'setvcpus test 0 --maximum --config', 'setvcpus test 33 --maximum --config', 'setvcpus test 3 --config',
  'setvcpus test 3 --live', 'setvcpus test 1 --config --live', 'setvcpus test 1 --current', 'setvcpus test 1 --guest', 'setvcpus test 2 --guest --live',
  'setvcpus test 1 --hotpluggable', 'setvcpus test 1 --hotpluggable --config', 'setvcpus test 1 --guest --hotpluggable',
  'setvcpus test 1 --current --live', 'setvcpus test 1 --current --config', 'setvcpus test 1 --guest --config', 'setvcpus nosuch 1 --guest --config',
  'setvcpus test 1 --maximum --guest', 'setvcpus test 1 --maximum --config --live', 'setvcpus test 1 --maximum --config --current',
  'setvcpus', 'setvcpus test', 'setvcpus nosuch 0', 'setvcpus nosuch abc', 'setvcpus --count 1 --domain test',
];

(HAVE_VIRSH ? describe : describe.skip)('differential: setmem, setmaxmem, setvcpus vs virsh 9.0 (test driver)', function () {
  this.timeout(120000);
  let dir = '';
  let nodeURI = '';
  before(() => {
    const n = makeNodeDir();
    dir = n.dir;
    nodeURI = `test://${n.nodeFile}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const seq = (uri: string, cmds: string[], opts: SessionOptions = {}): Promise<void> => sameSession(uri, cmds, dir, opts);

  it('every option and error on test:///default, one command at a time', async () => {
    const theirs = await pool(SINGLE, 3, (c) => runVirsh('test:///default', c, dir));
    for (let i = 0; i < SINGLE.length; i++) same(await runInProcess('test:///default', [SINGLE[i]], dir), theirs[i], SINGLE[i]);
  });

  it('help: synopsis and options as virsh shows them (bin/run.js)', async () => {
    for (const cmd of ['help setmem', 'help setmaxmem', 'help setvcpus']) {
      same(await runBin('test:///default', words(cmd), dir), await runVirsh('test:///default', cmd, dir), cmd);
    }
  });

  it('setmem on a running domain: the live balloon changes, the persistent definition keeps its value', () => seq('test:///default', [
    'setmem test 1000', 'dominfo test', 'dumpxml test', 'dumpxml --inactive test', 'setmem test 3000 --config', 'dumpxml --inactive test',
    'dominfo test', 'destroy test', 'dominfo test', 'dumpxml test']));

  it('on a shut-off domain: setmem (live by default) refused, --current and --config change the definition', () => seq('test:///default', [
    'destroy test', 'setmem test 1000', 'setmem test 1000 --live', 'setmem test 2000 --current', 'dominfo test', 'setmem test 3000 --config',
    'dominfo test', 'setmaxmem test 1000', 'dominfo test', 'dumpxml test', 'setmaxmem test 4G --current', 'setmem test 5G --config', 'dominfo test',
    'setvcpus test 1', 'setvcpus test 1 --live', 'setvcpus test 1 --current', 'vcpucount test', 'setvcpus test 5 --maximum --config',
    'setvcpus test 5', 'setvcpus test 5 --config', 'vcpucount test', 'dumpxml test', 'start test', 'vcpucount test', 'dominfo test']));

  it('setmaxmem and setvcpus --maximum on a running domain: only the next boot changes', () => seq('test:///default', [
    'setmaxmem test 1000', 'setmaxmem test 1000 --live', 'setmaxmem test 1000 --config', 'dominfo test', 'dumpxml --inactive test',
    'setvcpus test 4 --maximum --config', 'vcpucount test', 'dumpxml --inactive test', 'setvcpus test 3 --config', 'setvcpus test 3',
    'setvcpus test 1', 'vcpucount test', 'dominfo test', 'setvcpus test 1 --maximum --config', 'vcpucount test', 'dumpxml --inactive test',
    'destroy test', 'vcpucount test', 'dominfo test', 'dumpxml test']));

  it('node XML: running, paused, shut off and transient domains', () => seq(nodeURI, [
    'setmem web1 512M', 'setmem web1 2G', 'setmem web1 1G --config', 'dominfo web1', 'dumpxml web1', 'dumpxml --inactive web1',
    'setvcpus web1 3', 'setvcpus web1 5', 'setvcpus web1 4 --config --live', 'vcpucount web1', 'setvcpus web1 8 --maximum --config', 'vcpucount web1',
    'setmem db1 500000', 'setmem db1 500000 --config', 'setmaxmem db1 4G', 'setmaxmem db1 1000000 --config', 'setvcpus db1 1', 'dominfo db1',
    'dumpxml --inactive db1', 'vcpucount db1',
    'setmem off1 1000', 'setmem off1 1000 --current', 'setmaxmem off1 1G', 'setvcpus off1 2', 'setvcpus off1 2 --config',
    'setvcpus off1 2 --maximum --config', 'setvcpus off1 2 --config', 'dominfo off1', 'vcpucount off1', 'dumpxml off1',
    'setmem tr1 1000', 'setmem tr1 1000 --config', 'setmaxmem tr1 1000', 'setmaxmem tr1 1000 --config', 'setvcpus tr1 1 --config',
    'setvcpus tr1 1 --maximum --config', 'setvcpus tr1 2', 'setvcpus tr1 1', 'dominfo tr1', 'dumpxml tr1',
    'start off1', 'dominfo off1', 'vcpucount off1']));

  it('read-only connection: every change refused, nothing changed', () => seq('test:///default', [
    'setmem test 0', 'setmem test 1000', 'setmem test 1000 --config', 'setmaxmem test 1000', 'setmaxmem test 1000 --config', 'setvcpus test 0',
    'setvcpus test 1', 'setvcpus test 1 --config', 'setvcpus test 1 --maximum --config', 'dominfo test', 'vcpucount test'], { readonly: true }));
});

if (!HAVE_VIRSH) {
  describe('differential: setmem, setmaxmem, setvcpus vs virsh 9.0', () => {
    it('is skipped: virsh (libvirt-clients 9.x) is not installed — .ci/run installs it', function () { this.skip(); });
  });
}
