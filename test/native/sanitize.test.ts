/**
 * The native C code (vmmapi-sim and the simulated host's tools) built with
 * -fsanitize=address,undefined in a temporary directory, then run through a
 * short scenario: a C driver of the library (with racing threads) and the tools
 * as processes. Any sanitizer report fails the test.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeBuildDir } from '../../src/core/vmm';

const NATIVE = path.resolve(nativeBuildDir(), '..', '..');
const SAN_ENV = {
  ASAN_OPTIONS: 'detect_leaks=1:exitcode=99:abort_on_error=0',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:exitcode=98',
};
const REPORT = /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;

describe('native C code under AddressSanitizer + UBSan', function () {
  this.timeout(120000);
  let dir: string;
  let root: string;
  const reports: string[] = [];

  before(function () {
    try {
      execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip(); // no compiler at all: npm install could not have built the addon either
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-asan-'));
    root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const cflags = ['-std=gnu11', '-g', '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all',
      '-fno-omit-frame-pointer', '-I', path.join(NATIVE, 'vmm/sim'), '-I', path.join(NATIVE, 'sim')];
    const lib = [path.join(NATIVE, 'vmm/sim/vmmapi_sim.c'), path.join(NATIVE, 'sim/simcommon.c')];
    const progs: [string, string][] = [['test_vmmapi_sim', 'vmm/sim/test_vmmapi_sim.c'], ['bhyve', 'sim/bhyve.c'],
      ['bhyvectl', 'sim/bhyvectl.c'], ['bhyveload', 'sim/bhyveload.c'], ['grub-bhyve', 'sim/grub-bhyve.c']];
    for (const [out, src] of progs) {
      execFileSync('gcc', [...cflags, ...lib, path.join(NATIVE, src), '-o', path.join(dir, out), '-lpthread'], { stdio: 'inherit' });
    }
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(prog: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string; child?: never }>((resolve) => {
      const c = spawn(path.join(dir, prog), args, { env: { ...process.env, ...SAN_ENV, BVIRSH_SIM_ROOT: root, ...env } });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.on('close', (code) => {
        if (REPORT.test(stderr)) reports.push(`${prog} ${args.join(' ')}:\n${stderr}`);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('the vmmapi-sim C driver passes with no sanitizer report', async () => {
    const r = await run('test_vmmapi_sim', [root]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok \d+ checks\n$/);
    assert.deepEqual(reports, []);
  });

  it('the tools run a load / boot / control / console / poweroff scenario with no report', async () => {
    const disk = path.join(dir, 'disk.img');
    fs.writeFileSync(disk, 'BVIRSH-SIM-GUEST: boot-ms=30 tick-ms=5\n');
    const map = path.join(dir, 'device.map');
    fs.writeFileSync(map, `(hd0) ${disk}\n`);
    assert.equal((await run('bhyveload', ['-m', '5G', '-d', disk, '-e', 'a=b', 'v1'])).code, 0);
    assert.equal((await run('grub-bhyve', ['-m', map, '-r', 'hd0', '-M', '1G', 'g1'])).code, 0);

    const bhyve = run('bhyve', ['-c', 'sockets=1,cores=2', '-m', '5G', '-s', '0,hostbridge', '-s', '31,lpc',
      '-s', `2,virtio-blk,${disk},nocache,sectorsize=512/4096`, '-s', '3,virtio-net,tap0,mac=58:9c:fc:00:00:01',
      '-s', `4,ahci,hd:${disk},cd:${disk}`, '-l', 'com1,/dev/nmdm1A', 'v1']);
    const sock = path.join(root, 'dev/nmdm1B');
    for (let i = 0; i < 400 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
    let text = '';
    const c = net.connect(sock);
    c.on('data', (d) => (text += d));
    for (let i = 0; i < 400 && !text.endsWith('login: '); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(text.endsWith('login: '), text);
    for (const args of [['--cpu=1', '--inject-nmi'], ['--get-stats'], ['--set-rtc-time=100', '--get-rtc-time'],
      ['--get-active-cpus', '--get-cpu-topology'], ['--cpu=77', '--get-stats']]) {
      await run('bhyvectl', ['--vm=v1', ...args]);
    }
    c.write('root\rpw\rnope\rpoweroff\r');
    assert.equal((await bhyve).code, 1);
    c.destroy();

    for (const bad of [['-s', '99,lpc', 'x'], ['-c', 'cpus=3,cores=2', 'x'], ['-l', 'com1', 'x'], ['-Z'],
      ['-k', '/nonexistent', 'x'], ['-l', 'bootrom,/dev/null', '-s', '1,nvme,ram=64,maxq=4', '-s', '2,fbuf,w=10', 'x']]) {
      assert.notEqual((await run('bhyve', bad)).code, 0);
    }
    assert.equal((await run('bhyvectl', ['--vm=v1', '--destroy'])).code, 0);
    assert.equal((await run('bhyvectl', ['--vm=x', '--destroy'])).code, 0);
    assert.deepEqual(fs.readdirSync(path.join(root, 'dev/vmm')).sort(), ['g1']);
    assert.deepEqual(reports, []);
  });
});
