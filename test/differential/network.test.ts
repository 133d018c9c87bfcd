/**
 * Virtual networks: bvirsh against virsh 9.0 on the test driver — every net-*
 * command and flag, on test:///default (its network `default`) and on a node
 * XML with several <network> elements (inline and file=), in one session per
 * sequence as `virsh 'a; b; c'` runs them: stdout, stderr and exit status must
 * be identical. Fixtures carry UUIDs, so nothing needs masking.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pool, runInProcess, runVirsh, same, sameSession, virshAvailable, type SessionOptions } from './harness';

const HAVE_VIRSH = virshAvailable();


const net = (name: string, n: number, body: string): string =>
  `<network>\n  <name>${name}</name>\n  <uuid>aaaaaaaa-0000-0000-0000-00000000000${n}</uuid>\n${body}</network>\n`;

function fixtures(dir: string): void {
  const files: Record<string, string> = {
    'iso.xml': net('iso', 1, "  <bridge name='bvirbr5'/>\n  <ip address='10.0.5.1' prefix='24'>\n    <dhcp><range start='10.0.5.10' end='10.0.5.20'/></dhcp>\n  </ip>\n"),
    'br.xml': net('br', 2, "  <forward mode='bridge'/>\n  <bridge name='bridge0'/>\n"),
    'plain.xml': net('plain', 3, ''),
    'rt.xml': net('rt', 4, "  <forward mode='route' dev='em0'/>\n  <ip address='10.8.0.1' prefix='24'/>\n  <ip family='ipv6' address='fd00::1' prefix='64'/>\n"),
    'full.xml': `<network ipv6='yes'>\n  <name>full</name>\n  <uuid>bbbbbbbb-0000-0000-0000-000000000001</uuid>\n  <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>\n  <bridge name='virbr7' stp='off' delay='5'/>\n  <mac address='52:54:00:11:22:33'/>\n  <domain name='example.org'/>\n  <ip address='192.168.7.1' netmask='255.255.255.0'>\n    <dhcp>\n      <range start='192.168.7.10' end='192.168.7.20'/>\n      <host mac='52:54:00:00:00:01' name='h1' ip='192.168.7.5'/>\n    </dhcp>\n  </ip>\n</network>\n`,
    // same name as iso, another UUID; same UUID as iso, another name
    'iso-clash.xml': net('iso', 9, ''),
    'uuid-clash.xml': net('other', 1, ''),
    'noname.xml': "<network><bridge name='x'/></network>\n",
    'emptyname.xml': '<network><name></name></network>\n',
    'slash.xml': '<network><name>a/b</name></network>\n',
    'dom.xml': '<domain><name>x</name></domain>\n',
    'bad.xml': '<network><name>bad</name>\n',
    'entity.xml': '<!DOCTYPE network [<!ENTITY x "y">]><network><name>&x;</name></network>\n',
    'badmode.xml': "<network><name>bm</name><forward mode='isolated'/></network>\n",
    'badip.xml': "<network><name>bi</name><ip address='10.0.0.300' prefix='24'/></network>\n",
    'badpfx.xml': "<network><name>bp</name><ip address='10.0.0.1' prefix='40'/></network>\n",
    'pfxword.xml': "<network><name>bw</name><ip address='10.0.0.1' prefix='x'/></network>\n",
    'both.xml': "<network><name>b2</name><ip address='10.0.0.1' netmask='255.255.255.0' prefix='24'/></network>\n",
    'noaddr.xml': "<network><name>na</name><ip netmask='255.255.255.0'/></network>\n",
    'badmask.xml': "<network><name>bk</name><ip address='10.0.0.1' netmask='x'/></network>\n",
    'noend.xml': "<network><name>ne</name><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.9'/></dhcp></ip></network>\n",
    'outside.xml': "<network><name>ou</name><ip address='10.1.0.1' prefix='24'><dhcp><range start='10.9.0.5' end='10.9.0.9'/></dhcp></ip></network>\n",
    'reversed.xml': "<network><name>rv</name><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.20' end='10.0.0.10'/></dhcp></ip></network>\n",
    'badhost.xml': "<network><name>bh</name><ip address='10.0.0.1' prefix='24'><dhcp><host mac='zz' ip='10.0.0.7'/></dhcp></ip></network>\n",
    'baddelay.xml': "<network><name>bd</name><bridge name='b' delay='x'/></network>\n",
    'badmac.xml': "<network><name>bc</name><mac address='zz'/></network>\n",
    'mcast.xml': "<network><name>mc</name><mac address='01:00:00:00:00:01'/></network>\n",
    'baduuid.xml': '<network><name>bu</name><uuid>not-a-uuid</uuid></network>\n',
    'open.xml': "<network><name>op</name><forward mode='open'/></network>\n",
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  writeFileSync(join(dir, 'node.xml'), `<node>
  <network>
    <name>lan</name>
    <uuid>cccccccc-0000-0000-0000-000000000001</uuid>
    <forward mode='nat'/>
    <bridge name='virbr9'/>
    <mac address='52:54:00:aa:bb:cc'/>
    <ip address='10.9.0.1' netmask='255.255.255.0'><dhcp><range start='10.9.0.2' end='10.9.0.9'/></dhcp></ip>
  </network>
  <network file='iso.xml'/>
  <network file='${join(dir, 'rt.xml')}'/>
  <network>
    <name>Zed</name>
    <uuid>cccccccc-0000-0000-0000-000000000003</uuid>
    <forward mode='bridge'/>
    <bridge name='bridge0'/>
  </network>
  <domain type='test'><name>g1</name><uuid>cccccccc-0000-0000-0000-0000000000aa</uuid><memory>65536</memory><os><type>hvm</type></os></domain>
</node>
`);
  writeFileSync(join(dir, 'badnet-node.xml'), "<node><network><name>x</name><forward mode='bogus'/></network></node>\n");
}

(HAVE_VIRSH ? describe : describe.skip)('differential: virtual networks, bvirsh vs virsh 9.0 (test driver)', function () {
  this.timeout(120000);
  let dir = '';
  let nodeURI = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-net-diff-'));
    fixtures(dir);
    nodeURI = `test://${join(dir, 'node.xml')}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** one virsh session vs one bvirsh process running the same commands */
  const seq = (uri: string, cmds: string[], opts: SessionOptions = {}): Promise<void> => sameSession(uri, cmds, dir, { lookupFails: true, ...opts });

  it('every command and flag on its own (test:///default and a node file)', async () => {
    const per = (n: string): string[] => [`net-info ${n}`, `net-uuid ${n}`, `net-dumpxml ${n}`, `net-dumpxml --network ${n}`,
      `net-dumpxml ${n} --inactive`, `net-start ${n}`, `net-destroy ${n}`, `net-undefine ${n}`, `net-autostart ${n}`, `net-autostart ${n} --disable`];
    const common = ['net-list', 'net-list --all', 'net-list --inactive', 'net-list --all --name', 'net-list --all --uuid', 'net-list --table',
      'net-list --name --uuid', 'net-list --table --name', 'net-list --persistent', 'net-list --transient', 'net-list --autostart',
      'net-list --no-autostart', 'net-list --inactive --all', 'net-list --persistent --transient', 'net-list extra', 'net-list --foo',
      'net-info', 'net-info nope', 'net-uuid nope', 'net-name nope', 'net-name aaaaaaaa-0000-0000-0000-00000000000f', 'net-dumpxml nope',
      'net-start nope', 'net-destroy nope', 'net-undefine nope', 'net-autostart nope', 'net-info a b', 'net-define', 'net-create',
      'net-define missing.xml', 'net-create missing.xml', 'net-define bad.xml', 'net-create bad.xml',
      'net-define --validate full.xml', 'net-create --validate br.xml', 'net-define iso.xml --validate', 'net-define --validate bad.xml',
      ...['noname', 'emptyname', 'slash', 'dom', 'badmode', 'badip', 'badpfx', 'pfxword', 'both', 'noaddr', 'badmask', 'noend',
        'outside', 'reversed', 'badhost', 'baddelay', 'badmac', 'mcast', 'baduuid', 'open'].map((f) => `net-define ${f}.xml`)];
    const cases: Array<{ uri: string; cmd: string }> = [
      ...[...common, ...per('default'), 'net-name dd8fe884-6c02-601e-7551-cca97df1c5df', 'net-info dd8fe884-6c02-601e-7551-cca97df1c5df',
        'net-info DD8FE884-6C02-601E-7551-CCA97DF1C5DF', 'net-info dd8fe8846c02601e7551cca97df1c5df', 'net-uuid dd8fe884-6c02-601e-7551-cca97df1c5df',
      ].map((cmd) => ({ uri: 'test:///default', cmd })),
      ...[...common, ...per('lan'), ...per('rt'), ...per('Zed'), 'net-name cccccccc-0000-0000-0000-000000000003',
        'net-info iso', 'net-dumpxml iso'].map((cmd) => ({ uri: nodeURI, cmd })),
    ];
    const theirs = await pool(cases, 3, (c) => runVirsh(c.uri, c.cmd, dir));
    for (let i = 0; i < cases.length; i++) same(await runInProcess(cases[i].uri, [cases[i].cmd], dir), theirs[i], `${cases[i].cmd} on ${cases[i].uri}`);
  });

  it('refuses DOCTYPE/entities where libxml2 (virsh) would expand them: nothing is defined', async () => {
    const r = await runInProcess('test:///default', ['net-define entity.xml', 'net-list --all --name'], dir);
    assert.equal(r.stderr, 'error: Failed to define network from entity.xml\nerror: XML error: (network_definition): DOCTYPE and entity declarations are not allowed\n');
    assert.equal(r.stdout, '\ndefault\n\n');
  });

  it('a node file with a bad <network> fails to connect as virsh does', async () => {
    const uri = `test://${join(dir, 'badnet-node.xml')}`;
    same(await runInProcess(uri, ['net-list'], dir), await runVirsh(uri, 'net-list', dir), 'net-list on a bad node file');
  });

  it('define, start, autostart, destroy, undefine in one session', () => seq('test:///default', ['net-define iso.xml', 'net-list --all',
    'net-dumpxml iso', 'net-info iso', 'net-start iso', 'net-start iso', 'net-autostart iso', 'net-list --all', 'net-list --autostart',
    'net-undefine iso', 'net-autostart --disable iso', 'net-destroy iso', 'net-destroy iso', 'net-undefine iso', 'net-undefine iso',
    'net-list --all', 'net-define plain.xml', 'net-info plain', 'net-dumpxml plain', 'net-define full.xml', 'net-dumpxml full',
    'net-define rt.xml', 'net-dumpxml rt', 'net-list --all --name', 'net-list --inactive --uuid']));

  it('transient networks, redefinition and clashes', () => seq('test:///default', ['net-create br.xml', 'net-dumpxml br', 'net-info br',
    'net-list --transient', 'net-autostart br', 'net-info br', 'net-undefine br', 'net-destroy br', 'net-list --all', 'net-info br',
    'net-define iso.xml', 'net-define iso.xml', 'net-define iso-clash.xml', 'net-define uuid-clash.xml', 'net-create iso.xml',
    'net-create iso.xml', 'net-create uuid-clash.xml', 'net-info iso', 'net-define plain.xml', 'net-start plain', 'net-define plain.xml',
    'net-destroy plain', 'net-list --all']));

  it('node file: networks loaded active and persistent; changes', () => seq(nodeURI, ['net-list --all', 'net-destroy rt', 'net-info rt',
    'net-list --inactive', 'net-start rt', 'net-destroy lan', 'net-undefine lan', 'net-list --all', 'net-autostart Zed', 'net-list --autostart',
    'list --all']));

  it('net-edit: unchanged, and an edit defined over the running network (the live XML stays)', async () => {
    await seq('test:///default', ['net-edit default', 'net-edit nope'], { editor: 'true' });
    writeFileSync(join(dir, 'ed.sh'), '#!/bin/sh\nsed -i "s/virbr0/virbr1/" "$1"\n', { mode: 0o755 });
    await seq('test:///default', ['net-edit default', 'net-dumpxml default', 'net-destroy default', 'net-dumpxml default', 'net-start default', 'net-dumpxml default'], { editor: join(dir, 'ed.sh') });
  });

  it('read-only connection (-r) refuses every change', () => seq('test:///default', ['net-define iso.xml', 'net-create iso.xml',
    'net-start default', 'net-destroy default', 'net-undefine default', 'net-autostart default', 'net-autostart --disable default',
    'net-define missing.xml', 'net-define --validate iso.xml', 'net-create --validate iso.xml', 'net-list', 'net-info default',
    'net-dumpxml default'], { readonly: true }));

  it('quiet mode (-q)', () => seq('test:///default', ['net-list --all', 'net-define iso.xml', 'net-start iso', 'net-autostart iso',
    'net-autostart --disable iso', 'net-destroy iso', 'net-undefine iso', 'net-create br.xml', 'net-list --all', 'net-list --name'], { quiet: true }));
});

if (!HAVE_VIRSH) {
  describe('differential: virtual networks', () => {
    it('is skipped: virsh (libvirt-clients 9.x) is not installed — .ci/run installs it', function () { this.skip(); });
  });
}
