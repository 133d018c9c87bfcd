/**
 * Domain XML parser safety and validation, formatter details, and the
 * command builder's refusals (names, commas/newlines, memory units).
 */
import { strict as assert } from 'node:assert';
import { parseDomainXML, MAX_DOMAIN_XML_BYTES } from '../../src/core/conf/xml-parse';
import { formatDomainXML } from '../../src/core/conf/xml-format';
import { applyBhyveDefaults, randomMac } from '../../src/core/conf/postparse';
import { buildBhyveCommand, bhyveMemArg } from '../../src/core/bhyve/command';
import { domainXMLToNative, domainXMLFromNative, formatArgvLines } from '../../src/core/bhyve/native';
import { VirError } from '../../src/core/errors';

const MIN = (extra = '', name = 'vm1', devices = "<disk type='file'><source file='/vm/disk.img'/><target dev='hda' bus='sata'/></disk>") =>
  `<domain type='bhyve'><name>${name}</name><uuid>df3be7e7-a104-11e3-aeb0-50e5492bd3dc</uuid><memory unit='MiB'>512</memory>` +
  `<os><type>hvm</type></os>${extra}<devices>${devices}</devices></domain>`;

function virErr(fn: () => unknown, code: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VirError, `not a VirError: ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

describe('domain XML: hostile input', () => {
  it('refuses entity expansion (billion laughs) before parsing', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><domain type="bhyve"><name>&lol3;</name></domain>';
    virErr(() => parseDomainXML(lol), 'VIR_ERR_XML_ERROR', /DOCTYPE and ENTITY declarations are not allowed/);
  });

  it('refuses external entities', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain type="bhyve"><name>&x;</name></domain>';
    virErr(() => parseDomainXML(xxe), 'VIR_ERR_XML_ERROR', /DOCTYPE and ENTITY/);
  });

  it('refuses a 100 MB document by its size, without parsing it', () => {
    const big = MIN('<description>' + 'a'.repeat(100 * 1024 * 1024) + '</description>');
    virErr(() => parseDomainXML(big), 'VIR_ERR_XML_ERROR', /larger than the 10 MiB limit/);
    assert.equal(MAX_DOMAIN_XML_BYTES, 10 * 1024 * 1024);
  });

  it('refuses absurd nesting (a million levels inside <metadata>) with a VirError', () => {
    const deep = MIN('<metadata>' + '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000) + '</metadata>');
    virErr(() => parseDomainXML(deep), 'VIR_ERR_XML_ERROR', /nested deeper than 256 levels/);
  });

  it('treats attribute names like __proto__ / constructor as plain data', () => {
    virErr(() => parseDomainXML(MIN().replace("unit='MiB'", "unit='constructor'")), 'VIR_ERR_XML_DETAIL', /unknown unit 'constructor'/);
    const def = parseDomainXML(MIN('', 'vm1', "<disk type='file' __proto__='x' constructor='y'><source file='/d'/><target dev='vda' bus='virtio'/></disk>"));
    assert.equal(def.devices.disks[0].source.path, '/d');
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });

  it('bounds the work a valid but absurd document can cause', () => {
    const many = "<channel type='unix'><source mode='bind' path='/s'/><target type='virtio' name='n'/></channel>".repeat(50000);
    virErr(() => parseDomainXML(MIN('', 'vm1', many)), 'VIR_ERR_CONFIG_UNSUPPORTED', /50000 devices is more than the 1024/);
    virErr(() => parseDomainXML(MIN("<vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='0-4000000000'/></cputune>")),
      'VIR_ERR_XML_DETAIL', /CPU 4000000000 in vcpupin cpuset '0-4000000000' is out of range/);
    virErr(() => parseDomainXML(MIN('<devices/>')), 'VIR_ERR_XML_DETAIL', /element <devices> appears more than once in <domain>/);
  });

  it('reports malformed XML with a position', () => {
    virErr(() => parseDomainXML('<domain type="bhyve"><name>x</name>'), 'VIR_ERR_XML_ERROR', /malformed XML at line 1/);
  });

  it('leaves unknown entity references as text, never expands them', () => {
    const def = parseDomainXML(MIN('<description>a &amp; b &lt;c&gt;</description>'));
    assert.equal(def.description, 'a & b <c>');
  });
});

describe('domain XML: validation names the element and value', () => {
  it('rejects unknown elements (documented policy)', () => {
    virErr(() => parseDomainXML(MIN('<iothreads>2</iothreads>')), 'VIR_ERR_CONFIG_UNSUPPORTED', /element 'iothreads' in <domain>/);
    virErr(() => parseDomainXML(MIN('', 'vm1', '<watchdog model="i6300esb"/>')), 'VIR_ERR_CONFIG_UNSUPPORTED', /element 'watchdog' in <devices>/);
  });
  it('rejects bad values with the element name', () => {
    virErr(() => parseDomainXML(MIN('<on_crash>explode</on_crash>')), 'VIR_ERR_XML_DETAIL', /invalid value 'explode' for on_crash/);
    virErr(() => parseDomainXML(MIN().replace("unit='MiB'>512", "unit='parsecs'>512")), 'VIR_ERR_XML_DETAIL', /unknown unit 'parsecs' for <memory>/);
    virErr(() => parseDomainXML(MIN('', 'vm1', "<interface type='bridge'><mac address='zz:00'/><source bridge='b0'/></interface>")),
      'VIR_ERR_XML_DETAIL', /invalid value 'zz:00' for interface mac address/);
    virErr(() => parseDomainXML(MIN('', 'vm1', "<graphics type='spice'/>")), 'VIR_ERR_CONFIG_UNSUPPORTED', /graphics type 'spice'/);
  });
  it('preserves <metadata> and bhyve:commandline env', () => {
    const xml = `<domain type='bhyve' xmlns:bhyve='http://libvirt.org/schemas/domain/bhyve/1.0'><name>m</name><memory>1024</memory>` +
      `<metadata><my:x xmlns:my="urn:x" a="1">t</my:x></metadata><os><type>hvm</type></os><devices><disk type='file'><source file='/d.img'/><target dev='hda' bus='sata'/></disk></devices>` +
      `<bhyve:commandline><bhyve:arg value='-w'/><bhyve:env name='TZ' value='UTC'/></bhyve:commandline></domain>`;
    const def = applyBhyveDefaults(parseDomainXML(xml), { macGenerator: () => '52:54:00:00:00:01' });
    const out = formatDomainXML(def);
    assert.match(out, /<metadata>\n {4}<my:x xmlns:my="urn:x" a="1">t<\/my:x>\n {2}<\/metadata>/);
    assert.match(out, /<bhyve:env name='TZ' value='UTC'\/>/);
    assert.equal(formatDomainXML(applyBhyveDefaults(parseDomainXML(out))), out);
    assert.deepEqual(buildBhyveCommand(def, { bhyvePath: 'bhyve' }).env, { TZ: 'UTC' });
  });
});

describe('post-parse defaults', () => {
  it('generates MACs in 52:54:00 (default generator)', () => {
    const macs = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const m = randomMac();
      assert.match(m, /^52:54:00(:[0-9a-f]{2}){3}$/);
      macs.add(m);
    }
    assert.ok(macs.size > 2900, `only ${macs.size} distinct MACs of 3000`);
  });
});

describe('domain XML: formatter options', () => {
  it('hides the VNC password only when secure is false', () => {
    const def = applyBhyveDefaults(parseDomainXML(MIN('', 'vm1', "<graphics type='vnc' port='5901' passwd='s3cret'/>")));
    assert.match(formatDomainXML(def), / passwd='s3cret'/);
    assert.doesNotMatch(formatDomainXML(def, { secure: false }), /passwd/);
  });
});

describe('bhyve command builder: refusals and units', () => {
  const build = (xml: string) => buildBhyveCommand(applyBhyveDefaults(parseDomainXML(xml), { macGenerator: () => '52:54:00:00:00:02' }), { bhyvePath: 'bhyve' });

  it('refuses names bhyve cannot take', () => {
    virErr(() => build(MIN('', 'a'.repeat(33))), 'VIR_ERR_CONFIG_UNSUPPORTED', /longer than 32 characters/);
    virErr(() => build(MIN('', 'a/b')), 'VIR_ERR_CONFIG_UNSUPPORTED', /contains '\/' or a control character/);
    virErr(() => build(MIN('', 'a\tb')), 'VIR_ERR_CONFIG_UNSUPPORTED', /contains '\/' or a control character/);
    virErr(() => build(MIN('', '-S')), 'VIR_ERR_CONFIG_UNSUPPORTED', /starts with '-'/);
    assert.equal(build(MIN('', 'a'.repeat(32))).bhyve.at(-1), 'a'.repeat(32));
  });

  it('refuses paths with a comma or a newline', () => {
    virErr(() => build(MIN('', 'vm1', "<disk type='file'><source file='/vm/a,b.img'/><target dev='vda' bus='virtio'/></disk>")),
      'VIR_ERR_CONFIG_UNSUPPORTED', /'\/vm\/a,b.img' contains a comma/);
    virErr(() => build(MIN('', 'vm1', "<disk type='file'><source file='/vm/a&#10;b.img'/><target dev='vda' bus='virtio'/></disk>")),
      'VIR_ERR_CONFIG_UNSUPPORTED', /newline/);
  });

  it('writes -m as bare MiB below 1 TiB and with a unit at or above it', () => {
    assert.equal(bhyveMemArg(219136), '214');
    assert.equal(bhyveMemArg(1024 * 1024 * 1024 - 1024), '1048575');
    assert.equal(bhyveMemArg(1024 * 1024 * 1024), '1048576M');
    const plan = build(MIN().replace("unit='MiB'>512", "unit='TiB'>2"));
    assert.deepEqual(plan.bhyve.slice(1, 5), ['-c', '1', '-m', '2097152M']);
  });

  // controllers come in definition order (explicit xhci before the implicit LPC), as libvirt does
  it('builds a UEFI domain with vars file, VNC autoport, tablet, 9p, rng, channel', () => {
    const xml = `<domain type='bhyve'><name>web1</name><uuid>df3be7e7-a104-11e3-aeb0-50e5492bd3dc</uuid><memory unit='GiB'>2</memory><vcpu>2</vcpu>` +
      `<os firmware='efi'><type>hvm</type></os><devices>` +
      `<disk type='file' device='disk'><driver name='file' type='raw' cache='none'/><source file='/vm/web1.img'/><target dev='vda' bus='virtio'/><blockio logical_block_size='512' physical_block_size='4096'/></disk>` +
      `<interface type='bridge'><mac address='52:54:00:aa:bb:cc'/><source bridge='bridge0'/><target dev='tap7'/><model type='virtio'/><mtu size='9000'/></interface>` +
      `<controller type='usb' model='nec-xhci'/><input type='tablet' bus='usb'/>` +
      `<graphics type='vnc' autoport='yes'><listen type='address' address='0.0.0.0'/></graphics>` +
      `<filesystem type='mount'><source dir='/srv/share'/><target dir='share'/><readonly/></filesystem>` +
      `<rng model='virtio'><backend model='random'>/dev/random</backend></rng>` +
      `<channel type='unix'><source mode='bind' path='/var/run/bvirsh/web1.agent.sock'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>` +
      `<serial type='nmdm'/></devices></domain>`;
    const def = applyBhyveDefaults(parseDomainXML(xml), { firmwareDir: '/fw', nvramDir: '/nv', firmwareList: () => ['BHYVE_UEFI.fd', 'BHYVE_UEFI_VARS.fd'] });
    const plan = buildBhyveCommand(def, { bhyvePath: 'bhyve', vncPortAllocator: () => 5907 });
    assert.equal(plan.loader, undefined);
    assert.deepEqual(plan.nvram, { path: '/nv/web1_VARS.fd', template: '/fw/BHYVE_UEFI_VARS.fd' });
    assert.deepEqual(plan.vncPorts, [5907]);
    assert.equal(formatArgvLines(plan.bhyve), [
      'bhyve', '-c 2', '-m 2048', '-u', '-H', '-P', '-s 0:0,hostbridge',
      '-l bootrom,/fw/BHYVE_UEFI.fd,/nv/web1_VARS.fd,fwcfg=qemu',
      '-s 2:0,xhci,tablet', '-s 1:0,lpc', '-s 3:0,virtio-console,org.qemu.guest_agent.0=/var/run/bvirsh/web1.agent.sock',
      '-s 4:0,virtio-net,tap7,mac=52:54:00:aa:bb:cc,mtu=9000', '-s 5:0,virtio-blk,/vm/web1.img,nocache,sectorsize=512/4096',
      '-s 6:0,fbuf,tcp=0.0.0.0:5907', '-s 7:0,virtio-9p,share=/srv/share,ro', '-s 8:0,virtio-rnd',
      '-l com1,/dev/nmdmdf3be7e7-a104-11e3-aeb0-50e5492bd3dcA', 'web1',
    ].join(' \\\n') + '\n');
  });
});

describe('native.ts: domainXMLToNative', () => {
  it('prints the loader line then the bhyve line, shell-quoted', () => {
    const out = domainXMLToNative('bhyve-argv', MIN("<sysinfo type='smbios'><system><entry name='product'>My Box</entry></system></sysinfo>"),
      { defaults: { macGenerator: () => '52:54:00:00:00:00' } });
    assert.equal(out,
      '/usr/sbin/bhyveload -m 512 -d /vm/disk.img vm1\n' +
      "/usr/sbin/bhyve -c 1 -m 512 -u -H -P -s 0:0,hostbridge -s 2:0,ahci,hd:/vm/disk.img -o 'system.product_name=My Box' vm1");
  });
  it('rejects other formats in both directions; the reverse direction is the argv parser (i3-parse)', () => {
    virErr(() => domainXMLToNative('qemu-argv', MIN()), 'VIR_ERR_INVALID_ARG', /unsupported config type qemu-argv/);
    virErr(() => domainXMLFromNative('qemu-argv', 'bhyve -c 1 vm'), 'VIR_ERR_INVALID_ARG', /unsupported config type qemu-argv/);
    assert.match(domainXMLFromNative('bhyve-argv', 'bhyve -c 1 -H -P -s 0,hostbridge vm'), /^<domain type='bhyve'>\n  <name>vm<\/name>\n/);
  });
});
