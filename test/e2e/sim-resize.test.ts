/**
 * setmem / setmaxmem / setvcpus on the bhyve driver, end to end on a fresh
 * simulated host per test (sim:///TMPDIR): the real CLI, bvirsh-monitor and
 * the sim's bhyve. A stopped guest's definition changes at once; a running
 * guest refuses live changes, accepts --config, keeps showing what it booted
 * with, and its next boot's bhyve argv (-m, -c) carries the change. Bad input
 * leaves the definition file byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nativeBuildDir } from '../../src/core/bhyve/host';

const ROOT = resolve(__dirname, '../../..');
const RUN = join(ROOT, 'bin/run.js');
const SIM_BHYVE = join(nativeBuildDir(), 'bhyve');

interface Result { code: number; stdout: string; stderr: string }

function bvirsh(dir: string, args: string[]): Promise<Result> {
  return new Promise((res) => {
    execFile(process.execPath, [RUN, '-c', `sim://${dir}`, ...args], {
      env: { ...process.env, BVIRSH_MONITOR_SETTLE_MS: '50', LIBVIRT_DEFAULT_URI: '', BVIRSH_DEFAULT_URI: '' },
    }, (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

async function ok(dir: string, args: string[]): Promise<string> {
  const r = await bvirsh(dir, args);
  assert.equal(r.stderr, '', `stderr of ${args.join(' ')}`);
  assert.equal(r.code, 0, `exit status of ${args.join(' ')}`);
  return r.stdout;
}

/** A command that must fail with exactly these error lines. */
async function fails(dir: string, args: string[], stderr: string): Promise<void> {
  const r = await bvirsh(dir, args);
  assert.equal(r.stderr, stderr, `stderr of ${args.join(' ')}`);
  assert.equal(r.code, 1, `exit status of ${args.join(' ')}`);
}

const tmpRoots: string[] = [];

/** A sim host with guest `name` (128 MiB, 2 vCPUs) defined from an XML file. */
async function host(name: string): Promise<{ dir: string; xml: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bvirsh-resize-'));
  tmpRoots.push(dir);
  const disk = join(dir, `${name}.img`);
  writeFileSync(disk, '');
  spawnSync('truncate', ['-s', '1M', disk]);
  const xml = join(dir, `${name}.xml`);
  writeFileSync(xml, `<domain type='bhyve'><name>${name}</name><memory unit='MiB'>128</memory><vcpu>2</vcpu><os><type>hvm</type></os>
<devices><disk type='file' device='disk'><source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>
`);
  return { dir, xml };
}

function definitionFile(dir: string, name: string): string {
  return join(dir, 'usr/local/etc/bvirsh/domains', `${name}.xml`);
}

/** The argv of the sim bhyve running guest `name` of host `dir` (its last word is the VM name). */
async function bhyveArgv(dir: string, name: string): Promise<string> {
  const deadline = Date.now() + 10000;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const ps = spawnSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.trim());
    const line = ps.find((l) => !l.startsWith('Z') && l.includes(`${SIM_BHYVE} `) && l.includes(dir) && l.endsWith(` ${name}`));
    if (line) return line.slice(line.indexOf(SIM_BHYVE));
    if (Date.now() > deadline) throw new Error(`no bhyve running for ${name}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

function field(dominfo: string, key: string): string {
  const m = new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(dominfo);
  assert.ok(m, `dominfo has ${key}`);
  return m[1];
}

describe('setmem, setmaxmem, setvcpus on sim:///TMPDIR (e2e)', function () {
  this.timeout(60000);
  const running: Array<{ dir: string; name: string }> = [];
  after(async () => {
    for (const g of running) await bvirsh(g.dir, ['destroy', g.name]);
    for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
  });

  it('a stopped guest: --config and --current change the definition; dominfo, vcpucount, dumpxml --inactive and the next boot show it', async () => {
    const { dir, xml } = await host('st1');
    await ok(dir, ['define', xml]);
    assert.equal(await ok(dir, ['setmaxmem', 'st1', '256M']), '\n');
    assert.equal(await ok(dir, ['setmem', 'st1', '200M', '--current']), '\n');
    await ok(dir, ['setvcpus', 'st1', '4', '--maximum', '--config']);
    await ok(dir, ['setvcpus', 'st1', '3', '--current']);
    const info = await ok(dir, ['dominfo', 'st1']);
    assert.equal(field(info, 'Max memory'), '262144 KiB');
    assert.equal(field(info, 'Used memory'), '204800 KiB');
    assert.equal(field(info, 'CPU\\(s\\)'), '3');
    assert.equal(await ok(dir, ['vcpucount', 'st1']), 'maximum      config         4\ncurrent      config         3\n\n');
    const inactive = await ok(dir, ['dumpxml', '--inactive', 'st1']);
    assert.match(inactive, /\n {2}<memory unit='KiB'>262144<\/memory>\n {2}<currentMemory unit='KiB'>204800<\/currentMemory>\n {2}<vcpu placement='static' current='3'>4<\/vcpu>\n/);
    // setmem without flags is --live for virsh: a stopped guest has nothing live
    await fails(dir, ['setmem', 'st1', '100M'], 'error: Requested operation is not valid: domain is not running\n');
    await fails(dir, ['setvcpus', 'st1', '1'], 'error: Requested operation is not valid: domain is not running\n');
    // shrinking the maximum below the current values lowers them too
    await ok(dir, ['setmaxmem', 'st1', '192M', '--config']);
    await ok(dir, ['setvcpus', 'st1', '2', '--maximum', '--config']);
    assert.match(await ok(dir, ['dumpxml', '--inactive', 'st1']),
      /\n {2}<memory unit='KiB'>196608<\/memory>\n {2}<currentMemory unit='KiB'>196608<\/currentMemory>\n {2}<vcpu placement='static'>2<\/vcpu>\n/);
    await ok(dir, ['start', 'st1']);
    running.push({ dir, name: 'st1' });
    assert.match(await bhyveArgv(dir, 'st1'), / -c 2 -m 192 /);
    await ok(dir, ['destroy', 'st1']);
    await ok(dir, ['setvcpus', 'st1', '1', '--config']);
    await ok(dir, ['start', 'st1']);
    assert.match(await bhyveArgv(dir, 'st1'), / -c 1 -m 192 /, 'bhyve boots the current vCPU count');
    await ok(dir, ['destroy', 'st1']);
  });

  it('a running guest: live changes refused, --config accepted and shown from the next boot', async () => {
    const { dir, xml } = await host('run1');
    await ok(dir, ['define', xml]);
    await ok(dir, ['start', 'run1']);
    running.push({ dir, name: 'run1' });
    assert.match(await bhyveArgv(dir, 'run1'), / -c 2 -m 128 /);
    const file = definitionFile(dir, 'run1');
    const before = readFileSync(file, 'utf8');
    const liveMemory = 'error: Requested operation is not valid: bhyve cannot change the memory of a running domain (it has no balloon device); use --config to change it from the next boot\n';
    const liveVcpus = 'error: Requested operation is not valid: bhyve cannot change the vCPUs of a running domain (no vCPU hotplug); use --config to change them from the next boot\n';
    await fails(dir, ['setmem', 'run1', '64M'], liveMemory);
    await fails(dir, ['setmem', 'run1', '64M', '--live'], liveMemory);
    await fails(dir, ['setmem', 'run1', '64M', '--current'], liveMemory);
    await fails(dir, ['setmaxmem', 'run1', '256M'], 'error: Unable to change MaxMemorySize\nerror: Requested operation is not valid: cannot resize the maximum memory on an active domain\n');
    await fails(dir, ['setvcpus', 'run1', '1'], liveVcpus);
    await fails(dir, ['setvcpus', 'run1', '1', '--config', '--live'], liveVcpus);
    await ok(dir, ['suspend', 'run1']);
    await fails(dir, ['setvcpus', 'run1', '1', '--current'], liveVcpus); // paused is active too
    await fails(dir, ['setmem', 'run1', '64M', '--current'], liveMemory);
    await ok(dir, ['resume', 'run1']);
    assert.equal(readFileSync(file, 'utf8'), before, 'refused live changes leave the definition alone');

    await ok(dir, ['setmaxmem', 'run1', '256M', '--config']);
    await ok(dir, ['setmem', 'run1', '192M', '--config']);
    await ok(dir, ['setvcpus', 'run1', '3', '--maximum', '--config']);
    await ok(dir, ['setvcpus', 'run1', '3', '--config']);
    // the running guest still is what it booted as
    const info = await ok(dir, ['dominfo', 'run1']);
    assert.equal(field(info, 'Max memory'), '131072 KiB');
    assert.equal(field(info, 'Used memory'), '131072 KiB');
    assert.equal(field(info, 'CPU\\(s\\)'), '2');
    assert.equal(await ok(dir, ['vcpucount', 'run1']),
      'maximum      config         3\nmaximum      live           2\ncurrent      config         3\ncurrent      live           2\n\n');
    assert.match(await ok(dir, ['dumpxml', 'run1']), /\n {2}<memory unit='KiB'>131072<\/memory>\n {2}<currentMemory unit='KiB'>131072<\/currentMemory>\n {2}<vcpu placement='static'>2<\/vcpu>\n/);
    assert.match(await ok(dir, ['dumpxml', '--inactive', 'run1']),
      /\n {2}<memory unit='KiB'>262144<\/memory>\n {2}<currentMemory unit='KiB'>196608<\/currentMemory>\n {2}<vcpu placement='static'>3<\/vcpu>\n/);
    assert.match(await bhyveArgv(dir, 'run1'), / -c 2 -m 128 /, 'nothing changed in the running bhyve');

    // the next boot (a reboot re-reads the definition) applies it
    await ok(dir, ['reboot', 'run1']);
    const deadline = Date.now() + 10000;
    let argv = '';
    while (Date.now() < deadline && !/ -c 3 -m 256 /.test(argv)) argv = await bhyveArgv(dir, 'run1');
    assert.match(argv, / -c 3 -m 256 /);
    let after = '';
    while (Date.now() < deadline && !/CPU\(s\):\s+3\n/.test(after)) after = await ok(dir, ['dominfo', 'run1']);
    assert.equal(field(after, 'Max memory'), '262144 KiB');
    assert.equal(field(after, 'Used memory'), '196608 KiB');
    await ok(dir, ['destroy', 'run1']);
  });

  it('bad input, a transient guest and a read-only connection change nothing on disk', async () => {
    const { dir, xml } = await host('bad1');
    await ok(dir, ['define', xml]);
    const file = definitionFile(dir, 'bad1');
    const before = readFileSync(file, 'utf8');
    const hostMax = Number((await ok(dir, ['maxvcpus'])).trim());
    const cases: Array<[string[], string]> = [
      [['setmem', 'bad1', '0', '--config'], 'error: memory in virDomainSetMemoryFlags must not be zero\n'],
      [['setmem', 'bad1', '-5', '--config'], "error: Scaled numeric value '-5' for <size> option is malformed or out of range\n"],
      [['setmem', 'bad1', '5x', '--config'], "error: Scaled numeric value '5x' for <size> option is malformed or out of range\nerror: invalid argument: unknown suffix 'x'\n"],
      [['setmem', 'bad1', '18446744073709551615', '--config'],
        "error: Scaled numeric value '18446744073709551615' for <size> option is malformed or out of range\nerror: numerical overflow: value too large: 18446744073709551615\n"],
      [['setmem', 'bad1', '9007199254740991', '--config'], 'error: numerical overflow: input too large: 9007199254740991\n'],
      [['setmem', 'bad1', '1G', '--config'], 'error: invalid argument: cannot set memory higher than max memory\n'],
      [['setmem', 'bad1', '1M', '--config', '--live'], "error: Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive\n"],
      [['setmem', 'bad1', '1M', '--current', '--config'], 'error: Options --current and --config are mutually exclusive\n'],
      [['setmaxmem', 'bad1', '0'], 'error: Unable to change MaxMemorySize\nerror: memory in virDomainSetMemoryFlags must not be zero\n'],
      [['setvcpus', 'bad1', '0', '--config'], "error: Can't set 0 processors for a VM\n"],
      [['setvcpus', 'bad1', '3', '--config'], 'error: invalid argument: requested cpu amount exceeds maximum (3 > 2)\n'],
      [['setvcpus', 'bad1', String(hostMax + 1), '--maximum', '--config'],
        `error: invalid argument: requested cpu amount exceeds maximum supported amount (${hostMax + 1} > ${hostMax})\n`],
      [['setvcpus', 'bad1', '1', '--maximum'], 'error: Option --config is required by option --maximum\n'],
      [['setvcpus', 'bad1', '1', '--guest'], 'error: unsupported flags (0x8) in function bhyveDomainSetVcpusFlags\n'],
      [['setvcpus', 'bad1', 'x', '--config'], "error: Numeric value 'x' for <count> option is malformed or out of range\n"],
      [['-r', 'setmem', 'bad1', '1M', '--config'], 'error: operation forbidden: read only access prevents virDomainSetMemoryFlags\n'],
      [['-r', 'setvcpus', 'bad1', '1', '--config'], 'error: operation forbidden: read only access prevents virDomainSetVcpusFlags\n'],
      [['setmem', 'nosuch', '1M', '--config'], "error: failed to get domain 'nosuch'\n"],
    ];
    for (const [args, stderr] of cases) await fails(dir, args, stderr);
    assert.equal(readFileSync(file, 'utf8'), before, 'the definition file is unchanged');

    // a transient guest has no persistent definition to edit, and cannot change live either
    const tr = join(dir, 'tr1.xml');
    writeFileSync(tr, readFileSync(xml, 'utf8').replace(/bad1/g, 'tr1'));
    writeFileSync(join(dir, 'tr1.img'), '');
    await ok(dir, ['create', tr]);
    running.push({ dir, name: 'tr1' });
    const transient = 'error: Requested operation is not valid: transient domains do not have any persistent config\n';
    await fails(dir, ['setmem', 'tr1', '64M', '--config'], transient);
    await fails(dir, ['setmaxmem', 'tr1', '256M', '--config'], 'error: Unable to change MaxMemorySize\n' + transient);
    await fails(dir, ['setvcpus', 'tr1', '1', '--config'], transient);
    await fails(dir, ['setvcpus', 'tr1', '1', '--current'],
      'error: Requested operation is not valid: bhyve cannot change the vCPUs of a running domain (no vCPU hotplug); use --config to change them from the next boot\n');
    assert.equal(field(await ok(dir, ['dominfo', 'tr1']), 'Max memory'), '131072 KiB');
    await ok(dir, ['destroy', 'tr1']);
  });
});
