/**
 * Virtual networks on a fresh simulated host per test (sim:///TMPDIR), through
 * the real CLI: an isolated network makes its bridge in the sim's bridge
 * registry (ROOT/dev/net) and removes it again; a guest's <interface
 * type='network'> starts only on an active network and its tap joins that
 * network's bridge (domiflist, live dumpxml); forward mode='bridge' uses an
 * existing host bridge; what bhyve hosts cannot do (NAT, DHCP) is refused with
 * nothing changed on disk; __rc start starts autostart networks before guests.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const RUN = join(ROOT, 'bin/run.js');
const dirs: string[] = [];

interface Result { code: number; stdout: string; stderr: string }

function bvirsh(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((res) => {
    execFile(process.execPath, [RUN, '-c', `sim://${dir}`, ...args], { env: { ...process.env, BVIRSH_MONITOR_SETTLE_MS: '50', ...env } },
      (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** A sim host with network files and a guest `g1` whose interfaces use the networks named. */
function host(networks: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bvirsh-net-e2e-'));
  dirs.push(dir);
  const disk = join(dir, 'g1.img');
  writeFileSync(disk, '');
  spawnSync('truncate', ['-s', '1M', disk]);
  writeFileSync(join(dir, 'g1.xml'), `<domain type='bhyve'>
  <name>g1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
${networks.map((n, i) => `    <interface type='network'><mac address='52:54:00:00:00:0${i}'/><source network='${n}'/><model type='virtio'/></interface>\n`).join('')}  </devices>
</domain>
`);
  const files: Record<string, string> = {
    'iso.xml': "<network><name>iso</name><uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid><ip address='10.0.5.1' prefix='24'/></network>\n",
    'lan.xml': "<network><name>lan</name><uuid>aaaaaaaa-0000-0000-0000-000000000002</uuid><forward mode='bridge'/><bridge name='bridge0'/></network>\n",
    'gone.xml': "<network><name>gone</name><forward mode='bridge'/><bridge name='bridge7'/></network>\n",
    'nat.xml': "<network><name>nat</name><forward mode='nat'/><ip address='10.0.9.1' prefix='24'/></network>\n",
    'dhcp.xml': "<network><name>dh</name><ip address='10.0.6.1' prefix='24'><dhcp><range start='10.0.6.2' end='10.0.6.9'/></dhcp></ip></network>\n",
    'clash.xml': "<network><name>clash</name><bridge name='bvirbr0'/></network>\n",
    'tr.xml': "<network><name>tr</name><uuid>aaaaaaaa-0000-0000-0000-000000000003</uuid><bridge name='vsw1'/></network>\n",
    'bad.xml': '<network><name>bad</name>\n',
    'iso2.xml': "<network><name>iso</name><uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid><ip address='10.0.7.1' prefix='24'/></network>\n",
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

/** What a test may leave behind on disk: the host's config and state trees. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const p = join(dir, rel);
    if (!existsSync(p)) return;
    for (const e of readdirSync(p, { withFileTypes: true })) {
      if (e.name === '.lock' || e.name.endsWith('.log')) continue;
      out.push(`${rel}/${e.name}`);
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
    }
  };
  for (const d of ['usr/local/etc/bvirsh', 'var/run/bvirsh', 'dev/net']) walk(d);
  return out.sort();
}

const ok = (stdout: string): Result => ({ code: 0, stdout, stderr: '' });
const err = (stderr: string): Result => ({ code: 1, stdout: '\n', stderr });

describe('virtual networks on sim:///TMPDIR (e2e)', function () {
  this.timeout(60000);
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('an isolated network: define (bridge name filled in), start makes the bridge, a guest joins it, destroy removes it', async () => {
    const dir = host(['iso']);
    assert.deepEqual(await bvirsh(dir, ['net-define', join(dir, 'iso.xml')]), ok(`Network iso defined from ${join(dir, 'iso.xml')}\n\n`));
    const xml = (await bvirsh(dir, ['net-dumpxml', 'iso'])).stdout;
    assert.match(xml, /^<network>\n {2}<name>iso<\/name>\n {2}<uuid>aaaaaaaa-0000-0000-0000-000000000001<\/uuid>\n {2}<bridge name='bvirbr0' stp='on' delay='0'\/>\n {2}<mac address='52:54:00(:[0-9a-f]{2}){3}'\/>\n {2}<ip address='10.0.5.1' prefix='24'>\n {2}<\/ip>\n<\/network>\n\n$/);
    // the network is defined but not running: the guest may not be created or started
    assert.deepEqual(await bvirsh(dir, ['create', join(dir, 'g1.xml')]),
      err(`error: Failed to create domain from ${join(dir, 'g1.xml')}\nerror: Requested operation is not valid: network 'iso' is not active\n`));
    assert.deepEqual(readdirSync(join(dir, 'var/run/bvirsh')).filter((f) => f.startsWith('g1')), []);
    assert.equal((await bvirsh(dir, ['define', join(dir, 'g1.xml')])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['start', 'g1']),
      err("error: Failed to start domain 'g1'\nerror: Requested operation is not valid: network 'iso' is not active\n"));
    assert.equal(existsSync(join(dir, 'dev/net/bvirbr0')), false);
    assert.deepEqual(await bvirsh(dir, ['net-start', 'iso']), ok('Network iso started\n\n'));
    assert.equal(existsSync(join(dir, 'dev/net/bvirbr0')), true);
    assert.deepEqual(await bvirsh(dir, ['net-start', 'iso']),
      err('error: Failed to start network iso\nerror: Requested operation is not valid: network is already active\n'));
    assert.deepEqual(await bvirsh(dir, ['net-info', 'iso']), ok('Name:           iso\nUUID:           aaaaaaaa-0000-0000-0000-000000000001\n' +
      'Active:         yes\nPersistent:     yes\nAutostart:      no\nBridge:         bvirbr0\n\n'));
    assert.deepEqual(await bvirsh(dir, ['start', 'g1']), ok("Domain 'g1' started\n\n"));
    assert.deepEqual(await bvirsh(dir, ['domiflist', 'g1']), ok(' Interface   Type      Source   Model    MAC\n' +
      '------------------------------------------------------------\n tap0        network   iso      virtio   52:54:00:00:00:00\n\n'));
    const live = (await bvirsh(dir, ['dumpxml', 'g1'])).stdout;
    assert.match(live, /<interface type='network'>\n\s*<mac address='52:54:00:00:00:00'\/>\n\s*<source network='iso' bridge='bvirbr0'\/>\n\s*<target dev='tap0'\/>/);
    assert.match((await bvirsh(dir, ['dumpxml', '--inactive', 'g1'])).stdout, /<source network='iso'\/>/);
    // libvirt lets a network stop under running guests; its bridge goes
    assert.deepEqual(await bvirsh(dir, ['net-destroy', 'iso']), ok('Network iso destroyed\n\n'));
    assert.equal(existsSync(join(dir, 'dev/net/bvirbr0')), false);
    assert.deepEqual(await bvirsh(dir, ['net-destroy', 'iso']),
      err("error: Failed to destroy network iso\nerror: Requested operation is not valid: network 'iso' is not active\n"));
    assert.equal((await bvirsh(dir, ['destroy', 'g1'])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['net-list', '--all']), ok(' Name   State      Autostart   Persistent\n' +
      '-------------------------------------------\n iso    inactive   no          yes\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-undefine', 'iso']), ok('Network iso has been undefined\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-list', '--all', '--name']), ok('\n'));
    assert.deepEqual(await bvirsh(dir, ['start', 'g1']),
      err("error: Failed to start domain 'g1'\nerror: Network not found: no network with matching name 'iso'\n"));
  });

  it('forward mode=\'bridge\': an existing host bridge, kept on destroy; a missing one is an error', async () => {
    const dir = host(['lan']);
    for (const f of ['lan.xml', 'gone.xml', 'g1.xml']) assert.equal((await bvirsh(dir, [f === 'g1.xml' ? 'define' : 'net-define', join(dir, f)])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['net-start', 'gone']),
      err("error: Failed to start network gone\nerror: operation failed: network 'gone': host bridge 'bridge7' does not exist\n"));
    assert.deepEqual(await bvirsh(dir, ['net-start', 'lan']), ok('Network lan started\n\n'));
    assert.deepEqual(await bvirsh(dir, ['start', 'g1']), ok("Domain 'g1' started\n\n"));
    assert.match((await bvirsh(dir, ['dumpxml', 'g1'])).stdout, /<source network='lan' bridge='bridge0'\/>/);
    assert.equal((await bvirsh(dir, ['destroy', 'g1'])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['net-destroy', 'lan']), ok('Network lan destroyed\n\n'));
    assert.equal(existsSync(join(dir, 'dev/net/bridge0')), true, 'a host bridge is not bvirsh\'s to remove');
  });

  it('refusals change nothing on disk: NAT, DHCP, bad XML, bridge clash, read-only, transient autostart', async () => {
    const dir = host(['iso']);
    assert.equal((await bvirsh(dir, ['net-define', join(dir, 'iso.xml')])).code, 0);
    const before = tree(dir);
    const nat = await bvirsh(dir, ['net-define', join(dir, 'nat.xml')]);
    assert.equal(nat.code, 1);
    assert.match(nat.stderr, /^error: Failed to define network from .*nat\.xml\nerror: unsupported configuration: network 'nat': forward mode 'nat' needs firewall \(pf\) rules/);
    const dh = await bvirsh(dir, ['net-create', join(dir, 'dhcp.xml')]);
    assert.match(dh.stderr, /^error: Failed to create network from .*dhcp\.xml\nerror: unsupported configuration: network 'dh': DHCP \(<dhcp>\) is not served by bvirsh/);
    assert.deepEqual(await bvirsh(dir, ['net-define', join(dir, 'bad.xml')]), err(`error: Failed to define network from ${join(dir, 'bad.xml')}\n` +
      "error: (network_definition):2: Premature end of data in tag network line 1\n(null)\n^\n"));
    assert.deepEqual(await bvirsh(dir, ['net-define', join(dir, 'missing.xml')]),
      err(`error: Failed to open file '${join(dir, 'missing.xml')}': No such file or directory\n`));
    assert.deepEqual(await bvirsh(dir, ['net-define', join(dir, 'clash.xml')]),
      err(`error: Failed to define network from ${join(dir, 'clash.xml')}\nerror: internal error: bridge name 'bvirbr0' already in use.\n`));
    assert.deepEqual(await bvirsh(dir, ['-r', 'net-start', 'iso']),
      err('error: Failed to start network iso\nerror: operation forbidden: read only access prevents virNetworkCreate\n'));
    assert.deepEqual(await bvirsh(dir, ['-r', 'net-define', join(dir, 'tr.xml')]),
      err(`error: Failed to define network from ${join(dir, 'tr.xml')}\nerror: operation forbidden: read only access prevents virNetworkDefineXML\n`));
    assert.deepEqual(await bvirsh(dir, ['net-info', 'nope']), err("error: failed to get network 'nope'\nerror: Network not found: no network with matching name 'nope'\n"));
    assert.deepEqual(tree(dir), before);
    // a transient network: no autostart; undefine refused; destroy makes it vanish with its bridge
    assert.deepEqual(await bvirsh(dir, ['net-create', join(dir, 'tr.xml')]), ok(`Network tr created from ${join(dir, 'tr.xml')}\n\n`));
    assert.equal(existsSync(join(dir, 'dev/net/vsw1')), true);
    assert.deepEqual(await bvirsh(dir, ['net-autostart', 'tr']),
      err('error: failed to mark network tr as autostarted\nerror: Requested operation is not valid: cannot set autostart for transient network\n'));
    assert.deepEqual(await bvirsh(dir, ['net-undefine', 'tr']),
      err("error: Failed to undefine network tr\nerror: Requested operation is not valid: can't undefine transient network\n"));
    assert.deepEqual(await bvirsh(dir, ['net-list', '--transient', '--uuid']), ok('aaaaaaaa-0000-0000-0000-000000000003\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-destroy', 'tr']), ok('Network tr destroyed\n\n'));
    assert.equal(existsSync(join(dir, 'dev/net/vsw1')), false);
    assert.deepEqual(tree(dir), before);
  });

  it('net-edit: an edit is defined; no change says so; a bad edit (no terminal) changes nothing', async () => {
    const dir = host([]);
    assert.equal((await bvirsh(dir, ['net-define', join(dir, 'iso.xml')])).code, 0);
    const editor = (name: string, sed: string): string => {
      const p = join(dir, name);
      writeFileSync(p, `#!/bin/sh\nsed -i "${sed}" "$1"\n`, { mode: 0o755 });
      return p;
    };
    assert.deepEqual(await bvirsh(dir, ['net-edit', 'iso'], { EDITOR: 'true', VISUAL: '' }), ok('Network iso XML configuration not changed.\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-edit', 'iso'], { EDITOR: editor('ip.sh', 's/10.0.5.1/10.0.8.1/'), VISUAL: '' }),
      ok('Network iso XML configuration edited.\n\n'));
    assert.match((await bvirsh(dir, ['net-dumpxml', 'iso'])).stdout, /<ip address='10.0.8.1' prefix='24'>/);
    const before = tree(dir);
    const bad = await bvirsh(dir, ['net-edit', 'iso'], { EDITOR: editor('mode.sh', "s/<name>iso<\\/name>/<name>iso<\\/name><forward mode='nat'\\/>/"), VISUAL: '' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: Failed to edit network iso: the edited XML was not saved\nerror: unsupported configuration: network 'iso': forward mode 'nat'/);
    assert.deepEqual(tree(dir), before);
  });

  it('undefine of an active network leaves it running, transient; __rc start starts autostart networks before guests', async () => {
    const dir = host(['iso']);
    for (const f of ['iso.xml', 'lan.xml']) assert.equal((await bvirsh(dir, ['net-define', join(dir, f)])).code, 0);
    assert.equal((await bvirsh(dir, ['define', join(dir, 'g1.xml')])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['net-autostart', 'iso']), ok('Network iso marked as autostarted\n\n'));
    assert.deepEqual(await bvirsh(dir, ['autostart', 'g1']), ok("Domain 'g1' marked as autostarted\n\n"));
    assert.deepEqual(await bvirsh(dir, ['__rc', 'start']), ok("Network 'iso' started\nDomain 'g1' started\n\n"));
    assert.deepEqual(await bvirsh(dir, ['net-list', '--all']), ok(' Name   State      Autostart   Persistent\n' +
      '-------------------------------------------\n iso    active     yes         yes\n lan    inactive   no          yes\n\n'));
    // a new definition while it runs: the live one stays until the next start (keeping its bridge)
    assert.equal((await bvirsh(dir, ['net-define', join(dir, 'iso2.xml')])).code, 0);
    assert.match((await bvirsh(dir, ['net-dumpxml', 'iso'])).stdout, /<bridge name='bvirbr0' stp='on' delay='0'\/>[^]*<ip address='10.0.5.1' prefix='24'>/);
    assert.match((await bvirsh(dir, ['net-dumpxml', '--inactive', 'iso'])).stdout, /<bridge name='bvirbr0' stp='on' delay='0'\/>[^]*<ip address='10.0.7.1' prefix='24'>/);
    const json = await bvirsh(dir, ['net-list', '--all', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), { networks: [
      { name: 'iso', uuid: 'aaaaaaaa-0000-0000-0000-000000000001', active: true, autostart: true, persistent: true },
      { name: 'lan', uuid: 'aaaaaaaa-0000-0000-0000-000000000002', active: false, autostart: false, persistent: true },
    ] });
    assert.deepEqual(await bvirsh(dir, ['net-undefine', 'iso']), ok('Network iso has been undefined\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-info', 'iso']), ok('Name:           iso\nUUID:           aaaaaaaa-0000-0000-0000-000000000001\n' +
      'Active:         yes\nPersistent:     no\nAutostart:      no\nBridge:         bvirbr0\n\n'));
    assert.equal((await bvirsh(dir, ['destroy', 'g1'])).code, 0);
    assert.deepEqual(await bvirsh(dir, ['net-destroy', 'iso']), ok('Network iso destroyed\n\n'));
    assert.deepEqual(await bvirsh(dir, ['net-list', '--all', '--name']), ok('lan\n\n'));
    assert.equal(existsSync(join(dir, 'dev/net/bvirbr0')), false);
  });
});
