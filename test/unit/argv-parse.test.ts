/**
 * The bhyve command-line reader beyond libvirt's corpus: shell syntax, getopt behaviour,
 * value grammars (-m, -c, slots), every -s emulation and -l device, loader lines, and what
 * goes to <bhyve:commandline> or is refused.
 */
import assert from 'node:assert/strict';
import { splitShellCommands } from '../../src/core/bhyve/shell-words';
import { bsdGetopt, gnuGetoptLong } from '../../src/core/bhyve/argv-getopt';
import { parseMemSize, parseTopology, parsePciSlot } from '../../src/core/bhyve/argv-values';
import { parseBhyveArgvWithWarnings, bhyveDefaultMac } from '../../src/core/bhyve/parse';
import { GRUB_BHYVE_OPTIONS } from '../../src/core/bhyve/argv-loader';
import { VirError } from '../../src/core/errors';
import type { DomainDef } from '../../src/core/conf/domain';

const UUID = '11111111-2222-3333-4444-555555555555';
function parse(text: string): { def: DomainDef; warnings: string[] } {
  return parseBhyveArgvWithWarnings(text, { uuidFor: () => UUID });
}
const HP = '-H -P -s 0,hostbridge';

function virErr(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof VirError && re.test(e.message));
}

describe('shell-words', () => {
  it('splits quotes, escapes, continuations, comments and separators', () => {
    const text = "# start it\n/usr/sbin/bhyveload -m 1G -d '/vm/my disk.img' vm && \\\n  bhyve -c 2 \"-s\" 3,virtio-blk,\"/vm/a \\\"b\\\".img\" vm # done\nbhyvectl --destroy --vm=vm; echo a\\ b";
    assert.deepEqual(splitShellCommands(text), [
      ['/usr/sbin/bhyveload', '-m', '1G', '-d', '/vm/my disk.img', 'vm'],
      ['bhyve', '-c', '2', '-s', '3,virtio-blk,/vm/a "b".img', 'vm'],
      ['bhyvectl', '--destroy', '--vm=vm'],
      ['echo', 'a b'],
    ]);
  });
  it('keeps empty quoted words and # inside words; strips exec/env prefixes', () => {
    assert.deepEqual(splitShellCommands("exec env A=1 bhyve '' a#b"), [['bhyve', '', 'a#b']]);
  });
  it('refuses what needs a running shell, naming it', () => {
    virErr(() => splitShellCommands('bhyve -m $MEM vm'), /parameter expansion \(\$MEM\)/);
    virErr(() => splitShellCommands('bhyve -m "${MEM}" vm'), /parameter expansion/);
    virErr(() => splitShellCommands('bhyve `x` vm'), /command substitution/);
    virErr(() => splitShellCommands('bhyve vm > log'), /redirection/);
    virErr(() => splitShellCommands('bhyve vm | tee'), /pipe/);
    virErr(() => splitShellCommands("bhyve 'vm"), /unterminated single quote on line 1/);
    virErr(() => splitShellCommands('a\nbhyve "vm'), /unterminated double quote on line 2/);
  });
  it('refuses oversized input before reading it', () => {
    virErr(() => splitShellCommands(`bhyve ${'-A '.repeat(600000)}vm`), /command text is too large \(1800008 bytes, limit 1048576\)/);
  });
  it('leaves a lone $ and a trailing & alone', () => {
    assert.deepEqual(splitShellCommands('bhyve -o a=$ vm &'), [['bhyve', '-o', 'a=$', 'vm']]);
  });
});

describe('getopt', () => {
  it('BSD: clusters, attached values, -- and first operand end the options', () => {
    assert.deepEqual(bsdGetopt(['-ADHP', '-c4', '-m', '1G', 'vm', '-u'], 'ADHPuc:m:', 'bhyve'), {
      opts: [{ flag: 'A' }, { flag: 'D' }, { flag: 'H' }, { flag: 'P' }, { flag: 'c', value: '4' }, { flag: 'm', value: '1G' }],
      operands: ['vm', '-u'],
    });
    assert.deepEqual(bsdGetopt(['-u', '--', '-vm'], 'u', 'bhyve').operands, ['-vm']);
    virErr(() => bsdGetopt(['-q'], 'u', 'bhyve'), /bhyve: unknown option -q/);
    virErr(() => bsdGetopt(['-m'], 'm:', 'bhyve'), /option -m requires an argument/);
  });
  it('GNU long options: =value, prefixes, permutation, optional values', () => {
    const r = gnuGetoptLong(['vm', '--mem=512', '--root', 'hd0,msdos1', '-H', '-vS'], GRUB_BHYVE_OPTIONS, 'grub-bhyve');
    assert.deepEqual(r, { opts: [{ flag: 'M', value: '512' }, { flag: 'r', value: 'hd0,msdos1' }, { flag: 'H' }, { flag: 'v' }, { flag: 'S' }], operands: ['vm'] });
    virErr(() => gnuGetoptLong(['--d', 'x'], GRUB_BHYVE_OPTIONS, 'grub-bhyve'), /ambiguous/);
    virErr(() => gnuGetoptLong(['--bogus'], GRUB_BHYVE_OPTIONS, 'grub-bhyve'), /unknown option --bogus/);
  });
});

describe('bhyve value grammars', () => {
  it('-m: bare MiB below 1 MiB, bytes from 1 MiB, suffixes either case, hex and octal like strtoul', () => {
    const MiB = 1048576;
    assert.equal(parseMemSize('512'), 512 * MiB);
    assert.equal(parseMemSize('1048575'), 1048575 * MiB);
    assert.equal(parseMemSize('1048576'), MiB);
    assert.equal(parseMemSize('2147483648'), 2048 * MiB);
    assert.equal(parseMemSize('4g'), 4096 * MiB);
    assert.equal(parseMemSize('4G'), 4096 * MiB);
    assert.equal(parseMemSize('1t'), 1024 * 1024 * MiB);
    assert.equal(parseMemSize('262144k'), 256 * MiB);
    assert.equal(parseMemSize('0x200'), 512 * MiB);
    assert.equal(parseMemSize('010'), 8 * MiB);
    for (const bad of ['bogus', '', '0', '1.5G', '-1', '12Q', '1048577']) virErr(() => parseMemSize(bad), /memory size/);
  });
  it('-c: count or topology, bhyve\'s consistency rule', () => {
    assert.deepEqual(parseTopology('4'), { cpus: 4 });
    assert.deepEqual(parseTopology(''), { cpus: 1 });
    assert.deepEqual(parseTopology('cpus=4'), { cpus: 4 });
    assert.deepEqual(parseTopology('sockets=2,cores=2'), { cpus: 4, sockets: 2, cores: 2, threads: 1 });
    assert.deepEqual(parseTopology('cpus=8,sockets=1,cores=4,threads=2,cores=4'), { cpus: 8, sockets: 1, cores: 4, threads: 2 });
    virErr(() => parseTopology('cpus=3,sockets=2'), /does not match cpus=3/);
    virErr(() => parseTopology('0'), /1\.\.65535/);
    virErr(() => parseTopology('dies=2'), /invalid item/);
  });
  it('-s slots: slot, slot:func, bus:slot:func within range', () => {
    assert.deepEqual(parsePciSlot('5'), { bus: 0, slot: 5, func: 0 });
    assert.deepEqual(parsePciSlot('5:3'), { bus: 0, slot: 5, func: 3 });
    assert.deepEqual(parsePciSlot('1:31:7'), { bus: 1, slot: 31, func: 7 });
    for (const bad of ['32', '1:8', '256:0:0', 'a', '1:2:3:4', '']) virErr(() => parsePciSlot(bad), /invalid PCI slot/);
  });
});

describe('parseBhyveArgv', () => {
  it('maps the global options', () => {
    const { def, warnings } = parse(`bhyve -ADHPSuw -x -Y -c sockets=1,cores=2 -m 2G -p 0:3 -p 0:1 -p 1:2 -U 2A793EA6-8E52-440A-8458-355E98492E17 -o system.serial_number=42 -o x86.vmexit_on_hlt=true -s 0,hostbridge vm`);
    assert.deepEqual(warnings, []);
    assert.equal(def.vcpu, 2);
    assert.deepEqual(def.cpu?.topology, { sockets: 1, dies: 1, cores: 2, threads: 1 });
    assert.equal(def.memory, 2 * 1024 * 1024);
    assert.equal(def.features.acpi, true);
    assert.equal(def.features.msrsUnknown, 'ignore');
    assert.equal(def.memoryLocked, true);
    assert.deepEqual(def.clock, { offset: 'utc' });
    assert.deepEqual(def.vcpupin, [{ vcpu: 0, cpuset: '1,3' }, { vcpu: 1, cpuset: '2' }]);
    assert.equal(def.uuid, '2a793ea6-8e52-440a-8458-355e98492e17');
    assert.deepEqual(def.sysinfo?.system, [{ name: 'serial', value: '42' }]);
    assert.deepEqual(def.bhyveCommandline?.args, ['-D', '-x', '-Y', '-o', 'x86.vmexit_on_hlt=true']);
  });

  it('maps every -s emulation to its device, keeping PCI addresses', () => {
    const { def, warnings } = parse([
      'bhyve -c 1 -m 256M', HP, '-s 31,lpc -l com1,/dev/nmdm-vm.1A -l com2,tcp=127.0.0.1:4000 -l com4,stdio',
      '-l bootrom,/fw/BHYVE_UEFI_CODE.fd,/nvram/vm_VARS.fd,fwcfg=qemu',
      '-s 1:0,ahci,hd:/vm/a.img,ser=S1,nmrr=1,cd:/vm/b.iso,ro -s 1:1,ahci-cd,/vm/c.iso',
      '-s 2,virtio-blk,/dev/zvol/tank/vm,nocache,direct,sectorsize=512/4096,nodelete,bootindex=2,ser=V1',
      '-s 3,nvme,/vm/n.img,maxq=4,qsz=512,eui64=0x1,ser=NV1 -s 4,virtio-scsi,/dev/cam/ctl1.1',
      '-s 5,virtio-net,tap3,mac=58:9C:FC:00:00:0A,mtu=9000 -s 5:1,e1000,slirp,open -s 5:2,virtio-net,vmnet0',
      '-s 6,virtio-rnd -s 7,virtio-9p,share=/srv/share,ro -s 8,virtio-console,port1=/run/a.sock,port2=/run/b.sock',
      '-s 29,fbuf,tcp=[::1]:5901,w=1280,h=720,vga=off,wait,password=pw -s 30,xhci,tablet -s 9,hda,play=/dev/dsp0,rec=/dev/dsp1',
      '-s 10,passthru,2/0/1,bootindex=1 -s 0:11:0,passthru,pci4:0:0 vm',
    ].join(' '));
    assert.deepEqual(warnings, []);
    const d = def.devices;
    assert.deepEqual(d.disks.map((x) => [x.type, x.device, x.target.dev, x.target.bus, x.source.path, x.address]), [
      ['file', 'disk', 'sda', 'sata', '/vm/a.img', { type: 'drive', controller: 0, bus: 0, target: 0, unit: 0 }],
      ['file', 'cdrom', 'sdb', 'sata', '/vm/b.iso', { type: 'drive', controller: 0, bus: 0, target: 0, unit: 1 }],
      ['file', 'cdrom', 'sdc', 'sata', '/vm/c.iso', { type: 'drive', controller: 1, bus: 0, target: 0, unit: 0 }],
      ['block', 'disk', 'vda', 'virtio', '/dev/zvol/tank/vm', { type: 'pci', domain: 0, bus: 0, slot: 2, function: 0 }],
      ['file', 'disk', 'nvme0n1', 'nvme', '/vm/n.img', { type: 'drive', controller: 0, bus: 0, target: 0, unit: 0 }],
      ['ctl', 'disk', 'sdd', 'scsi', '/dev/cam/ctl1.1', { type: 'drive', controller: 0, bus: 0, target: 0, unit: 0 }],
    ]);
    assert.equal(d.disks[0].serial, 'S1');
    assert.equal(d.disks[0].target.rotationRate, 1);
    assert.equal(d.disks[1].readonly, true);
    assert.deepEqual(d.disks[3].driver, { cache: 'directsync', discard: 'ignore' });
    assert.deepEqual(d.disks[3].blockio, { logicalBlockSize: 512, physicalBlockSize: 4096 });
    assert.equal(d.disks[3].bootOrder, 2);
    assert.equal(d.disks[3].serial, 'V1');
    assert.deepEqual(d.disks[4].driver, { queues: 4, queueSize: 512 });
    assert.equal(d.disks[4].wwn, '0x1');
    assert.deepEqual(d.controllers.map((c) => [c.type, c.index, c.address?.slot, c.address?.function]), [
      ['sata', 0, 1, 0], ['sata', 1, 1, 1], ['nvme', 0, 3, 0], ['scsi', 0, 4, 0], ['virtio-serial', 0, 8, 0], ['usb', 0, 30, 0], ['isa', 0, 31, 0],
    ]);
    assert.equal(d.controllers[2].serial, 'NV1');
    assert.deepEqual(d.interfaces.map((n) => [n.type, n.model, n.targetDev, n.mac, n.mtu, n.address?.function]), [
      ['bridge', 'virtio', 'tap3', '58:9c:fc:00:00:0a', 9000, 0],
      ['user', 'e1000', undefined, bhyveDefaultMac(5, 1, 'vm'), undefined, 1],
      ['bridge', 'virtio', 'vmnet0', bhyveDefaultMac(5, 2, 'vm'), undefined, 2],
    ]);
    assert.deepEqual(d.rngs, [{ model: 'virtio', backend: { model: 'random', path: '/dev/random' }, address: { type: 'pci', domain: 0, bus: 0, slot: 6, function: 0 } }]);
    assert.deepEqual(d.filesystems.map((f) => [f.sourceDir, f.targetDir, f.readonly]), [['/srv/share', 'share', true]]);
    assert.deepEqual(d.channels.map((c) => [c.target.name, c.source, c.address]), [
      ['port1', { type: 'unix', mode: 'bind', path: '/run/a.sock' }, { type: 'virtio-serial', controller: 0, bus: 0, port: 1 }],
      ['port2', { type: 'unix', mode: 'bind', path: '/run/b.sock' }, { type: 'virtio-serial', controller: 0, bus: 0, port: 2 }],
    ]);
    assert.deepEqual(d.graphics, [{ type: 'vnc', port: 5901, autoport: false, listen: '::1', listens: [{ type: 'address', address: '::1' }], passwd: 'pw', wait: true }]);
    assert.deepEqual(d.videos, [{ model: { type: 'gop', heads: 1, resolution: { x: 1280, y: 720 } }, vgaconf: 'off', address: { type: 'pci', domain: 0, bus: 0, slot: 29, function: 0 } }]);
    assert.deepEqual(d.inputs, [{ type: 'tablet', bus: 'usb' }]);
    assert.deepEqual(d.sounds.map((s) => [s.model, s.audioId]), [['ich7', 1]]);
    assert.deepEqual(d.audios, [{ id: 1, type: 'oss', inputDev: '/dev/dsp1', outputDev: '/dev/dsp0' }]);
    assert.deepEqual(d.hostdevs.map((h) => [h.source, h.bootOrder, h.address?.slot]), [
      [{ domain: 0, bus: 2, slot: 0, function: 1 }, 1, 10], [{ domain: 0, bus: 4, slot: 0, function: 0 }, undefined, 11],
    ]);
    assert.deepEqual(d.serials, [
      { source: { type: 'nmdm', master: '/dev/nmdm-vm.1A', slave: '/dev/nmdm-vm.1B' }, targetPort: 0 },
      { source: { type: 'tcp', mode: 'bind', host: '127.0.0.1', service: '4000', protocol: 'raw' }, targetPort: 1 },
      { source: { type: 'stdio' }, targetPort: 3 },
    ]);
    assert.deepEqual(def.os.loader, { path: '/fw/BHYVE_UEFI_CODE.fd', readonly: true, type: 'pflash' });
    assert.deepEqual(def.os.nvram, { path: '/nvram/vm_VARS.fd' });
    assert.equal(def.bhyveCommandline, undefined);
  });

  it('keeps what domain XML cannot say in <bhyve:commandline>, with a warning', () => {
    const { def, warnings } = parse(`bhyve -m 1G ${HP} -s 0:0,amd_hostbridge -s 31,lpc -l tpm,swtpm,/run/tpm.sock -s 3,uart,stdio -s 4,nvme,ram=1024 -s 5,virtio-net,netgraph,path=ng0:,peerhook=link0 -s 6,virtio-blk,/vm/a.img,bogus=1 -k /vm/extra.conf -G w:1234 vm`.replace('-s 0,hostbridge ', ''));
    assert.deepEqual(def.bhyveCommandline?.args, [
      '-o', 'pci.0.0.0.vendor=0x1022', '-o', 'pci.0.0.0.device=0x7432', '-l', 'tpm,swtpm,/run/tpm.sock', '-s', '3,uart,stdio', '-s', '4,nvme,ram=1024',
      '-s', '5,virtio-net,netgraph,path=ng0:,peerhook=link0', '-s', '6,virtio-blk,/vm/a.img,bogus=1', '-k', '/vm/extra.conf', '-G', 'w:1234',
    ]);
    assert.equal(warnings.length, 5);
    assert.match(warnings[0], /^-l tpm,swtpm,\/run\/tpm.sock: tpm has no bhyve domain XML; passed to bhyve unchanged/);
    assert.deepEqual(def.devices.disks, []);
    assert.deepEqual(def.devices.controllers.map((c) => c.type), ['isa']);
    // a COM port on a host tty: verbatim, and the LPC bridge it needs stays as an ISA controller
    const tty = parse(`bhyve -m 1G ${HP} -s 1,lpc -l com1,/dev/cuau0 vm`);
    assert.deepEqual([tty.def.bhyveCommandline?.args, tty.def.devices.controllers, tty.def.devices.serials],
      [['-l', 'com1,/dev/cuau0'], [{ type: 'isa', index: 0 }], []]);
    virErr(() => parse(`bhyve -m 1G ${HP} -l com1,/dev/cuau0 vm`), /need an LPC bridge/);
  });

  it('reads -o keys that other options also set into the XML, and defaults -m to 256M', () => {
    const { def } = parse(`bhyve ${HP} -o memory.size=3G -o memory.wired=true -o rtc.use_localtime=false -o x86.strictmsr=false -o uuid=2a793ea6-8e52-440a-8458-355e98492e17 -o name=vm vm`);
    assert.deepEqual([def.memory, def.currentMemory, def.memoryLocked, def.clock, def.features.msrsUnknown, def.uuid, def.bhyveCommandline],
      [3145728, 3145728, true, { offset: 'utc' }, 'ignore', '2a793ea6-8e52-440a-8458-355e98492e17', undefined]);
    const plain = parse(`bhyve ${HP} vm`).def;
    assert.deepEqual([plain.memory, plain.currentMemory, plain.uuid], [262144, 262144, UUID]);
    virErr(() => parse(`bhyve ${HP} -o name=other vm`), /-o name=other differs from the VM name 'vm'/);
    virErr(() => parse(`bhyve ${HP} -o config.dump=1 vm`), /print its configuration and exit/);
    virErr(() => parse(`bhyve ${HP} -r /snap/vm.ckp vm`), /restores a snapshot/);
  });

  it('warns when -H, -P or the host bridge are missing', () => {
    const { warnings } = parse('bhyve -m 1G vm');
    assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['bhyve line has no -H', 'bhyve line has no -P', 'bhyve line has no host bridge (-s 0,hostbridge); bvirsh always adds one at 0']);
  });

  it('refuses what bhyve refuses', () => {
    virErr(() => parse(`bhyve ${HP} -s 3,virtio-blk,/a -s 3,virtio-rnd vm`), /PCI slot 0:3:0 is already used by virtio-blk/);
    virErr(() => parse(`bhyve ${HP} -s 3,bogus vm`), /unknown PCI emulation 'bogus'/);
    virErr(() => parse(`bhyve ${HP} -l com1,/dev/nmdm0A vm`), /need an LPC bridge/);
    virErr(() => parse(`bhyve ${HP} -s 1,lpc -l com5,stdio vm`), /unknown LPC device 'com5'/);
    virErr(() => parse(`bhyve ${HP} -s 1,lpc -l com1,/dev/nmdm0C vm`), /serial port backend must be an nmdm device/);
    virErr(() => parse(`bhyve ${HP} -s 1,lpc -l com1,udp=1.2.3.4:5 vm`), /serial port backend must be/);
    virErr(() => parse(`bhyve ${HP} -s 2,hostbridge vm`), /host bridge must be at PCI 0:0:0/);
    virErr(() => parse(`bhyve ${HP} -c 2 -p 2:0 vm`), /pins vCPU 2 but the VM has 2 vCPU/);
    virErr(() => parse(`bhyve ${HP} -s 5,fbuf,w=5000,h=480 vm`), /resolution 5000x480 out of range/);
    virErr(() => parse(`bhyve ${HP} a/b`), /invalid VM name 'a\/b'/);
    virErr(() => parse(`bhyve ${HP} ${'x'.repeat(33)}`), /invalid VM name/);
    assert.equal(parse(`bhyve ${HP} ${'x'.repeat(32)}`).def.name, 'x'.repeat(32));
    virErr(() => parse(`bhyve ${HP}`), /missing VM name/);
    virErr(() => parse(`bhyve -M ${HP} vm`), /unknown option -M/);
    virErr(() => parse(`bhyve ${HP} vm\nbhyve ${HP} vm`), /more than one bhyve command/);
    virErr(() => parse('bhyveload -m 1G vm'), /no bhyve command found/);
    virErr(() => parse(`bhyve ${HP} -n id=0,size=1G,cpus=0,domain_policy=prefer vm`), /domain_policy cannot be expressed/);
  });

  it('reads loader lines: plain bhyveload picks the boot disk, others are kept verbatim', () => {
    const disks = '-s 2,virtio-blk,/vm/a.img -s 3,ahci,cd:/vm/i.iso';
    let r = parse(`bhyveload -m 1G -d /vm/i.iso vm\nbhyve -m 1G ${HP} ${disks} vm`);
    assert.deepEqual(r.def.os.bootDevs, ['cdrom']);
    assert.equal(r.def.bootloader, undefined);
    r = parse(`bhyve -m 1G ${HP} ${disks} vm; /usr/sbin/bhyveload -m 1024M -d /vm/a.img vm`);
    assert.deepEqual([r.def.os.bootDevs, r.def.bootloader], [[], undefined]);
    r = parse(`timeout --foreground -k 20s 300s bhyveload -m 1G -c /dev/nmdm0B -d /vm/a.img vm\nbhyve -m 1G ${HP} ${disks} vm`);
    assert.deepEqual([r.def.bootloader, r.def.bootloaderArgs], ['bhyveload', '-m 1G -c /dev/nmdm0B -d /vm/a.img vm']);
    assert.match(r.warnings[0], /'timeout' around bhyveload dropped/);
    r = parse(`/usr/local/sbin/grub-bhyve -r hd0,msdos1 -m /vm/device.map -M 1G vm\nbhyve -m 1G ${HP} ${disks} vm`);
    assert.deepEqual([r.def.bootloader, r.def.bootloaderArgs], ['/usr/local/sbin/grub-bhyve', '-r hd0,msdos1 -m /vm/device.map -M 1G vm']);
    assert.match(r.warnings[0], /device-map names a file/);
    virErr(() => parse(`grub-bhyve --memory 512 vm\nbhyve -m 1G ${HP} vm`), /grub-bhyve memory \(512 MiB\) differs from bhyve -m \(1024 MiB\)/);
    virErr(() => parse(`bhyveload -d /vm/a.img vm\nbhyve -m 1G ${HP} vm`), /bhyveload memory \(256 MiB\) differs/);
    virErr(() => parse(`bhyveload -m 1G -d '/vm/a b.img' vm\nbhyve -m 1G ${HP} vm`), /contains white space/);
    r = parse(`sudo daemon -f -p /var/run/vm.pid -t 'bhyve: vm' /usr/sbin/bhyve -m 1G ${HP} vm`);
    assert.equal(r.def.name, 'vm');
    assert.deepEqual(r.warnings, ['daemon(8) around bhyve dropped: bvirsh supervises bhyve itself']);
    r = parse(`bhyvectl --destroy --vm=vm\nbhyve -m 1G ${HP} vm`);
    assert.match(r.warnings[0], /skipped 'bhyvectl --destroy --vm=vm'/);
  });

  it('derives a NIC MAC the way bhyve does without mac=', () => {
    // bhyve's net_genmac: NetApp OUI + the first 3 bytes of MD5("3-0-vm") = 04745a…
    assert.equal(bhyveDefaultMac(3, 0, 'vm'), '00:a0:98:04:74:5a');
    assert.notEqual(bhyveDefaultMac(3, 0, 'vm'), bhyveDefaultMac(3, 1, 'vm'));
  });
});
