/**
 * End-to-end tests of the native layer: the simulated host's tools run as
 * processes; the vmm addon (through src/core/vmm.ts) observes and controls them.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { hostInfo, isLockHeld, listVMs, openVM, simConsoleSocket, STAT, VmHandle, vmmBackend } from '../../src/core/vmm';
import { VirError } from '../../src/core/errors';
import { bhyveArgs, cleanupSim, guestStatus, mkSimRoot, Proc, runTool, startTool, waitFor } from './simhost';

const DESCRIPTIONS = [
  'vcpu migration across host cpus',
  'total number of vm exits',
  'vm exits due to external interrupt',
  'number of times hlt was intercepted',
  'number of times %cr access was intercepted',
  'number of times rdmsr was intercepted',
  'number of times wrmsr was intercepted',
  'number of monitor trap exits',
  'number of times pause was intercepted',
  'vm exits due to interrupt window opening',
  'vm exits due to nmi window opening',
  'number of times in/out was intercepted',
  'number of times cpuid was intercepted',
  'vm exits due to nested page fault',
  'vm exits for instruction emulation',
  'number of vm exits for unknown reason',
  'number of times astpending at exit',
  'number of vm exits handled in userspace',
  'number of times rendezvous pending at exit',
  'number of vm exits due to exceptions',
  'number of NMIs delivered to vcpu',
  'vcpu total runtime',
  'Resident memory',
  'Wired memory',
];

async function boot(root: string, name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}, opts = {}): Promise<{ p: Proc; h: VmHandle }> {
  const p = startTool(root, 'bhyve', bhyveArgs(name, extra, opts), env);
  const h = await waitFor(`VM ${name} to appear`, async () => {
    if (p.child.exitCode !== null) throw new Error(`bhyve exited ${p.child.exitCode}: ${p.err()}`);
    return (await listVMs({ simRoot: root })).includes(name) && openVM(name, { simRoot: root });
  });
  // the guest's status block is written last in bhyve's set-up
  await waitFor(`guest ${name} set up`, async () => (await guestStatus(h)).name === name);
  return { p, h };
}

async function booted(h: VmHandle): Promise<void> {
  await waitFor('guest to finish booting (ACPI enabled)', async () => (await guestStatus(h)).acpi === '1');
}

describe('native vmm addon + simulated bhyve host', function () {
  this.timeout(40000);
  afterEach(cleanupSim);

  it('reports the simulated backend and host facts', () => {
    assert.equal(vmmBackend(), 'sim');
    assert.deepEqual(hostInfo(), { backend: 'sim', simulated: true, tscFreq: 2000000000n, maxCpu: 16 });
  });

  it('lists no VMs on a fresh host and refuses to open a missing one with errno', async () => {
    const root = mkSimRoot();
    const saved = process.env.BVIRSH_SIM_ROOT;
    delete process.env.BVIRSH_SIM_ROOT;
    try {
      await assert.rejects(listVMs(), /^VirError: invalid argument: no simulated host root: pass simRoot or set BVIRSH_SIM_ROOT$/);
    } finally {
      if (saved !== undefined) process.env.BVIRSH_SIM_ROOT = saved;
    }
    assert.deepEqual(await listVMs({ simRoot: root }), []);
    await assert.rejects(openVM('web1', { simRoot: root }), (e: VirError) => {
      assert.equal(e.code, 'VIR_ERR_NO_DOMAIN');
      assert.equal(e.errno, 2);
      assert.equal(e.message, 'vm_open web1: No such file or directory');
      return true;
    });
  });

  it('runs a VM whose statistics advance and freeze under SIGSTOP', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'web1');
    assert.deepEqual(h.statDescriptions(), DESCRIPTIONS);
    assert.deepEqual(await h.activeCpus(), [0, 1]);
    assert.deepEqual(await h.topology(), { sockets: 2, cores: 1, threads: 1, maxcpus: 16 });
    assert.deepEqual(await h.memoryMap(), [{ gpa: 0n, len: 512n << 20n, segid: 0, segoff: 0n, prot: 7, flags: 0, segment: '' }]);
    const s1 = h.statsSync(1);
    const s2 = await waitFor('vcpu1 runtime to advance', () => {
      const s = h.statsSync(1);
      return s.get(STAT.RUNTIME)! > s1.get(STAT.RUNTIME)! && s;
    });
    assert.ok(s2.get(STAT.EXITS)! >= s1.get(STAT.EXITS)!);
    // per-VM memory counters live on vCPU 0 only and grow toward the configured size
    assert.equal(s2.get(STAT.RESIDENT), 0n);
    const r1 = h.statsSync(0).get(STAT.RESIDENT)!;
    const r2 = await waitFor('resident memory to grow', () => {
      const r = h.statsSync(0).get(STAT.RESIDENT)!;
      return r > r1 && r;
    });
    assert.ok(r2 <= 512n * 1024n * 1024n && r2 % 4096n === 0n);
    assert.equal(h.statsSync(0).get(STAT.WIRED), 0n);

    p.child.kill('SIGSTOP');
    try {
      // once the kernel shows the process stopped (state T), nothing may change;
      // proving absence needs a bounded wait (6 ticks).
      await waitFor('bhyve to stop', () => /^\d+ \(.*\) T /.test(fs.readFileSync(`/proc/${p.child.pid}/stat`, 'utf8')));
      const frozen = await h.stats(0);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(await h.stats(0), frozen);
    } finally {
      p.child.kill('SIGCONT');
    }
    const before = h.statsSync(0).get(STAT.RUNTIME)!;
    await waitFor('runtime to advance after SIGCONT', () => h.statsSync(0).get(STAT.RUNTIME)! > before);
  });

  it('delivers NMIs to the vCPU they were injected into (addon and bhyvectl)', async () => {
    const root = mkSimRoot();
    const { h } = await boot(root, 'nmi1');
    await h.injectNMI(1);
    await waitFor('vcpu1 NMI count 1', () => h.statsSync(1).get(STAT.NMIS) === 1n);
    assert.equal(h.statsSync(0).get(STAT.NMIS), 0n);
    const r = await runTool(root, 'bhyvectl', ['--vm=nmi1', '--cpu=0', '--inject-nmi']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    await waitFor('vcpu0 NMI count 1', () => h.statsSync(0).get(STAT.NMIS) === 1n);
    assert.equal((await guestStatus(h)).nmis, '2');
    await assert.rejects(h.injectNMI(16), (e: VirError) => e.errno === 22 && /^vm_inject_nmi nmi1 vcpu 16: Invalid argument$/.test(e.message));
  });

  for (const [reason, status] of [['reset', 0], ['poweroff', 1], ['halt', 2], ['triplefault', 3]] as const) {
    it(`exits ${status} when suspended with reason ${reason}, leaving the VM behind`, async () => {
      const root = mkSimRoot();
      const { p, h } = await boot(root, `s-${reason}`);
      await h.suspend(reason);
      assert.deepEqual(await p.exited, { code: status, signal: null });
      // a second request while one is pending fails as VM_SUSPEND does (EALREADY)
      await assert.rejects(h.suspend('poweroff'), (e: VirError) => e.code === 'VIR_ERR_OPERATION_INVALID' && e.errno === 114);
      assert.deepEqual(await listVMs({ simRoot: root }), [`s-${reason}`]);
    });
  }

  it('bhyvectl --force-reset / --force-poweroff make bhyve exit 0 / 1', async () => {
    const root = mkSimRoot();
    const a = await boot(root, 'fr');
    assert.equal((await runTool(root, 'bhyvectl', ['--vm=fr', '--force-reset'])).code, 0);
    assert.equal((await a.p.exited).code, 0);
    const b = await boot(root, 'fp');
    assert.equal((await runTool(root, 'bhyvectl', ['--vm=fp', '--force-poweroff'])).code, 0);
    assert.equal((await b.p.exited).code, 1);
  });

  it('with -D, a power-off destroys the VM', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'dd', ['-D']);
    await h.suspend('poweroff');
    assert.equal((await p.exited).code, 1);
    assert.deepEqual(await listVMs({ simRoot: root }), []);
  });

  it('SIGTERM is the ACPI power button once the guest enabled ACPI: exit 1', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'term1');
    await booted(h);
    p.child.kill('SIGTERM');
    assert.deepEqual(await p.exited, { code: 1, signal: null });
  });

  it('SIGTERM before ACPI is enabled kills bhyve and leaves the VM', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'term2', [], { BVIRSH_SIM_GUEST: 'acpi=off boot-ms=50' });
    await waitFor('guest running', async () => (await guestStatus(h)).state === 'running');
    assert.equal((await guestStatus(h)).acpi, '0');
    p.child.kill('SIGTERM');
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGTERM' });
    assert.deepEqual(await listVMs({ simRoot: root }), ['term2']);
  });

  it('SIGKILL leaves the VM in dev/vmm; destroy removes it', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'k1');
    await waitFor('stats published', () => h.statsSync(0).get(STAT.RUNTIME)! > 0n);
    p.child.kill('SIGKILL');
    assert.equal((await p.exited).signal, 'SIGKILL');
    h.close();
    assert.deepEqual(await listVMs({ simRoot: root }), ['k1']);
    const h2 = await openVM('k1', { simRoot: root });
    assert.ok(h2.statsSync(0).get(STAT.RUNTIME)! > 0n, 'the stale VM keeps its counters');
    await h2.destroy();
    assert.deepEqual(await listVMs({ simRoot: root }), []);
    assert.equal(fs.existsSync(path.join(root, 'dev/vmm/k1')), false);
    await assert.rejects(h2.rtcGet(), (e: VirError) => e.errno === 9);
  });

  it('destroying the VM under a running bhyve makes it exit 4', async () => {
    const root = mkSimRoot();
    const { p } = await boot(root, 'd4');
    const r = await runTool(root, 'bhyvectl', ['--vm=d4', '--destroy']);
    assert.equal(r.code, 0);
    assert.equal((await p.exited).code, 4);
    assert.match(p.err(), /^vm_run error -1, errno 6\n$/);
  });

  it('RTC set/get round-trips (addon and bhyvectl)', async () => {
    const root = mkSimRoot();
    const { h } = await boot(root, 'rtc', ['-u']);
    const now = Math.floor(Date.now() / 1000);
    const t0 = await h.rtcGet();
    assert.ok(Math.abs(t0 - now) <= 2, `-u seeds the RTC with UTC (${t0} vs ${now})`);
    await h.rtcSet(1000000000);
    const t = await h.rtcGet();
    assert.ok(t >= 1000000000 && t <= 1000000002, String(t));
    const r = await runTool(root, 'bhyvectl', ['--vm=rtc', '--set-rtc-time=0x40000000', '--get-rtc-time']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^rtc time 0x4000000[0-2]: Sat Jan 10 13:37:0[4-6] 2004\n$/);
    const t2 = await h.rtcGet();
    assert.ok(t2 >= 0x40000000 && t2 <= 0x40000003);
  });

  it('reads back what the sim guest wrote into guest memory, low and high', async () => {
    const root = mkSimRoot();
    const { h } = await boot(root, 'mem1', [], {}, { mem: '5G', cpus: 'cpus=4,sockets=1,cores=2,threads=2' });
    const st = await guestStatus(h);
    assert.deepEqual([st.name, st.memory, st.cpus, st.boot], ['mem1', String(5 * 2 ** 30), '4', '1']);
    const hi = await h.readMemory(4n * 2n ** 30n, 32);
    assert.equal(hi.subarray(0, hi.indexOf(0)).toString(), 'BVIRSH-SIM-HIGHMEM mem1\n');
    // the 3..4 GiB hole and untouched RAM read as zeros
    assert.deepEqual(await h.readMemory(3n * 2n ** 30n + 4096n, 16), Buffer.alloc(16));
    assert.deepEqual(await h.topology(), { sockets: 1, cores: 2, threads: 2, maxcpus: 16 });
    assert.deepEqual(await h.memoryMap(), [
      { gpa: 0n, len: 3n * 2n ** 30n, segid: 0, segoff: 0n, prot: 7, flags: 0, segment: '' },
      { gpa: 4n * 2n ** 30n, len: 2n * 2n ** 30n, segid: 0, segoff: 4n * 2n ** 30n, prot: 7, flags: 0, segment: '' },
    ]);
    assert.equal(await h.memorySize(), 5n * 2n ** 30n);
    await assert.rejects(h.readMemory(2n ** 40n, 16), (e: VirError) => e.errno === 14);
  });

  it('boots through bhyveload (no boot ROM) and counts boots in guest memory', async () => {
    const root = mkSimRoot();
    const disk = path.join(root, 'disk.img');
    fs.writeFileSync(disk, Buffer.alloc(4096));
    const noVm = await runTool(root, 'bhyve', ['-m', '256M', '-s', `2,virtio-blk,${disk}`, 'bl1']);
    assert.deepEqual([noVm.code, noVm.stderr], [4, 'virtual machine cannot be booted\n']);
    assert.deepEqual(await listVMs({ simRoot: root }), []);
    const l = await runTool(root, 'bhyveload', ['-m', '256M', '-d', disk, '-e', 'autoboot_delay=0', 'bl1']);
    assert.deepEqual([l.code, l.stderr], [0, '']);
    const h = await openVM('bl1', { simRoot: root });
    const rec = await h.readMemory(0x200000, 200);
    assert.equal(rec.subarray(0, rec.indexOf(0)).toString(),
      `BVIRSH-SIM-LOADER bhyveload\nloader=/boot/userboot.so\nkernel=/boot/kernel/kernel\ndisk=${disk}\nhost=\nenv=autoboot_delay=0\n`);
    const p = startTool(root, 'bhyve', ['-m', '256M', '-s', `2,virtio-blk,${disk}`, 'bl1']);
    await waitFor('first boot', async () => (await guestStatus(h)).boot === '1');
    await h.suspend('reset');
    assert.equal((await p.exited).code, 0);
    // like vmm.ko: a VM that was not re-initialised keeps its vCPUs active
    const again = await runTool(root, 'bhyve', ['-m', '256M', '-s', `2,virtio-blk,${disk}`, 'bl1']);
    assert.deepEqual([again.code, again.stderr], [71, 'bhyve: could not activate CPU 0\n']);
    assert.equal((await runTool(root, 'bhyveload', ['-m', '256M', '-d', disk, 'bl1'])).code, 0);
    const p2 = startTool(root, 'bhyve', ['-m', '256M', '-s', `2,virtio-blk,${disk}`, 'bl1']);
    await waitFor('second boot', async () => (await guestStatus(h)).boot === '2');
    // a different memory size than the loader set up is refused
    await h.suspend('poweroff');
    assert.equal((await p2.exited).code, 1);
    const bad = await runTool(root, 'bhyveload', ['-m', '512M', '-d', disk, 'bl1']);
    assert.deepEqual([bad.code, bad.stderr], [1, 'bhyveload: vm_setup_memory: Invalid argument\n']);
  });

  it('grub-bhyve checks its device map and loads the VM', async () => {
    const root = mkSimRoot();
    const disk = path.join(root, 'linux.img');
    fs.writeFileSync(disk, 'x');
    const map = path.join(root, 'device.map');
    fs.writeFileSync(map, `(hd0) ${disk}\n(cd0) ${root}/missing.iso\n`);
    const r1 = await runTool(root, 'grub-bhyve', ['-m', map, '-r', 'hd0,msdos1', '-M', '512M', 'g1']);
    assert.deepEqual([r1.code, r1.stderr], [1, `grub-bhyve: error: cannot open \`${root}/missing.iso': No such file or directory.\n`]);
    fs.writeFileSync(map, `(hd0) ${disk}\n`);
    const r2 = await runTool(root, 'grub-bhyve', ['-m', map, '-r', 'hd0,msdos1', '-M', '512M', 'g1']);
    assert.deepEqual([r2.code, r2.stderr], [0, '']);
    const h = await openVM('g1', { simRoot: root });
    const rec = await h.readMemory(0x1000000, 200);
    assert.match(rec.subarray(0, rec.indexOf(0)).toString(), /^BVIRSH-SIM-LOADER grub-bhyve\nroot=hd0,msdos1\n/);
  });

  describe('bad command lines exit as bhyve does, without creating a VM', () => {
    const cases: [string, string[], number, RegExp][] = [
      ['a slot out of range', ['-s', '40,virtio-blk,/x', 'v'], 4, /^Invalid PCI slot info field "40,virtio-blk,\/x"\n$/],
      ['a slot without emulation', ['-s', '3', 'v'], 4, /^Invalid PCI slot info field "3"\n$/],
      ['a slot used twice', ['-s', '0,hostbridge', '-s', '0:0,lpc', 'v'], 4, /^pci slot 0:0:0 already occupied!\n$/],
      ['a topology that does not add up', ['-c', 'cpus=3,sockets=2', 'v'], 4, /^bhyve: Topology \(2 sockets, 1 cores, 1 threads\) does not match 3 vCPUs\n$/],
      ['a bad -c', ['-c', 'cpus=0', 'v'], 64, /^bhyve: invalid cpu topology 'cpus=0'\n$/],
      ['a bad -l', ['-l', 'com5,/dev/nmdm0A', 'v'], 64, /^bhyve: invalid lpc device configuration 'com5,\/dev\/nmdm0A'\n$/],
      ['a bad -m', ['-m', '12Q', 'v'], 64, /^bhyve: invalid memsize '12Q'\n$/],
      ['a bad -o', ['-o', 'novalue', 'v'], 64, /^bhyve: invalid configuration option 'novalue'\n$/],
      ['an unknown flag', ['-Z', 'v'], 1, /^bhyve: illegal option -- Z\nUsage: bhyve /],
      ['no VM name', ['-c', '2'], 1, /^Usage: bhyve /],
      ['a VM name over 32 characters', ['-l', 'bootrom,/dev/null', 'a'.repeat(33)], 4, /^bhyve: vm_create: Invalid argument\n$/],
    ];
    for (const [what, args, status, msg] of cases) {
      it(what, async () => {
        const root = mkSimRoot();
        const r = await runTool(root, 'bhyve', args);
        assert.equal(r.code, status, r.stderr);
        assert.match(r.stderr, msg);
        assert.deepEqual(await listVMs({ simRoot: root }), []);
      });
    }

    it('-o config.dump=1 prints the configuration and exits 1', async () => {
      const root = mkSimRoot();
      const r = await runTool(root, 'bhyve', ['-c', '2', '-m', '1G', '-u', '-s', '3:1,virtio-rnd', '-o', 'config.dump=1', 'v']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'cpus=2\nmemory.size=1G\nrtc.use_localtime=false\nname=v\npci.0.3.1.device=virtio-rnd\n');
      assert.deepEqual(await listVMs({ simRoot: root }), []);
    });

    for (const [what, dev, msg] of [
      ['a missing disk image', '4,virtio-blk,/nonexistent.img', 'Could not open backing file: No such file or directory\n'],
      ['an unknown block option', '4,virtio-blk,/dev/null,fast', 'Invalid device option "fast"\n'],
      ['a multicast MAC', '4,virtio-net,tap0,mac=01:00:00:00:00:01', 'Invalid MAC address "01:00:00:00:00:01"\n'],
      ['passthru without -S', '4,passthru,1/0/0', 'passthru requires guest memory to be wired\n'],
    ]) {
      it(`device init refuses ${what} (exit 4)`, async () => {
        const root = mkSimRoot();
        const r = await runTool(root, 'bhyve', bhyveArgs('dv', ['-s', dev]));
        assert.deepEqual([r.code, r.stderr], [4, `${msg}device emulation initialization error: Invalid argument\n`]);
      });
    }

    it('bhyveload refuses to run without a disk or host path, and on a bad -m', async () => {
      const root = mkSimRoot();
      const r = await runTool(root, 'bhyveload', ['-m', '256M', 'v']);
      assert.deepEqual([r.code, r.stderr], [1, "bhyveload: no boot disk (-d) or host path (-h): can't load 'kernel'\n"]);
      const m = await runTool(root, 'bhyveload', ['-m', 'lots', '-h', root, 'v']);
      assert.deepEqual([m.code, m.stderr], [64, "bhyveload: Invalid memsize 'lots'\n"]);
      const u = await runTool(root, 'bhyveload', ['-x', 'v']);
      assert.equal(u.code, 1);
      assert.match(u.stderr, /^bhyveload: illegal option -- x\nusage: bhyveload /);
      assert.deepEqual(await listVMs({ simRoot: root }), []);
    });

    it('an unknown emulation fails device init with 4 after the VM was created, as bhyve does', async () => {
      const root = mkSimRoot();
      const r = await runTool(root, 'bhyve', bhyveArgs('dev1', ['-s', '5,virtio-foo']));
      assert.equal(r.code, 4);
      assert.equal(r.stderr, 'pci slot 0:5:0: unknown device "virtio-foo"\ndevice emulation initialization error: Invalid argument\n');
      assert.deepEqual(await listVMs({ simRoot: root }), ['dev1']);
    });
  });

  it('bhyvectl prints stats in its format and fails on a missing VM', async () => {
    const root = mkSimRoot();
    const { h } = await boot(root, 'ctl1');
    const r = await runTool(root, 'bhyvectl', ['--vm=ctl1', '--cpu=1', '--get-stats']);
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'vcpu1 stats:');
    assert.deepEqual(lines.slice(1, -1).map((l) => l.split('\t')[0].trimEnd()), DESCRIPTIONS);
    for (const l of lines.slice(1, -1)) assert.match(l, /^.{40,}\t\d+$/);
    assert.match(lines[1], /^vcpu migration across host cpus {9}\t\d+$/);
    const runtime = BigInt(lines.find((l) => l.startsWith('vcpu total runtime'))!.split('\t')[1]);
    assert.ok(h.statsSync(1).get(STAT.RUNTIME)! >= runtime);
    const topo = await runTool(root, 'bhyvectl', ['--vm=ctl1', '--get-active-cpus', '--get-cpu-topology']);
    assert.equal(topo.stdout, 'active cpus:\t0, 1\ncpu_topology:\tsockets=2, cores=1, threads=1, maxcpus=16\n');
    const miss = await runTool(root, 'bhyvectl', ['--vm=nosuch', '--get-stats']);
    assert.deepEqual([miss.code, miss.stdout, miss.stderr], [1, '', 'vm_open: nosuch could not be opened: No such file or directory\n']);
    const nmi = await runTool(root, 'bhyvectl', ['--vm=ctl1', '--cpu=99', '--inject-nmi']);
    assert.deepEqual([nmi.code, nmi.stdout], [255, 'errno = 22\n']);
    const usage = await runTool(root, 'bhyvectl', ['--get-stats']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /^Usage: bhyvectl --vm=<vmname>\n/);
  });

  it('serves com1 on the nmdm B side: buffered boot log, login, echo, poweroff', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'con1', ['-l', 'com1,/dev/nmdm-con1A'], { BVIRSH_SIM_GUEST: 'boot-ms=100' });
    await booted(h);
    const sock = simConsoleSocket(root, '/dev/nmdm-con1A')!;
    assert.equal(sock, path.join(root, 'dev/nmdm-con1B'));
    assert.equal(simConsoleSocket(root, '/dev/nmdm7B'), path.join(root, 'dev/nmdm7A'));
    assert.equal(simConsoleSocket(root, '/dev/ttyu0'), undefined);
    const c = net.connect(sock);
    let text = '';
    c.on('data', (d) => (text += d.toString()));
    await waitFor('login prompt', () => text.endsWith('login: '));
    assert.match(text, /^bvirsh-sim: simulated guest "con1" \(not a real operating system\)\r\n/);
    assert.match(text, /sim-guest: 512 MB memory, 2 vCPU\(s\)/);
    // a second client is turned away while the first is attached
    const second = net.connect(sock);
    await new Promise((r) => second.on('close', r));
    c.write('root\r');
    await waitFor('password prompt', () => text.endsWith('root\r\nPassword:'));
    c.write('secret\r');
    await waitFor('shell prompt', () => text.endsWith('root@con1:~ # '));
    c.write('hello\r');
    await waitFor('echo and reply', () => text.endsWith('hello\r\nhello: Command not found.\r\nroot@con1:~ # '));
    c.write('poweroff\r');
    assert.equal((await p.exited).code, 1);
    c.destroy();
  });

  for (const [knob, status] of [['reboot-after=0.2', 0], ['poweroff-after=0.2', 1], ['halt-after=0.2', 2], ['crash=boot', 3]] as const) {
    it(`a boot disk saying "${knob}" makes the guest end by itself with ${status}`, async () => {
      const root = mkSimRoot();
      const disk = path.join(root, 'disk.img');
      fs.writeFileSync(disk, `BVIRSH-SIM-GUEST: boot-ms=50 ${knob}\n`);
      const p = startTool(root, 'bhyve', bhyveArgs('k', ['-s', `3,virtio-blk,${disk}`]));
      assert.equal((await p.exited).code, status, p.err());
    });
  }

  it('takes its whole configuration from -k, and serves com1 on tcp=', async () => {
    const root = mkSimRoot();
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const conf = path.join(root, 'kv1.conf');
    fs.writeFileSync(conf, `# a flat bhyve config\nname=kv1\ncpus=4\ncores=2\nmemory.size=256M\nlpc.bootrom=/dev/null\nlpc.com1.path=tcp=127.0.0.1:${port}\n`);
    const p = startTool(root, 'bhyve', ['-k', conf], { BVIRSH_SIM_GUEST: 'boot-ms=50' });
    const h = await waitFor('VM kv1', async () => (await listVMs({ simRoot: root })).includes('kv1') && openVM('kv1', { simRoot: root }));
    await booted(h);
    assert.deepEqual(await h.topology(), { sockets: 2, cores: 2, threads: 1, maxcpus: 16 });
    assert.equal(await h.memorySize(), 256n << 20n);
    const c = net.connect(port, '127.0.0.1');
    let text = '';
    c.on('data', (d) => (text += d.toString()));
    await waitFor('login prompt over TCP', () => text.endsWith('login: '));
    c.destroy();
    p.child.kill('SIGTERM');
    assert.equal((await p.exited).code, 1);
  });

  it('a guest with acpi=ignore does not power off on SIGTERM', async () => {
    const root = mkSimRoot();
    const { p, h } = await boot(root, 'ign', ['-l', 'com1,/dev/nmdm9A'], { BVIRSH_SIM_GUEST: 'acpi=ignore boot-ms=50' });
    await booted(h);
    p.child.kill('SIGTERM');
    const c = net.connect(path.join(root, 'dev/nmdm9B'));
    let text = '';
    c.on('data', (d) => (text += d.toString()));
    await waitFor('the guest to log the ignored button', () => text.includes('power button pressed; ignored (acpi=ignore)'));
    assert.equal(p.child.exitCode, null);
    await h.suspend('poweroff');
    assert.equal((await p.exited).code, 1);
    c.destroy();
  });

  it('two reader processes and the writer see consistent statistics', async function () {
    this.timeout(30000);
    const root = mkSimRoot();
    // the writer publishes continuously and pauses in the middle of every update,
    // so readers constantly meet a half-written copy of the table
    const { p, h } = await boot(root, 'mt', [], { BVIRSH_SIM_GUEST: 'tick-ms=0 publish-delay-us=50' });
    await waitFor('stats', () => h.statsSync(0).get(STAT.RUNTIME)! > 0n);
    const reader = path.join(root, 'reader.js');
    fs.writeFileSync(reader, `
      const vmm = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/vmm.js'))});
      const D = ${JSON.stringify(DESCRIPTIONS)};
      const reasons = D.filter((d) => /vm exits|intercepted|monitor trap/.test(d) && !/total|userspace/.test(d));
      vmm.openVM('mt', { simRoot: process.argv[2] }).then((h) => {
        let last = 0n, bad = 0, changes = 0, prev;
        for (let i = 0; i < 20000; i++) {
          const s = h.statsSync(i % 2);
          const sum = reasons.reduce((a, d) => a + s.get(d), 0n);
          if (sum !== s.get('total number of vm exits')) bad++;
          if (i % 2 === 0) { const r = s.get('vcpu total runtime'); if (r < last) bad++; if (r !== last) changes++; last = r; }
        }
        console.log(JSON.stringify({ bad, changes }));
      });`);
    const run = () =>
      new Promise<{ bad: number; changes: number }>((resolve, reject) => {
        const c = spawn(process.execPath, [reader, root], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`reader exited ${code}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.bad + b.bad, 0);
    assert.ok(a.changes > 1 && b.changes > 1, `readers saw the writer's updates (${a.changes}, ${b.changes})`);
    // a writer stopped in the middle of an update never blocks readers
    p.child.kill('SIGSTOP');
    try {
      for (let i = 0; i < 1000; i++) h.statsSync(0);
    } finally {
      p.child.kill('SIGCONT');
    }
  });

  it('isLockHeld tells a held flock from a free or missing file', async () => {
    const root = mkSimRoot();
    const lock = path.join(root, 'web1.lock');
    assert.equal(isLockHeld(lock), false);
    fs.writeFileSync(lock, '');
    assert.equal(isLockHeld(lock), false);
    // flock(1) holds the lock while its child sleeps; kill the whole group we started
    const holder = spawn('flock', ['-x', lock, 'sleep', '30'], { stdio: 'ignore', detached: true });
    const gone = new Promise((r) => holder.on('exit', r));
    try {
      await waitFor('flock(1) to take the lock', () => isLockHeld(lock));
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
    await gone;
    await waitFor('lock released', () => !isLockHeld(lock));
    assert.throws(() => isLockHeld(path.join(lock, 'x')), (e: VirError) => e.errno === 20);
    // a shared hold is another process's probe, not a supervisor: probes never see each other
    const prober = spawn('flock', ['-s', '-o', lock, '-c', 'echo held; sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    try {
      await new Promise<void>((resolve) => prober.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('held')) resolve(); }));
      assert.equal(isLockHeld(lock), false);
    } finally {
      process.kill(-prober.pid!, 'SIGKILL');
    }
  });

  it('a missing addon is a clear error at the call, not at import', () => {
    const vmmJs = path.resolve(__dirname, '../../src/core/vmm.js');
    const r = spawnSync(process.execPath, ['-e', `
      const vmm = require(${JSON.stringify(vmmJs)});
      console.log('imported');
      try { vmm.hostInfo(); } catch (e) { console.log(e.name + ' ' + e.code + ': ' + e.message); }`],
      { env: { ...process.env, BVIRSH_VMM_ADDON: '/nonexistent/vmm.node' }, encoding: 'utf8' });
    assert.equal(r.status, 0);
    const [first, second] = r.stdout.split('\n');
    assert.equal(first, 'imported');
    assert.match(second, /^VirError VIR_ERR_INTERNAL_ERROR: internal error: the native vmm addon could not be loaded from \/nonexistent\/vmm.node: Cannot find module '\/nonexistent\/vmm.node'; run 'npm install' in \/.+ to build it$/);
  });
});
