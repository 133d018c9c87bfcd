/**
 * bvirsh against virsh 9.0 on the test driver: stdout, stderr and exit status
 * must be identical (CPU time, which the test driver reads from the clock, is
 * masked). Skipped only when virsh is not installed (.ci/run installs it).
 */
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { BIN, makeNodeDir, ROOT, pool, runBin, runInProcess, runVirsh, same, sameSession, virshAvailable, words, type Result, type SessionOptions } from './harness';

const HAVE_VIRSH = virshAvailable();


/** every command on every domain of a URI */
function perDomain(doms: string[]): string[] {
  const cmds = ['dominfo', 'domstate', 'domstate --reason', 'domid', 'domuuid', 'dumpxml', 'dumpxml --inactive',
    'vcpucount', 'vcpucount --maximum', 'vcpucount --config', 'vcpuinfo', 'vcpuinfo --pretty', 'dommemstat', 'domblklist',
    'domblklist --details', 'domiflist', 'vncdisplay', 'domstats', 'domblkinfo --all', 'domblkinfo --all --human'];
  return doms.flatMap((d) => cmds.map((c) => `${c} ${d}`));
}

const COMMON = [
  'list', 'list --all', 'list --inactive', 'list --name --all', 'list --uuid --all', 'list --name --uuid --all',
  'list --table --all', 'list --id', 'list --state-running', 'list --state-paused', 'list --state-shutoff',
  'list --all --state-running --state-shutoff', 'list --persistent --all', 'list --transient --all',
  'list --autostart --all', 'list --no-autostart --all', 'list --id --uuid', 'list --id --uuid --name --all',
  'list --all --id --name', 'list --all --id', 'list --id --table', 'list --all --managed-save', 'list --with-managed-save --all',
  'list --without-managed-save --all', 'list --with-managed-save', 'list --all --title --managed-save', 'list --all --title --name',
  'list --title --all', 'list --table --name', 'list --table --uuid',
  'nodeinfo', 'hostname', 'uri', 'version', 'capabilities', 'maxvcpus', 'maxvcpus --type test',
  'dominfo nosuch', 'dominfo', 'domstate', 'dumpxml', 'dominfo --domain', 'list --foo',
  'define', 'define missing.xml', 'define bad.xml', 'define adir', 'define empty.xml', 'define huge.xml',
  'define extra.xml', 'define entity.xml', 'define dupattr.xml', 'define mismatch.xml', 'define noname.xml', 'create missing.xml',
  'list extra', 'nodeinfo extra', 'hostname --foo', 'list --all --all', 'list -x', 'dominfo test --domain test',
  'dominfo test --foo=3', 'domstate test --reason --reason', 'vcpucount test --maximum --active', 'vcpucount test --live --config',
  'start nosuch', 'destroy nosuch', 'undefine nosuch', 'autostart nosuch', 'dommemstat nosuch', 'domname nosuch',
  'domblkinfo test vda', 'domblkinfo test vda --human', 'domblkinfo test /guest/diskimage1', 'domblkinfo test vdx', 'domblkinfo test',
  "domblkinfo test ''", 'domblkinfo test vda --all', 'domblkinfo --device vda --domain test', 'domblkinfo nosuch vda',
];

/** domstats over all domains: libvirt returns them in hash-table order (it changes from run to run), we in list order */
const DOMSTATS_ALL = ['domstats', 'domstats --state', 'domstats --cpu-total --balloon', 'domstats --list-active', 'domstats --list-inactive',
  'domstats --list-persistent', 'domstats --list-transient', 'domstats --list-running', 'domstats --list-paused',
  'domstats --list-shutoff', 'domstats --list-other', 'domstats --list-active --list-transient', 'domstats --state --vcpu --enforce',
  'domstats --enforce', 'domstats --perf --block --enforce', 'domstats --raw --backing --nowait', 'domstats --nosuch', 'domstats nosuch',
  'domstats --state nosuch 1'];

/** A domstats output with its records sorted (each record is a `Domain: '…'` block). */
function sortedRecords(r: Result): Result {
  const records = r.stdout.replace(/\n+$/, '').split(/\n(?=Domain: ')/).map((x) => x.replace(/\n+$/, '')).sort();
  return { ...r, stdout: `${records.join('\n\n')}\n` };
}

(HAVE_VIRSH ? describe : describe.skip)('differential: bvirsh vs virsh 9.0 (test driver)', function () {
  this.timeout(120000);
  let dir = '';
  let nodeURI = '';

  before(() => {
    const n = makeNodeDir();
    dir = n.dir;
    nodeURI = `test://${n.nodeFile}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('through bin/run.js, one process per command', () => {
    const cases = (uri: () => string, extra: string[]): Array<{ uri: () => string; cmd: string }> =>
      [...extra].map((cmd) => ({ uri, cmd }));
    it('test:///default', async () => {
      const list = cases(() => 'test:///default', ['list --all', 'dominfo test', 'dumpxml test', 'vcpuinfo test',
        'dominfo nosuch', 'dominfo', 'dominfo test --foo', 'dominfo test extra', 'define bad.xml', 'destroy test',
        'list extra', 'nodeinfo --foo']);
      const results = await pool(list, 2, async (c) => ({ c, ours: await runBin(c.uri(), words(c.cmd), dir), theirs: await runVirsh(c.uri(), c.cmd, dir) }));
      for (const r of results) same(r.ours, r.theirs, r.c.cmd);
    });
    it('a node XML with several domains', async () => {
      const list = cases(() => nodeURI, ['list --all', 'dominfo off1', 'domblklist web1 --details', 'capabilities',
        'dommemstat off1', 'undefine tr1']);
      const results = await pool(list, 2, async (c) => ({ c, ours: await runBin(c.uri(), words(c.cmd), dir), theirs: await runVirsh(c.uri(), c.cmd, dir) }));
      for (const r of results) same(r.ours, r.theirs, r.c.cmd);
    });
  });

  it('connection failures: missing, foreign and malformed node files, no path', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(dir, 'nodex.xml'), '<nodex/>\n');
    writeFileSync(join(dir, 'badnode.xml'), '<node\n');
    const dom = (name: string, n: number): string =>
      `<domain type='test'><name>${name}</name><uuid>00000000-0000-0000-0000-00000000000${n}</uuid><memory>1024</memory><os><type>hvm</type></os></domain>`;
    writeFileSync(join(dir, 'dupuuid-node.xml'), `<node>${dom('a', 1)}${dom('b', 1)}</node>`);
    writeFileSync(join(dir, 'dupname-node.xml'), `<node>${dom('a', 1)}${dom('a', 2)}</node>`);
    const uris = [`test://${join(dir, 'missing.xml')}`, `test://${join(dir, 'nodex.xml')}`, `test://${join(dir, 'badnode.xml')}`, 'test:///',
      `test://${join(dir, 'dupuuid-node.xml')}`, `test://${join(dir, 'dupname-node.xml')}`];
    for (const uri of uris) same(await runBin(uri, ['list'], dir), await runVirsh(uri, 'list', dir), `list on ${uri}`);
  });

  describe('every command, in process (fresh connection per command)', () => {
    const check = async (uri: string, cmds: string[]): Promise<void> => {
      const theirs = await pool(cmds, 3, (c) => runVirsh(uri, c, dir));
      for (let i = 0; i < cmds.length; i++) {
        same(await runInProcess(uri, [cmds[i]], dir), theirs[i], `${cmds[i]} on ${uri}`);
      }
    };
    it('test:///default', () => check('test:///default', [...COMMON, ...perDomain(['test']), 'domname 1', 'domid 1',
      'domname test', 'dominfo 1', 'dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f', 'domname 6695EB01-F6A4-8304-79AA-97F2502E193F',
      'domname 6695eb01f6a4830479aa97f2502e193f', 'dominfo test --foo', 'dominfo test extra',
      'vcpucount test --live', 'vcpucount test --current', 'vcpucount test --current --live', 'vcpucount test --config --current',
      'version --daemon', 'dommemstat test --period -1', 'dommemstat test --period x', 'dommemstat test --period 99999999999', 'dumpxml test --update-cpu', 'dumpxml test --migratable', 'dumpxml test --security-info',
      'domblklist test --inactive', 'domiflist test --inactive', 'vcpucount test --guest', 'vcpucount test --active', 'vcpucount test --maximum --live', 'vcpuinfo 1', 'dumpxml 1 --inactive']));
    it('node XML: running, paused, shut off, transient, file= domains', () => check(nodeURI, [...COMMON,
      ...perDomain(['web1', 'db1', 'off1', 'tr1', 'ext1']), 'domname 3', 'dominfo 2', 'vcpucount off1 --live',
      'domstats web1 db1 off1', 'domstats --domain web1 --domain 2', 'domstats --list-shutoff web1 off1', 'domstats --state -- off1 web1']));
    it('domstats over all domains (records compared in any order: libvirt\'s order is random)', async () => {
      for (const uri of ['test:///default', nodeURI]) {
        const theirs = await pool(DOMSTATS_ALL, 3, (c) => runVirsh(uri, c, dir));
        for (let i = 0; i < DOMSTATS_ALL.length; i++) {
          same(sortedRecords(await runInProcess(uri, [DOMSTATS_ALL[i]], dir)), sortedRecords(theirs[i]), `${DOMSTATS_ALL[i]} on ${uri}`);
        }
      }
    });
  });

  describe('state changes in one session (virsh \'a; b; c\')', () => {
    const seq = (uri: string, cmds: string[], opts: SessionOptions = {}): Promise<void> => sameSession(uri, cmds, dir, opts);
    it('suspend, resume, destroy, start, shutdown', () => seq('test:///default', ['suspend test', 'domstate test --reason',
      'resume test', 'domstate test --reason', 'destroy test', 'domstate test --reason', 'dominfo test', 'start test',
      'domstate test --reason', 'shutdown test', 'domstate --reason test', 'dominfo test', 'list --all', 'reboot test',
      'start test', 'reboot test', 'domstate test --reason', 'reset test', 'list --all']));
    it('define, start, autostart, undefine a running domain, destroy', () => seq('test:///default', ['define new.xml',
      'list --all', 'dumpxml new1', 'start new1', 'dumpxml new1', 'domiflist new1', 'autostart new1', 'list --autostart --all',
      'dominfo new1', 'autostart --disable new1', 'list --autostart --all', 'undefine new1', 'dominfo new1',
      'list --transient --all', 'destroy new1', 'list --all', 'dominfo new1'], { lookupFails: true }));
    it('create a transient domain', () => seq('test:///default', ['create new.xml', 'list --all --transient', 'dominfo new1',
      'autostart new1', 'undefine new1', 'vcpucount new1', 'destroy new1', 'list --all']));
    it('create over a defined domain, define over a running one', () => seq('test:///default', ['define new.xml', 'create new.xml',
      'list --all', 'create new.xml', 'dominfo new1', 'destroy new1', 'list --all', 'dominfo new1', 'define rich.xml', 'start rich',
      'define rich.xml', 'dumpxml rich --inactive', 'destroy rich', 'undefine rich', 'list --all']));
    it('start/create/shutdown/reboot/destroy flags the test driver takes or refuses', () => seq('test:///default', [
      'destroy test', 'start test --paused', 'domstate test --reason', 'create new.xml --paused', 'start test --autodestroy',
      'start test --bypass-cache', 'start test --force-boot', 'destroy test --graceful', 'start test', 'shutdown test --mode bogus',
      'reboot test --mode acpi,agent', 'reboot test --mode signal', 'shutdown test --mode agent', 'shutdown test --mode acpi,paravirt',
      'domstate test --reason', 'list --all'], { lookupFails: true }));
    it('start/create --pass-fds, --reset-nvram, create/define --validate as the test driver takes or refuses them', () => seq('test:///default', [
      'destroy test', 'start test --pass-fds 3,4', 'list --all', 'destroy test', 'start test --pass-fds x', 'start test --pass-fds 3,,4',
      "start test --pass-fds ' 3'", "start test --pass-fds '3 '", 'start test --pass-fds +3,-1', 'start test --pass-fds 0x3',
      'start test --pass-fds 4294967299', "start test --pass-fds ''", 'destroy test', 'start test --reset-nvram',
      'start test --pass-fds 3 --paused', 'start test --pass-fds 3 --force-boot', 'start test --pass-fds 5', 'destroy test',
      'create new.xml --pass-fds 3', 'destroy new1', 'create new.xml --pass-fds x', 'create new.xml --reset-nvram',
      'create new.xml --validate', 'dumpxml new1', 'destroy new1', 'create new.xml --validate --paused', 'create new.xml --pass-fds 3 --paused',
      'define new.xml --validate', 'list --all', 'create missing.xml --pass-fds x', 'create new.xml --pass-fds 3 --validate', 'list --all'],
    { lookupFails: true }));
    it('--pass-fds and --validate on a read-only connection', () => seq(nodeURI, ['start off1 --pass-fds 3', 'start off1',
      'create new.xml --pass-fds 3', 'create new.xml --validate', 'define new.xml --validate', 'define new.xml', 'list --all'], { readonly: true }));
    it('console without a terminal: words, --devname and --safe, then the TTY check; start --console', async () => {
      // separate processes with stdin closed: the in-process runner would inherit mocha's terminal
      for (const line of ['console test', 'console test serial0', 'console test --devname serial0', 'console --devname a test',
        'console --domain test serial0', 'console test --safe', 'console test --force --safe', 'destroy test; console test',
        'destroy test; start test --console; console test', 'domdisplay --domain test vnc', 'vncdisplay --domain=test']) {
        const { spawnSync } = await import('node:child_process');
        const r = spawnSync(process.execPath, [BIN, '-c', 'test:///default', line], {
          cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LIBVIRT_DEFAULT_URI: '' },
        });
        same({ stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 }, await runVirsh('test:///default', line, dir), line);
      }
    });
    it('console on a terminal: "Connected to domain", then the driver\'s refusal (test:/// has no consoles)', async function () {
      const { spawnSync } = await import('node:child_process');
      if (spawnSync('script', ['--version']).status !== 0) this.skip(); // util-linux script(1) provides the TTY
      const onTty = (cmd: string): string => {
        const r = spawnSync('script', ['-qec', `${cmd} </dev/tty`, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LIBVIRT_DEFAULT_URI: '' } });
        // virsh alone adds polkit's complaint on this machine: not part of the command's output
        return r.stdout.replace(/\r/g, '').split('\n').filter((l) => !/^Authorization not available/.test(l)).join('\n');
      };
      for (const line of ['console test', 'console test --devname serial0 --safe', 'console test serial0 --force', 'destroy test; start test --console']) {
        const theirs = onTty(`virsh -c test:///default '${line}'`);
        assert.match(theirs, /Connected to domain 'test'/, 'virsh reached the console call');
        assert.equal(onTty(`${process.execPath} ${BIN} -c test:///default '${line}'`), theirs, line);
      }
    });
    it('domdisplay and vncdisplay: positional words after --domain', () => seq('test:///default', [
      'domdisplay --domain test vnc', 'domdisplay test --type vnc', 'vncdisplay --domain=test']));
    it('positional words fill the first option not yet given (console, domdisplay, domxml-to-native, dominfo)', async () => {
      for (const cmd of ['console test serial0 extra', 'console test --devname a b', 'console serial0 --domain test',
        'domdisplay test --type vnc extra', 'vncdisplay --domain test extra', 'dominfo test --domain test', 'dominfo --domain=test x',
        'domxml-to-native --format bhyve-argv missing.xml', 'domxml-to-native bhyve-argv --xml missing.xml extra']) {
        same(await runInProcess('test:///default', [cmd], dir), await runVirsh('test:///default', cmd, dir), cmd);
      }
    });
    it('refusals and wrong states change nothing', () => seq('test:///default', ['start test', 'resume test',
      'define clash.xml', 'define bad.xml', 'suspend test', 'suspend test', 'destroy test', 'destroy test', 'suspend test',
      'shutdown test', 'reboot test', 'reset test', 'dommemstat test', 'vcpuinfo test', 'vcpucount test', 'domid test',
      'list --all', 'undefine test', 'list --all']));
    it('node XML: lifecycle actions follow on_reboot / on_poweroff and transience', () => seq(nodeURI, ['reboot tr1',
      'list --all', 'shutdown web1', 'list --all', 'resume db1', 'start off1', 'list --all', 'autostart ext1',
      'list --autostart', 'undefine ext1', 'list --all --transient', 'destroy ext1', 'list --all', 'start web1',
      'list --all --name']));
    it('node XML: the other states (no state, idle, in shutdown, crashed, pmsuspended)', () => seq(nodeURI, [
      'list --all', 'list --state-other', 'domstate st6 --reason', 'suspend st6', 'resume st7', 'destroy st0',
      'shutdown st4', 'reboot st2', 'domstate st2 --reason', 'list --all', 'list --inactive --name']));
    it('node XML: balloon collection period', () => seq(nodeURI, ['dommemstat web1 --period 5', 'dumpxml web1',
      'dommemstat off1 --period 3', 'dommemstat db1 --period 7 --config', 'dumpxml db1 --inactive', 'dommemstat web1 --period 0 --live',
      'dumpxml web1', 'dommemstat off1 --period 2 --live']));
    it('an empty required option is a run-time error: the line goes on', () => seq('test:///default', ["dominfo ''", 'domid test',
      "vcpucount '' --maximum", "define ''", "domstats ''", "undefine --domain ''", 'list --all'], { lookupFails: true }));
    it('node XML: managed-save images', () => seq(nodeURI, ['dominfo ms1', 'undefine ms1', 'start ms2', 'dominfo ms2',
      'undefine ms1 --managed-save', 'list --all']));
    it('assorted domain XML: define, dumpxml, block/interface lists, boot, lifecycle actions', async () => {
      const { copyFileSync, readdirSync } = await import('node:fs');
      const { join } = await import('node:path');
      const fixtures = join(ROOT, 'test', 'differential', 'fixtures');
      const cmds: string[] = [];
      for (const f of readdirSync(fixtures).filter((x) => x.endsWith('.xml')).sort()) {
        copyFileSync(join(fixtures, f), join(dir, f));
        cmds.push(`define ${f}`);
      }
      for (const d of ['bsd1', 'lin1', 'misc1', 'rich', 'con1']) {
        cmds.push(`dumpxml ${d}`, `domblklist ${d} --details`, `domiflist ${d}`, `vcpucount ${d}`, `vncdisplay ${d}`, `start ${d}`,
          `dumpxml ${d}`, `dominfo ${d}`, `vncdisplay ${d}`, `shutdown ${d}`, `domstate ${d} --reason`, `start ${d}`, `reboot ${d}`,
          `domstate ${d} --reason`);
      }
      cmds.push('list --all', 'list --all --title');
      await seq('test:///default', cmds);
    });
    it('vncdisplay: listen attribute or element, all-addresses, IPv6, autoport, a second <graphics>, stopped', async () => {
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dom = (name: string, devices: string): string =>
        `<domain type='test'><name>${name}</name><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${devices}</devices></domain>`;
      writeFileSync(join(dir, 'vnc-node.xml'), `<node>${[
        dom('a1', "<graphics type='vnc' autoport='yes' listen='0.0.0.0'/>"),
        dom('a2', "<graphics type='vnc' port='5907' autoport='no'><listen type='address' address='192.168.1.5'/></graphics><graphics type='vnc' port='5999'/>"),
        dom('a3', "<graphics type='spice' port='5908' autoport='no'/><graphics type='vnc' port='5902' autoport='no' listen='::'/>"),
        dom('a4', "<graphics type='vnc' port='5903' autoport='no' listen='[::1]'/>"),
        dom('a5', "<graphics type='vnc' port='5904'/>"),
        dom('a6', "<graphics type='spice' port='5905'/>"),
      ].join('')}</node>`);
      await seq(`test://${join(dir, 'vnc-node.xml')}`, ['vncdisplay a1', 'vncdisplay a2', 'vncdisplay a3', 'vncdisplay a4',
        'vncdisplay a5', 'vncdisplay --domain a4', 'destroy a2', 'vncdisplay a2', 'start a2', 'vncdisplay a2']);
      await seq(`test://${join(dir, 'vnc-node.xml')}`, ['vncdisplay a6']);
    });
    it('domdisplay: every display type, listen forms, wildcards, passwords, sockets, --type/--all, errors', async () => {
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const ns = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'";
      let n = 0;
      const dom = (name: string, devices: string, extra = ''): string => `<domain type='test'><name>${name}</name>` +
        `<uuid>d15b1a70-0000-0000-0000-${String(++n).padStart(12, '0')}</uuid><memory>65536</memory><vcpu>1</vcpu>` +
        `<os><type>hvm</type></os><devices>${devices}</devices>${extra}</domain>`;
      writeFileSync(join(dir, 'display-node.xml'), `<node ${ns}>${[
        dom('d1', "<graphics type='vnc' autoport='yes' listen='0.0.0.0'/>"),
        dom('d2', "<graphics type='vnc' port='5907' autoport='no' passwd='s&amp;cret'><listen type='address' address='192.168.1.5'/></graphics><graphics type='vnc' port='5999'/>"),
        dom('d3', "<graphics type='spice' port='5908' tlsPort='5909' autoport='no' passwd='pw'/><graphics type='vnc' port='5902' autoport='no' listen='::'/>"),
        dom('d4', "<graphics type='vnc' port='5903' autoport='no' listen='::1'/><graphics type='rdp' port='3389' listen='fe80::1'/>"),
        dom('d5', "<graphics type='vnc' port='5920' autoport='no'/><graphics type='vnc' port='5921' autoport='no' listen='10.1.1.1' passwd='second'/>"),
        dom('d6', "<graphics type='vnc' socket='/run/d6.sock' passwd='q'/><graphics type='dbus' address='unix:path=/run/d6.bus'/>"),
        dom('d7', "<graphics type='spice' tlsPort='5930' autoport='no' listen='0'/><graphics type='dbus' address='tcp:host=1.2.3.4,port=5'/>"),
        dom('d8', "<graphics type='vnc' port='5931' listen='0:0::0'/><graphics type='spice' port='5932' listen='::ffff:0.0.0.0' passwd='x'/>"),
        dom('d9', "<graphics type='sdl'/><graphics type='dbus' address='unix:abstract=d9'/>"),
        dom('d10', "<graphics type='vnc' port='5940'/>", '<test:runstate>5</test:runstate>'),
        dom('d11', ''),
      ].join('')}</node>`);
      const uri = `test://${join(dir, 'display-node.xml')}`;
      const cmds = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11'].flatMap((d) => [`domdisplay ${d}`,
        `domdisplay ${d} --all`, `domdisplay ${d} --all --include-password`]);
      await seq(uri, [...cmds, 'domdisplay d3 --type spice', 'domdisplay d3 spice --include-password', 'domdisplay d3 --type rdp',
        'domdisplay d4 --type rdp', 'domdisplay d6 --type dbus', 'domdisplay d3 --type bogus', 'domdisplay --domain d2 vnc',
        'domdisplay d11 --type vnc', "domdisplay d1 --type ''", "domdisplay d10 --type ''", 'domdisplay d1 --all --type vnc', 'domdisplay nosuch --all --type vnc',
        'dumpxml d6', 'dumpxml d6 --security-info']);
      await seq(uri, ['domdisplay nosuch', 'domdisplay d1'], { lookupFails: true });
      await seq(uri, ['domdisplay d3 --type vnc extra']);
      await seq(uri, ['domdisplay d2 --include-password', 'domdisplay d2', 'domdisplay d10 --include-password', 'dumpxml d2 --security-info'], { readonly: true });
      await seq(uri, ['domdisplay']);
    });
    it('read-only connection (-r) refuses every change', () => seq('test:///default', ['destroy test', 'suspend test',
      'resume test', 'define new.xml', 'create new.xml', 'autostart test', 'autostart --disable test', 'undefine test',
      'reset test', 'reboot test', 'shutdown test', 'start test', 'list --all', 'dominfo test'], { readonly: true }));
    it('quiet mode (-q)', () => seq('test:///default', ['list --all', 'domid test', 'dominfo test', 'vcpuinfo test',
      'domblklist test', 'domiflist test', 'define new.xml', 'start new1', 'suspend new1', 'dominfo nosuch', 'list --all',
      'autostart test', 'vcpucount test'], { quiet: true, lookupFails: true }));
  });
});

if (!HAVE_VIRSH) {
  describe('differential: bvirsh vs virsh 9.0', () => {
    it('is skipped: virsh (libvirt-clients 9.x) is not installed — .ci/run installs it', function () { this.skip(); });
  });
}
