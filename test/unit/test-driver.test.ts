/**
 * The test:/// driver through the core API (no CLI, no virsh needed): values,
 * state changes, read-only refusals, XML errors, node files. Expected texts
 * were taken from `virsh -c test:///default` (libvirt 9.0).
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainState, type Connection } from '../../src/core/api';
import { open } from '../../src/core/connect';
import { isVirError, VirError } from '../../src/core/errors';

const DEFAULT_XML = `<domain type='test' id='1'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory unit='KiB'>8388608</memory>
  <currentMemory unit='KiB'>2097152</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default'/>
      <target dev='testnet0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </memballoon>
  </devices>
</domain>
`;

const MINI = (name: string, uuid: string): string =>
  `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>`;

async function names(c: Connection, flags = {}): Promise<string[]> {
  return (await c.listAllDomains(flags)).map((d) => d.getName()).sort();
}

async function rejects(p: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isVirError(e), `not a VirError: ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe('test:///default driver', () => {
  let conn: Connection;
  beforeEach(async () => { conn = await open('test:///default'); });
  afterEach(async () => { await conn.close(); });

  it('reports libvirt test driver connection values', async () => {
    assert.equal(conn.getType(), 'TEST');
    assert.equal(conn.getURI(), 'test:///default');
    assert.equal(await conn.getVersion(), 2);
    assert.equal(await conn.getLibVersion(), 9000000);
    assert.equal(await conn.getMaxVcpus(), 32);
    assert.deepEqual([await conn.isAlive(), await conn.isSecure(), await conn.isEncrypted()], [true, true, false]);
    assert.deepEqual(await conn.getNodeInfo(),
      { model: 'i686', memory: 3145728, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2 });
    const caps = await conn.getCapabilities();
    assert.match(caps, /<cells num='2'>/);
    assert.match(caps, /<cpu id='15' socket_id='1' die_id='0' core_id='7' siblings='15'\/>/);
  });

  it('has the running domain `test` with virsh\'s values', async () => {
    const d = await conn.lookupByName('test');
    assert.equal(await d.getID(), 1);
    assert.equal(await d.getUUIDString(), '6695eb01-f6a4-8304-79aa-97f2502e193f');
    const info = await d.getInfo();
    assert.deepEqual([info.state, info.maxMem, info.memory, info.nrVirtCpu], [DomainState.Running, 8388608, 2097152, 2]);
    assert.deepEqual(await d.getState(), { state: DomainState.Running, reason: 'unknown' });
    assert.equal(await d.getXMLDesc(), DEFAULT_XML);
    assert.deepEqual(await d.memoryStats(), {
      actual: 2097152, swap_in: 0, swap_out: 0, major_fault: 0, minor_fault: 0, unused: 1048576, available: 2097152,
      usable: 1048576, last_update: 627319920, disk_caches: 262144, hugetlb_pgalloc: 0, hugetlb_pgfail: 0, rss: 1048576,
    });
    assert.deepEqual(await d.getBlockDevices!(), [{ type: 'file', device: 'disk', target: 'vda', source: '/guest/diskimage1' }]);
    assert.deepEqual(await d.getInterfaces!(), [{ name: 'testnet0', type: 'network', source: 'default', model: '-', mac: 'aa:bb:cc:dd:ee:ff' }]);
    const vcpus = await d.getVcpus();
    assert.deepEqual(vcpus.map((v) => [v.number, v.cpu, v.state, v.affinity!.length]), [[0, 15, 1, 16], [1, 15, 1, 16]]);
    assert.deepEqual(await conn.getCPUMap!(), Array(8).fill(true));
  });

  it('connections open at the same time share the state; the last close drops it', async () => {
    const other = await open('test:///default');
    await (await other.lookupByName('test')).suspend();
    assert.equal((await (await conn.lookupByName('test')).getState()).state, DomainState.Paused);
    await other.close();
    await conn.close();
    conn = await open('test:///default');
    assert.equal((await (await conn.lookupByName('test')).getState()).state, DomainState.Running);
  });

  it('walks the lifecycle with libvirt\'s reasons and ids', async () => {
    const d = await conn.lookupByName('test');
    const st = async (): Promise<string> => { const s = await d.getState(); return `${s.state}/${s.reason}`; };
    await d.suspend(); assert.equal(await st(), '3/user');
    await d.resume(); assert.equal(await st(), '1/unpaused');
    await d.destroy(); assert.equal(await st(), '5/destroyed'); assert.equal(await d.getID(), -1);
    await d.create(); assert.equal(await st(), '1/booted'); assert.equal(await d.getID(), 2);
    await d.reboot(); assert.equal(await st(), '1/booted'); // on_reboot=restart
    await d.shutdown(); assert.equal(await st(), '5/shutdown');
    await rejects(d.destroy(), 'VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
    await rejects(d.suspend(), 'VIR_ERR_INTERNAL_ERROR', "internal error: domain 'test' not running");
    await rejects(d.shutdown(), 'VIR_ERR_INTERNAL_ERROR', "internal error: domain 'test' not running");
    await rejects(d.memoryStats(), 'VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: domain is not running');
    await rejects(d.getVcpus(), 'VIR_ERR_OPERATION_INVALID', 'Requested operation is not valid: cannot list vcpus for an inactive domain');
    await d.setAutostart(true);
    assert.deepEqual(await names(conn, { autostart: true }), ['test']);
    await d.undefine();
    assert.deepEqual(await names(conn), []);
    await rejects(d.getInfo(), 'VIR_ERR_NO_DOMAIN', "Domain not found: no domain with matching uuid '6695eb01-f6a4-8304-79aa-97f2502e193f' (test)");
  });

  it('define on a running domain waits for the next boot; a transient domain vanishes when stopped', async () => {
    const d = await conn.lookupByName('test');
    const changed = DEFAULT_XML.replace(" id='1'", '').replace('<vcpu placement=\'static\'>2</vcpu>', '<vcpu>4</vcpu>');
    await conn.defineXML(changed);
    assert.equal((await d.getInfo()).nrVirtCpu, 2);
    assert.match(await d.getXMLDesc({ inactive: true }), /<vcpu placement='static'>4<\/vcpu>/);
    await d.destroy();
    assert.equal((await d.getInfo()).nrVirtCpu, 4);
    const t = await conn.createXML(MINI('tmp', '12345678-1234-1234-1234-123456789abc'));
    assert.equal(await t.isPersistent(), false);
    assert.equal(await t.getID(), 2);
    await t.destroy();
    assert.deepEqual(await names(conn), ['test']);
  });

  it('refuses every change on a read-only connection and changes nothing', async () => {
    const ro = await open('test:///default', { readonly: true });
    const d = await ro.lookupByName('test');
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['virDomainDestroy', () => d.destroy()], ['virDomainSuspend', () => d.suspend()], ['virDomainResume', () => d.resume()],
      ['virDomainShutdown', () => d.shutdown()], ['virDomainReboot', () => d.reboot()], ['virDomainReset', () => d.reset()],
      ['virDomainCreate', () => d.create()], ['virDomainUndefineFlags', () => d.undefine()],
      ['virDomainSetAutostart', () => d.setAutostart(true)],
      ['virDomainDefineXML', () => ro.defineXML(MINI('x', '12345678-1234-1234-1234-123456789abc'))],
      ['virDomainCreateXML', () => ro.createXML(MINI('x', '12345678-1234-1234-1234-123456789abc'))],
    ];
    for (const [api, call] of cases) {
      await rejects(call(), 'VIR_ERR_OPERATION_DENIED', `operation forbidden: read only access prevents ${api}`);
    }
    assert.deepEqual(await names(ro, { active: true, inactive: true }), ['test']);
    assert.deepEqual(await d.getState(), { state: DomainState.Running, reason: 'unknown' });
    assert.equal(await d.getAutostart(), false);
    await ro.close();
  });

  it('rejects bad domain XML with libvirt\'s messages and keeps the domain list', async () => {
    const bad: Array<[string, string, string]> = [
      ["<domain type='test'>\n  <name>x</name>\n", 'VIR_ERR_XML_DETAIL', '(domain_definition):3: Premature end of data in tag domain line 1\n(null)\n^'],
      ['<domain\n', 'VIR_ERR_XML_DETAIL', "(domain_definition):2: Couldn't find end of Start Tag domain line 1\n(null)\n^"],
      ["<domain type='test'><name>a</name></domian>", 'VIR_ERR_XML_DETAIL',
        "(domain_definition):1: Opening and ending tag mismatch: domain line 1 and domian\n<domain type='test'><name>a</name></domian>\n-------------------------------------------^"],
      ['hello', 'VIR_ERR_XML_DETAIL', "(domain_definition):1: Start tag expected, '<' not found\nhello\n^"],
      ["<dom type='test'/>", 'VIR_ERR_XML_ERROR', "XML error: expecting root element of 'domain', not 'dom'"],
      ["<domain type='test'><memory>1</memory><os><type>hvm</type></os></domain>", 'VIR_ERR_NO_NAME', 'missing name information'],
      ['<domain><name>a</name><memory>1</memory><os><type>hvm</type></os></domain>', 'VIR_ERR_INTERNAL_ERROR', 'internal error: missing domain type attribute'],
      ["<domain type='test'><name>a</name><os><type>hvm</type></os></domain>", 'VIR_ERR_XML_ERROR',
        'XML error: Memory size must be specified via <memory> or in the <numa> configuration'],
      ["<domain type='test'><name>a</name><memory>1</memory></domain>", 'VIR_ERR_XML_ERROR', 'XML error: an os <type> must be specified'],
      ["<domain type='test'><name>a</name><uuid>xyz</uuid><memory>1</memory><os><type>hvm</type></os></domain>",
        'VIR_ERR_INTERNAL_ERROR', 'internal error: malformed uuid element'],
      [MINI('test', '12345678-1234-1234-1234-123456789abc'), 'VIR_ERR_OPERATION_FAILED',
        "operation failed: domain 'test' already exists with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f"],
      [MINI('other', '6695eb01-f6a4-8304-79aa-97f2502e193f'), 'VIR_ERR_OPERATION_FAILED',
        "operation failed: domain 'test' is already defined with uuid 6695eb01-f6a4-8304-79aa-97f2502e193f"],
      ["<!DOCTYPE d [<!ENTITY x 'y'>]><domain type='test'><name>&x;</name></domain>", 'VIR_ERR_XML_ERROR',
        'XML error: (domain_definition): DOCTYPE and entity declarations are not allowed'],
    ];
    for (const [xml, code, msg] of bad) await rejects(conn.defineXML(xml), code, msg);
    assert.deepEqual(await names(conn, { active: true, inactive: true }), ['test']);
    assert.equal(await (await conn.lookupByName('test')).getXMLDesc(), DEFAULT_XML);
  });

  it('gives a NIC without a MAC a random one in 52:54:00 and a testnetN name', async () => {
    const d = await conn.defineXML(`<domain type='test'><name>nic</name><memory>1024</memory><os><type>hvm</type></os>
      <devices><interface type='bridge'><source bridge='br0'/></interface><interface type='bridge'><source bridge='br1'/><target dev='vnet0'/></interface></devices></domain>`);
    const nics = await d.getInterfaces!();
    assert.deepEqual(nics.map((n) => n.name), ['testnet0', 'testnet1']);
    assert.match(nics[0].mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
    // generated once: the XML and later calls show the same address
    assert.deepEqual(await d.getInterfaces!(), nics);
    assert.ok((await d.getXMLDesc()).includes(`<mac address='${nics[0].mac}'/>`));
    assert.match(await d.getUUIDString(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('domxml-to/from-native go to the bhyve converter, or say the driver cannot', async () => {
    const present = existsSync(join(__dirname, '..', '..', 'src', 'core', 'bhyve', 'native.js'));
    if (present) {
      await assert.rejects(conn.domainXMLToNative!('nonsense-format', DEFAULT_XML), (e: unknown) => isVirError(e) && e.code === 'VIR_ERR_INVALID_ARG');
    } else {
      await rejects(conn.domainXMLToNative!('bhyve-argv', DEFAULT_XML), 'VIR_ERR_NO_SUPPORT',
        'this function is not supported by the connection driver: virConnectDomainXMLToNative');
      await rejects(conn.domainXMLFromNative!('bhyve-argv', 'bhyve -c 1 vm'), 'VIR_ERR_NO_SUPPORT',
        'this function is not supported by the connection driver: virConnectDomainXMLFromNative');
    }
  });
});

describe('test:///FILE.xml driver', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'bvirsh-node-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads node cpu/memory and domains in every state, file= references included', async () => {
    const ns = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'";
    writeFileSync(join(dir, 'ref.xml'), MINI('ref', '00000000-0000-0000-0000-000000000005'));
    writeFileSync(join(dir, 'node.xml'), `<node ${ns}>
  <cpu><nodes>1</nodes><sockets>2</sockets><cores>2</cores><threads>1</threads><active>3</active><mhz>3000</mhz><model>amd64</model></cpu>
  <memory>1048576</memory>
  <domain type='test'><name>run</name><uuid>00000000-0000-0000-0000-000000000001</uuid><memory>1024</memory><os><type>hvm</type></os></domain>
  <domain type='test'><name>pause</name><uuid>00000000-0000-0000-0000-000000000002</uuid><memory>1024</memory><os><type>hvm</type></os><test:runstate>3</test:runstate></domain>
  <domain type='test'><name>off</name><uuid>00000000-0000-0000-0000-000000000003</uuid><memory>1024</memory><os><type>hvm</type></os><test:runstate>5</test:runstate></domain>
  <domain type='test'><name>tmp</name><uuid>00000000-0000-0000-0000-000000000004</uuid><memory>1024</memory><os><type>hvm</type></os><test:transient/></domain>
  <domain file='ref.xml'/>
</node>`);
    const c = await open(`test://${join(dir, 'node.xml')}`);
    assert.deepEqual(await c.getNodeInfo(), { model: 'amd64', memory: 1048576, cpus: 3, mhz: 3000, nodes: 1, sockets: 2, cores: 2, threads: 1 });
    assert.deepEqual(await names(c, { active: true }), ['pause', 'ref', 'run', 'tmp']);
    assert.deepEqual(await names(c, { inactive: true }), ['off']);
    assert.deepEqual(await names(c, { transient: true }), ['tmp']);
    assert.deepEqual(await names(c, { paused: true }), ['pause']);
    assert.deepEqual(await c.getCPUMap!(), [true, true, true, true, false, false, false, false]);
    assert.match(await c.getCapabilities(), /<cells num='0'>\n {6}<\/cells>/);
    await c.close();
  });

  it('fails to connect with virsh\'s messages on a bad node file', async () => {
    writeFileSync(join(dir, 'notnode.xml'), '<nodex/>');
    writeFileSync(join(dir, 'broken.xml'), '<node');
    const cases: Array<[string, string]> = [
      [join(dir, 'missing.xml'), `XML error: failed to parse xml document '${join(dir, 'missing.xml')}'`],
      [join(dir, 'notnode.xml'), "XML error: expecting root element of 'node', not 'nodex'"],
      [join(dir, 'broken.xml'), `${join(dir, 'broken.xml')}:1: Couldn't find end of Start Tag node line 1\n<node\n-----^`],
    ];
    for (const [file, detail] of cases) {
      await assert.rejects(open(`test://${file}`), (e: unknown) => {
        assert.ok(e instanceof VirError);
        assert.equal(e.message, 'failed to connect to the hypervisor');
        assert.equal(e.detail, detail);
        return true;
      });
    }
    await assert.rejects(open('test:///'), (e: unknown) => e instanceof VirError &&
      e.detail === 'invalid argument: testOpen: supply a path or use test:///default');
  });
});
