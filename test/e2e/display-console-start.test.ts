/**
 * virsh commands and flags on the bhyve driver, end to end on a fresh simulated
 * host per test (sim:///TMPDIR, real CLI, supervisor and sim tools):
 * domdisplay; console --devname / --safe; start/create --pass-fds,
 * --reset-nvram, --validate and define --validate. Exact output, files and
 * exit codes; nothing may be left running.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nativeBuildDir } from '../../src/core/bhyve/host';
import { Pty, hasScript } from '../helpers/pty';

const ROOT = resolve(__dirname, '../../..');
const RUN = join(ROOT, 'bin/run.js');
const SIM_BHYVE = join(nativeBuildDir(), 'bhyve');
const MONITOR = join(nativeBuildDir(), 'bvirsh-monitor');
const ENV = { BVIRSH_MONITOR_SETTLE_MS: '50' };
const dirs: string[] = [];

interface Result { code: number; stdout: string; stderr: string }

function bvirsh(dir: string, args: string[]): Promise<Result> {
  return new Promise((res) => {
    execFile(process.execPath, [RUN, '-c', `sim://${dir}`, ...args], { env: { ...process.env, ...ENV } }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function domainXML(name: string, disk: string, opts: { efi?: boolean; devices?: string; diskAttrs?: string } = {}): string {
  return `<domain type='bhyve'>
  <name>${name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os${opts.efi ? " firmware='efi'" : ''}><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'${opts.diskAttrs ?? ''}><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>${opts.devices ?? ''}
  </devices>
</domain>
`;
}

/** A fresh sim host with a disk image; `write(name, xml)` puts an XML file in it. */
function host(): { dir: string; disk: string; write(file: string, xml: string): string } {
  const dir = mkdtempSync(join(tmpdir(), 'bvirsh-gaps-'));
  dirs.push(dir);
  const disk = join(dir, 'disk.img');
  writeFileSync(disk, '');
  spawnSync('truncate', ['-s', '1M', disk]);
  return { dir, disk, write: (file, xml) => { const p = join(dir, file); writeFileSync(p, xml); return p; } };
}

/** Our sim bhyve and supervisor processes under a test dir (pid, command line). */
function processesOf(dir: string): Array<{ pid: number; args: string }> {
  const r = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    .filter((m) => !m[2].startsWith('Z') && m[3].includes(dir) && (m[3].startsWith(SIM_BHYVE) || m[3].startsWith(MONITOR)))
    .map((m) => ({ pid: Number(m[1]), args: m[3] }));
}
const ours = (dir: string): string[] => processesOf(dir).map((p) => p.args);

const vgaDevices = "\n    <graphics type='vnc' autoport='yes' passwd='s3cret'/><video><model type='gop'/></video>";

describe('virsh gaps on sim:///TMPDIR (e2e): domdisplay, console --devname/--safe, start/create/define flags', function () {
  this.timeout(60000);

  before(() => {
    if (!existsSync(SIM_BHYVE) || !existsSync(MONITOR)) throw new Error('native tools are not built: run npm install');
  });
  afterEach(function () {
    const left = dirs.flatMap(processesOf);
    for (const p of left) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    if (this.currentTest?.state === 'passed') assert.deepEqual(left.map((p) => p.args), [], 'a guest outlived its test');
  });
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('domdisplay: the autoport VNC display of a running guest, its password only with --include-password on a read-write connection', async () => {
    const h = host();
    const xml = h.write('g.xml', domainXML('g', h.disk, { efi: true, devices: vgaDevices }));
    assert.equal((await bvirsh(h.dir, ['define', xml])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'g']), { code: 1, stdout: '\n', stderr: 'error: Domain is not running\n' });
    assert.equal((await bvirsh(h.dir, ['start', 'g'])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'g']), { code: 0, stdout: 'vnc://127.0.0.1:0\n', stderr: '' });
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', '--all', 'g']), { code: 0, stdout: 'vnc://127.0.0.1:0\n\n', stderr: '' });
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'g', '--include-password']), { code: 0, stdout: 'vnc://:s3cret@127.0.0.1:0\n', stderr: '' });
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'g', 'spice']), { code: 1, stdout: '\n', stderr: "error: No graphical display with type 'spice' found\n" });
    assert.deepEqual(await bvirsh(h.dir, ['-r', 'domdisplay', 'g', '--include-password']), {
      code: 1, stdout: '\n', stderr: 'error: Failed to get domain description xml\nerror: operation forbidden: virDomainGetXMLDesc with secure flag\n',
    });
    // the password is in dumpxml only with --security-info, as libvirt's
    assert.doesNotMatch((await bvirsh(h.dir, ['dumpxml', 'g'])).stdout, /passwd/);
    assert.match((await bvirsh(h.dir, ['dumpxml', 'g', '--security-info'])).stdout, /<graphics type='vnc' port='5900' autoport='yes' listen='127\.0\.0\.1' passwd='s3cret'\/>/);
    assert.doesNotMatch((await bvirsh(h.dir, ['dumpxml', '--inactive', 'g'])).stdout, /passwd/);
    assert.match(readFileSync(join(h.dir, 'usr/local/etc/bvirsh/domains/g.xml'), 'utf8'), /passwd='s3cret'/, 'the definition keeps it');
    // listening everywhere: the connection URI has no host, so virsh's "localhost"
    const all = h.write('all.xml', domainXML('all', h.disk, { efi: true, devices: "\n    <graphics type='vnc' port='5905' listen='0.0.0.0'/><video><model type='gop'/></video>" }));
    assert.equal((await bvirsh(h.dir, ['create', all])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'all']), { code: 0, stdout: 'vnc://localhost:5\n', stderr: '' });
    for (const n of ['g', 'all']) assert.equal((await bvirsh(h.dir, ['destroy', n])).code, 0);
    // no graphics at all
    const plain = h.write('plain.xml', domainXML('plain', h.disk));
    assert.equal((await bvirsh(h.dir, ['create', plain])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['domdisplay', 'plain']), { code: 1, stdout: '\n', stderr: 'error: No graphical display found\n' });
    assert.equal((await bvirsh(h.dir, ['destroy', 'plain'])).code, 0);
  });

  it('console: --devname names the first serial port (serial0, console0) or is refused; --safe is refused as libvirt\'s bhyve driver does', async function () {
    if (!hasScript()) this.skip(); // util-linux script(1) provides the TTY
    const h = host();
    const serial = (n: string, port: number) => `\n    <serial type='nmdm'><source master='/dev/nmdm-${n}A' slave='/dev/nmdm-${n}B'/><target port='${port}'/></serial>`;
    const xml = h.write('con.xml', domainXML('con', h.disk, { devices: serial('c0', 0) + serial('c1', 1) }));
    assert.equal((await bvirsh(h.dir, ['define', xml])).code, 0);
    assert.equal((await bvirsh(h.dir, ['start', 'con'])).code, 0);
    const connected = "Connected to domain 'con'\nEscape character is ^] (Ctrl + ])\n";
    const cmd = `${process.execPath} ${RUN} -c sim://${h.dir} console con`;
    for (const args of ['--devname serial0', '--devname console0', 'console0', '--devname=serial0']) {
      const pty = new Pty(`${cmd} ${args}`, { ...process.env, ...ENV });
      try {
        await pty.waitFor(connected);
        // (an earlier session may have read the guest's boot output: ask for a fresh prompt)
        const mark = pty.screen.length;
        pty.type('\r');
        await pty.waitFor('login:', mark);
        pty.type('\x1d');
        assert.equal(await pty.exited, 0, args);
      } finally { pty.kill(); }
    }
    const refused: Array<[string, string]> = [
      ['--devname serial1', 'error: argument unsupported: character device serial1 cannot be opened: only the first serial port (serial0) has a console'],
      ['--devname serial7', 'error: internal error: cannot find character device serial7'],
      ['--devname channel0', 'error: internal error: cannot find character device channel0'],
      ['--safe', 'error: unsupported flags (0x2) in function bhyveDomainOpenConsole'],
      ['--force --safe', 'error: unsupported flags (0x2) in function bhyveDomainOpenConsole'],
    ];
    for (const [args, error] of refused) {
      const pty = new Pty(`${cmd} ${args}`, { ...process.env, ...ENV });
      try {
        await pty.waitFor(`${connected}${error}\n`);
        assert.equal(await pty.exited, 1, args);
      } finally { pty.kill(); }
    }
    assert.equal(existsSync(join(h.dir, 'var/run/bvirsh/con.console')), false, 'no refused session holds the console');
    // virsh's word rules: a second word is the device name, a third is too many
    assert.deepEqual(await bvirsh(h.dir, ['console', 'con', 'serial0', 'extra']), { code: 1, stdout: '', stderr: "error: unexpected data 'extra'\n" });
    assert.deepEqual(await bvirsh(h.dir, ['console', 'con', '--devname', 'a', 'b']), { code: 1, stdout: '', stderr: "error: unexpected data 'b'\n" });
    assert.equal((await bvirsh(h.dir, ['destroy', 'con'])).code, 0);
  });

  it('start/create --pass-fds: virsh\'s parse errors, then libvirt\'s "not supported" (bhyve takes no descriptors); nothing started', async () => {
    const h = host();
    const xml = h.write('p.xml', domainXML('p', h.disk));
    assert.equal((await bvirsh(h.dir, ['define', xml])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['start', 'p', '--pass-fds', '3,x']), { code: 1, stdout: '\n', stderr: "error: Unable to parse FD number 'x'\n" });
    assert.deepEqual(await bvirsh(h.dir, ['start', 'p', '--pass-fds', '3,4']), {
      code: 1, stdout: '\n', stderr: "error: Failed to start domain 'p'\nerror: this function is not supported by the connection driver: virDomainCreateWithFiles\n",
    });
    assert.deepEqual(await bvirsh(h.dir, ['-r', 'start', 'p', '--pass-fds', '3']), {
      code: 1, stdout: '\n', stderr: "error: Failed to start domain 'p'\nerror: operation forbidden: read only access prevents virDomainCreateWithFiles\n",
    });
    const t = h.write('t.xml', domainXML('t', h.disk));
    assert.deepEqual(await bvirsh(h.dir, ['create', t, '--pass-fds', '']), { code: 0, stdout: `Domain 't' created from ${t}\n\n`, stderr: '' });
    assert.equal((await bvirsh(h.dir, ['destroy', 't'])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['create', t, '--pass-fds', '0x3']), { code: 1, stdout: '\n', stderr: "error: Unable to parse FD number '0x3'\n" });
    assert.deepEqual(await bvirsh(h.dir, ['create', t, '--pass-fds', '3']), {
      code: 1, stdout: '\n', stderr: `error: Failed to create domain from ${t}\nerror: this function is not supported by the connection driver: virDomainCreateXMLWithFiles\n`,
    });
    assert.deepEqual(ours(h.dir), []);
    assert.deepEqual((await bvirsh(h.dir, ['list', '--all', '--name'])).stdout, 'p\n\n');
  });

  it('start/create --reset-nvram: a fresh copy of the UEFI variable template before the boot; refused while running; nothing to do without UEFI', async () => {
    const h = host();
    const xml = h.write('u.xml', domainXML('u', h.disk, { efi: true, devices: vgaDevices }));
    const vars = join(h.dir, 'var/lib/bvirsh/nvram/u_VARS.fd');
    assert.equal((await bvirsh(h.dir, ['define', xml])).code, 0);
    assert.equal((await bvirsh(h.dir, ['start', 'u'])).code, 0);
    const template = readFileSync(join(h.dir, 'usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd'), 'utf8');
    assert.equal(readFileSync(vars, 'utf8'), template, 'the first boot copies the template');
    assert.deepEqual(await bvirsh(h.dir, ['start', 'u', '--reset-nvram']), { code: 1, stdout: '\n', stderr: 'error: Domain is already active\n' });
    assert.equal((await bvirsh(h.dir, ['destroy', 'u'])).code, 0);
    writeFileSync(vars, 'variables the guest wrote\n');
    assert.equal((await bvirsh(h.dir, ['start', 'u'])).code, 0);
    assert.equal(readFileSync(vars, 'utf8'), 'variables the guest wrote\n', 'a plain start keeps them');
    assert.equal((await bvirsh(h.dir, ['destroy', 'u'])).code, 0);
    assert.deepEqual(await bvirsh(h.dir, ['start', 'u', '--reset-nvram']), { code: 0, stdout: "Domain 'u' started\n\n", stderr: '' });
    assert.equal(readFileSync(vars, 'utf8'), template);
    assert.equal((await bvirsh(h.dir, ['destroy', 'u'])).code, 0);
    // transient, and a guest with no variable store
    const tv = join(h.dir, 'var/lib/bvirsh/nvram/tu_VARS.fd');
    writeFileSync(tv, 'stale\n');
    const t = h.write('tu.xml', domainXML('tu', h.disk, { efi: true, devices: vgaDevices }));
    assert.deepEqual(await bvirsh(h.dir, ['create', t, '--reset-nvram']), { code: 0, stdout: `Domain 'tu' created from ${t}\n\n`, stderr: '' });
    assert.equal(readFileSync(tv, 'utf8'), template);
    const plain = h.write('plain.xml', domainXML('plain', h.disk));
    assert.deepEqual(await bvirsh(h.dir, ['create', plain, '--reset-nvram']), { code: 0, stdout: `Domain 'plain' created from ${plain}\n\n`, stderr: '' });
    assert.deepEqual(readdirSync(join(h.dir, 'var/lib/bvirsh/nvram')).sort(), ['tu_VARS.fd', 'u_VARS.fd']);
    for (const n of ['tu', 'plain']) assert.equal((await bvirsh(h.dir, ['destroy', n])).code, 0);
  });

  it('define/create --validate: an attribute the domain model does not know is refused under libvirt\'s schema-error prefix; nothing defined or started', async () => {
    const h = host();
    const typo = h.write('typo.xml', domainXML('typo', h.disk, { diskAttrs: " devcie='cdrom'" }));
    // (libvirt's message is two lines and ends with a newline: virsh prints it so)
    const refusal = 'error: XML document failed to validate against schema: Unable to validate doc against bvirsh\'s bhyve domain model\n' +
      'Invalid attribute devcie for element disk\n\n';
    assert.deepEqual(await bvirsh(h.dir, ['define', typo, '--validate']), { code: 1, stdout: '\n', stderr: `error: Failed to define domain from ${typo}\n${refusal}` });
    assert.deepEqual(await bvirsh(h.dir, ['create', '--validate', typo]), { code: 1, stdout: '\n', stderr: `error: Failed to create domain from ${typo}\n${refusal}` });
    assert.deepEqual(readdirSync(join(h.dir, 'usr/local/etc/bvirsh/domains')), []);
    assert.deepEqual(ours(h.dir), []);
    // without --validate the attribute is ignored, as libvirt ignores what it does not know
    assert.deepEqual(await bvirsh(h.dir, ['define', typo]), { code: 0, stdout: `Domain 'typo' defined from ${typo}\n\n`, stderr: '' });
    // a document the model knows passes
    const good = h.write('good.xml', domainXML('good', h.disk, { efi: true, devices: vgaDevices }));
    assert.deepEqual(await bvirsh(h.dir, ['define', '--validate', good]), { code: 0, stdout: `Domain 'good' defined from ${good}\n\n`, stderr: '' });
    assert.deepEqual(await bvirsh(h.dir, ['-r', 'define', '--validate', good]), {
      code: 1, stdout: '\n', stderr: `error: Failed to define domain from ${good}\nerror: operation forbidden: read only access prevents virDomainDefineXMLFlags\n`,
    });
  });
});
