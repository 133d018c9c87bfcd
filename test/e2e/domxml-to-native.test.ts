/**
 * `bvirsh domxml-to-native` end to end (bin/run.js on test:///default):
 * exact stdout, stderr and exit status for a file, --xml, bad format, missing
 * input, unreadable file, --domain with --xml, and --json.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const RUN = join(ROOT, 'bin/run.js');

function bvirsh(...args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, [RUN, ...args, '-c', 'test:///default'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

const XML = `<domain type='bhyve'>
  <name>web1</name>
  <memory unit='GiB'>1</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='/vm/web1.img'/><target dev='vda' bus='virtio'/></disk>
    <interface type='bridge'><mac address='52:54:00:12:34:56'/><source bridge='bridge0'/><model type='virtio'/></interface>
    <serial type='nmdm'><source master='/dev/nmdm-web1A' slave='/dev/nmdm-web1B'/></serial>
  </devices>
</domain>
`;
const NATIVE = '/usr/sbin/bhyveload -m 1024 -d /vm/web1.img web1\n' +
  '/usr/sbin/bhyve -c 2 -m 1024 -u -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-net,tap0,mac=52:54:00:12:34:56 ' +
  '-s 3:0,virtio-blk,/vm/web1.img -l com1,/dev/nmdm-web1A web1';

describe('e2e: domxml-to-native', function () {
  this.timeout(60000);
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-x2n-'));
    file = join(dir, 'web1.xml');
    writeFileSync(file, XML);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('converts an XML file (positional and --xml) on test:///', () => {
    for (const args of [['bhyve-argv', file], ['bhyve-argv', '--xml', file]]) {
      const r = bvirsh('domxml-to-native', ...args);
      assert.equal(r.err, '');
      assert.equal(r.code, 0);
      assert.equal(r.out, NATIVE + '\n');
    }
  });

  it('returns the text under --json', () => {
    const r = bvirsh('domxml-to-native', 'bhyve-argv', file, '--json');
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), { format: 'bhyve-argv', native: NATIVE });
  });

  it('fails like virsh on bad input', () => {
    let r = bvirsh('domxml-to-native', 'qemu-argv', file);
    assert.equal(r.err, 'error: invalid argument: unsupported config type qemu-argv\n');
    assert.equal(r.code, 1);
    r = bvirsh('domxml-to-native', 'bhyve-argv');
    assert.equal(r.err, 'error: need either domain or domain XML\n');
    assert.equal(r.code, 1);
    r = bvirsh('domxml-to-native', 'bhyve-argv', join(dir, 'missing.xml'));
    assert.equal(r.err, `error: Failed to open file '${join(dir, 'missing.xml')}': No such file or directory\n`);
    assert.equal(r.code, 1);
    r = bvirsh('domxml-to-native', 'bhyve-argv', '--domain', 'test', '--xml', file);
    assert.equal(r.err, 'error: Options --domain and --xml are mutually exclusive\n');
    assert.equal(r.code, 1);
  });

  it('converts a defined domain with --domain (test:/// default domain is i686: a clear refusal)', () => {
    const r = bvirsh('domxml-to-native', 'bhyve-argv', '--domain', 'test');
    assert.equal(r.err, "error: unsupported configuration: os type arch 'i686' is not supported by the bhyve driver\n");
    assert.equal(r.code, 1);
  });
});
