/**
 * capabilities / domcapabilities / cpu-models builders for bhyve hosts, the host CPU readers,
 * and the commands domxml-from-native, domcapabilities, cpu-models on test:/// (compared with
 * virsh's test driver where virsh is installed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  formatBhyveCapabilities, formatBhyveDomainCapabilities, bhyveCPUModelNames, parseProcCpuinfo, parseFreeBSDDmesg,
  listFirmware, simulatedHostDescription, realHostDescription, buildCapabilitiesXML, buildDomainCapabilitiesXML, cpuModelNamesFor,
  type BhyveHostDescription,
} from '../../src/core/conf/capabilities';
import { VirError } from '../../src/core/errors';
import { runInProcess } from '../helpers/cli';

const CPUINFO = [0, 1, 2, 3].map((i) => `processor\t: ${i}
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) CPU E5-2620   v4 @ 2.10GHz
physical id\t: 0
siblings\t: 4
core id\t\t: ${i >> 1}
cpu cores\t: 2
flags\t\t: fpu vme sse2 vmx
`).join('\n');

const HOST: BhyveHostDescription = {
  cpu: parseProcCpuinfo(CPUINFO),
  memoryKiB: 16777216,
  hostUUID: '4c4c4544-0042-3010-8030-b4c04f4e3132',
  emulator: '/usr/sbin/bhyve',
  firmwareDir: '/usr/local/share/uefi-firmware',
  firmware: ['/usr/local/share/uefi-firmware/BHYVE_UEFI.fd'],
  maxVcpus: 4,
  simulated: false,
};

describe('capabilities builders', () => {
  it('reads /proc/cpuinfo: model, vendor, flags, topology', () => {
    assert.deepEqual(HOST.cpu, {
      arch: 'x86_64', model: 'Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz', vendor: 'Intel',
      features: ['fpu', 'vme', 'sse2', 'vmx'], topology: { sockets: 1, dies: 1, cores: 2, threads: 2 },
    });
  });

  it('reads FreeBSD boot messages for vendor and features', () => {
    const dmesg = 'CPU: AMD Ryzen 7 (3593.35-MHz K8-class CPU)\n  Origin="AuthenticAMD"  Id=0x870f10  Family=0x17\n  Features=0x178bfbff<FPU,VME,DE>\n  Features2=0x7ed8320b<SSE3,PCLMULQDQ>\n  AMD Features=0x2e500800<SYSCALL,NX>\n';
    assert.deepEqual(parseFreeBSDDmesg(dmesg), { vendor: 'AMD', features: ['fpu', 'vme', 'de', 'sse3', 'pclmulqdq', 'syscall', 'nx'] });
  });

  it('formats capabilities: host CPU and topology, one hvm x86_64 bhyve guest', () => {
    const xml = formatBhyveCapabilities(HOST);
    assert.equal(xml, `<capabilities>

  <host>
    <uuid>4c4c4544-0042-3010-8030-b4c04f4e3132</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz</model>
      <vendor>Intel</vendor>
      <topology sockets='1' dies='1' cores='2' threads='2'/>
      <feature name='fpu'/>
      <feature name='vme'/>
      <feature name='sse2'/>
      <feature name='vmx'/>
      <pages unit='KiB' size='4'/>
      <pages unit='KiB' size='2048'/>
    </cpu>
    <power_management/>
    <iommu support='no'/>
    <topology>
      <cells num='1'>
        <cell id='0'>
          <memory unit='KiB'>16777216</memory>
          <cpus num='4'>
            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0-1'/>
            <cpu id='1' socket_id='0' die_id='0' core_id='0' siblings='0-1'/>
            <cpu id='2' socket_id='0' die_id='0' core_id='1' siblings='2-3'/>
            <cpu id='3' socket_id='0' die_id='0' core_id='1' siblings='2-3'/>
          </cpus>
        </cell>
      </cells>
    </topology>
  </host>

  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/sbin/bhyve</emulator>
      <domain type='bhyve'/>
    </arch>
  </guest>

</capabilities>
`);
  });

  it('formats domcapabilities with the firmware list, buses, devices; refuses other virttypes/arches', () => {
    const xml = formatBhyveDomainCapabilities(HOST, { virttype: 'bhyve', arch: 'x86_64' });
    assert.ok(xml.startsWith("<domainCapabilities>\n  <path>/usr/sbin/bhyve</path>\n  <domain>bhyve</domain>\n  <arch>x86_64</arch>\n  <vcpu max='4'/>\n"));
    assert.ok(xml.includes("  <os supported='yes'>\n    <enum name='firmware'>\n      <value>efi</value>\n    </enum>\n    <loader supported='yes'>\n      <value>/usr/local/share/uefi-firmware/BHYVE_UEFI.fd</value>\n"));
    assert.ok(xml.includes("      <enum name='bus'>\n        <value>virtio</value>\n        <value>sata</value>\n        <value>nvme</value>\n"));
    assert.ok(xml.includes("    <graphics supported='yes'>\n      <enum name='type'>\n        <value>vnc</value>\n"));
    assert.ok(xml.includes("    <video supported='yes'>\n      <enum name='modelType'>\n        <value>gop</value>\n"));
    assert.ok(xml.includes("      <enum name='subsysType'>\n        <value>pci</value>\n"));
    assert.ok(xml.endsWith("  </features>\n</domainCapabilities>\n"));
    const noFw = formatBhyveDomainCapabilities({ ...HOST, firmware: [] });
    assert.ok(noFw.includes("    <enum name='firmware'/>\n    <loader supported='no'>\n"));
    assert.throws(() => formatBhyveDomainCapabilities(HOST, { virttype: 'kvm' }), (e: unknown) => e instanceof VirError && e.message === 'invalid argument: unknown virttype: kvm');
    assert.throws(() => formatBhyveDomainCapabilities(HOST, { arch: 'aarch64' }), /unsupported architecture: aarch64/);
  });

  it('cpu-models: the host model only (bhyve passes the host CPU through)', () => {
    assert.deepEqual(bhyveCPUModelNames(HOST, 'x86_64'), ['Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz']);
    assert.deepEqual(bhyveCPUModelNames(simulatedHostDescription(), 'x86_64'), ['bvirsh simulated x86_64 CPU']);
    assert.throws(() => bhyveCPUModelNames(HOST, 'aarch64'), /cannot find architecture aarch64/);
  });

  it('describes this Linux machine from /proc/cpuinfo', function () {
    if (process.platform !== 'linux') this.skip();
    const first = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    const host = realHostDescription({ firmwareDir: '/nonexistent' });
    assert.equal(host.cpu.model, first?.[1].trim().replace(/\s+/g, ' '));
    assert.deepEqual(bhyveCPUModelNames(host, 'x86_64'), [host.cpu.model]);
    assert.deepEqual(host.firmware, []);
    assert.equal(host.simulated, false);
  });

  it('driver shortcuts: a simulated host states its CPU and lists the ROMs of its firmware dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-simfw-'));
    writeFileSync(join(dir, 'BHYVE_UEFI.fd'), '');
    const facts = { simulated: true, firmwareDir: dir, emulator: '/sim/bhyve', maxCpus: 3 };
    assert.deepEqual(cpuModelNamesFor(facts, 'x86_64'), ['bvirsh simulated x86_64 CPU']);
    const caps = buildCapabilitiesXML(facts);
    assert.ok(caps.includes("      <model>bvirsh simulated x86_64 CPU</model>\n") && caps.includes('      <emulator>/sim/bhyve</emulator>\n'));
    const dc = buildDomainCapabilitiesXML(facts);
    assert.ok(dc.includes(`  <path>/sim/bhyve</path>`) && dc.includes("  <vcpu max='3'/>") && dc.includes(`      <value>${join(dir, 'BHYVE_UEFI.fd')}</value>`));
  });

  it('lists boot ROMs in a firmware directory, not variable stores', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-fw-'));
    for (const f of ['BHYVE_UEFI.fd', 'BHYVE_UEFI_CODE.fd', 'BHYVE_UEFI_VARS.fd', 'README']) writeFileSync(join(dir, f), '');
    assert.deepEqual(listFirmware(dir), [join(dir, 'BHYVE_UEFI.fd'), join(dir, 'BHYVE_UEFI_CODE.fd')]);
    assert.deepEqual(listFirmware(join(dir, 'missing')), []);
  });
});

function virshOut(args: string[]): { stdout: string; stderr: string; status: number } | undefined {
  const r = spawnSync('virsh', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.error || r.status === null) return undefined;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('commands: cpu-models, domcapabilities, domxml-from-native', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bvirsh-cmd-'));

  for (const arch of ['x86_64', 'ppc64le', 'aarch64', 'riscv64', 'bogus']) {
    it(`cpu-models ${arch} on test:/// prints what virsh's test driver prints`, async function () {
      const ours = await runInProcess('test:///default', [`cpu-models ${arch}`], cwd);
      const v = virshOut(['-c', 'test:///default', 'cpu-models', arch]);
      if (!v) this.skip();
      assert.deepEqual(ours, v);
    });
  }

  for (const line of ['domcapabilities bhyve', 'domcapabilities --arch x86_64', 'domcapabilities a b c d e']) {
    it(`${line} on test:/// prints what virsh prints`, async function () {
      const ours = await runInProcess('test:///default', [line], cwd);
      const v = virshOut(['-c', 'test:///default', ...line.split(' ')]);
      if (!v) this.skip();
      assert.deepEqual(ours, v);
    });
  }

  it('domcapabilities on test:/// fails as virsh does', async () => {
    const r = await runInProcess('test:///default', ['domcapabilities'], cwd);
    assert.deepEqual(r, {
      stdout: '\n', status: 1, // virsh ends every command it ran with an empty line, errors too
      stderr: 'error: failed to get emulator capabilities\nerror: this function is not supported by the connection driver: virConnectGetDomainCapabilities\n',
    });
  });

  it('domxml-from-native converts a file on any connection, warnings on stderr', async () => {
    const file = join(cwd, 'vm.sh');
    writeFileSync(file, "bhyve -c 2 -m 512M -H -P -s 0,hostbridge \\\n  -s 3,virtio-net,tap0,mac=58:9c:fc:00:00:01,notamac -U 2a793ea6-8e52-440a-8458-355e98492e17 web1\n");
    const r = await runInProcess('test:///default', [`domxml-from-native bhyve-argv ${file}`], cwd);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, "warning: -s 3,virtio-net,tap0,mac=58:9c:fc:00:00:01,notamac: ignoring unknown network option 'notamac' (bhyve ignores it too)\n");
    assert.equal(r.stdout, `<domain type='bhyve'>
  <name>web1</name>
  <uuid>2a793ea6-8e52-440a-8458-355e98492e17</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type>hvm</type>
  </os>
  <clock offset='localtime'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <interface type='bridge'>
      <mac address='58:9c:fc:00:00:01'/>
      <source bridge='virbr0'/>
      <target dev='tap0'/>
      <model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
  </devices>
</domain>

`);
  });

  it('domxml-from-native errors: unknown format, missing file, bad command line', async () => {
    const file = join(cwd, 'bad.sh');
    writeFileSync(file, 'bhyve -m bogus vm\n');
    assert.deepEqual(await runInProcess('test:///default', [`domxml-from-native qemu-argv ${file}`], cwd),
      { stdout: '\n', stderr: 'error: invalid argument: unsupported config type qemu-argv\n', status: 1 });
    assert.deepEqual(await runInProcess('test:///default', [`domxml-from-native bhyve-argv ${join(cwd, 'none')}`], cwd),
      { stdout: '\n', stderr: `error: Failed to open file '${join(cwd, 'none')}': No such file or directory\n`, status: 1 });
    assert.deepEqual(await runInProcess('test:///default', [`domxml-from-native bhyve-argv ${file}`], cwd),
      { stdout: '\n', stderr: "error: invalid argument: cannot parse memory size 'bogus' given to bhyve -m\n", status: 1 });
  });
});
