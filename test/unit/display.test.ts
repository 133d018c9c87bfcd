/**
 * domdisplay's URI rules (src/core/display.ts) on hand-written live XML: the
 * cases virsh 9.0's output was checked against on test:/// (the differential
 * test compares the two there), plus what only other connection URIs show:
 * the host a wildcard listen address becomes.
 */
import assert from 'node:assert/strict';
import { displayURIsOf, isWildcardAddress } from '../../src/core/display';

const xml = (graphics: string): string => `<domain type='bhyve'><name>g</name><devices>${graphics}</devices></domain>`;
const local = { connectionURI: 'bhyve:///system' };

describe('domdisplay URIs (display.ts)', () => {
  it('VNC: display number, listen attribute before <listen>, IPv6 in brackets, the password only when the XML has one', () => {
    assert.deepEqual(displayURIsOf(xml("<graphics type='vnc' port='5901' listen='10.0.0.1'><listen type='address' address='10.0.0.2'/></graphics>"), local).uris, ['vnc://10.0.0.1:1']);
    assert.deepEqual(displayURIsOf(xml("<graphics type='vnc' port='5902'><listen type='address' address='fe80::1'/></graphics>"), local).uris, ['vnc://[fe80::1]:2']);
    assert.deepEqual(displayURIsOf(xml("<graphics type='vnc' port='5903' passwd='a&amp;b'/>"), local).uris, ['vnc://:a&b@localhost:3']);
    assert.deepEqual(displayURIsOf(xml("<graphics type='vnc' port='-1' autoport='yes'/>"), local).uris, ['vnc://localhost:-5901']);
    assert.deepEqual(displayURIsOf(xml("<graphics type='vnc' socket='/run/g.sock'/>"), local).uris, ['vnc+unix:///run/g.sock']);
  });

  it('each value is the first any <graphics> of the type has, as virsh\'s XPath string() reads it', () => {
    const two = "<graphics type='vnc' port='5920'/><graphics type='vnc' port='5921' listen='1.2.3.4' passwd='p'/>";
    assert.deepEqual(displayURIsOf(xml(two), local).uris, ['vnc://:p@1.2.3.4:20']);
  });

  it('wildcard listen addresses become the connection URI\'s host, else localhost; other addresses stay', () => {
    for (const any of ['0.0.0.0', '::', '0', '0.0', '0x0.0.0.0', '0:0::0', '::0.0.0.0']) assert.equal(isWildcardAddress(any), true, any);
    for (const not of ['::ffff:0.0.0.0', '127.0.0.1', '::1', '1.0.0.0', 'localhost', '']) assert.equal(isWildcardAddress(not), false, not);
    const g = xml("<graphics type='vnc' port='5900' listen='0.0.0.0'/>");
    assert.deepEqual(displayURIsOf(g, local).uris, ['vnc://localhost:0']);
    assert.deepEqual(displayURIsOf(g, { connectionURI: 'bhyve+ssh://root@host.example:2222/system' }).uris, ['vnc://host.example:0']);
    assert.deepEqual(displayURIsOf(g, { connectionURI: 'bhyve+ssh://[2001:db8::5]/system' }).uris, ['vnc://[2001:db8::5]:0']);
  });

  it('spice (port, tls-port, password), rdp, dbus; --type selects, --all lists in vnc, spice, rdp, dbus order', () => {
    const all = xml("<graphics type='dbus' address='unix:path=/run/d.bus'/><graphics type='rdp' port='3389' passwd='x'/>" +
      "<graphics type='spice' port='5930' tlsPort='5931' passwd='pw'/><graphics type='vnc' port='5900'/>");
    assert.deepEqual(displayURIsOf(all, { ...local, all: true }).uris,
      ['vnc://localhost:0', 'spice://localhost:5930?tls-port=5931&password=pw', 'rdp://localhost:3389', 'dbus+unix:///run/d.bus']);
    assert.deepEqual(displayURIsOf(all, local).uris, ['vnc://localhost:0']);
    assert.deepEqual(displayURIsOf(all, { ...local, type: 'rdp' }).uris, ['rdp://localhost:3389']);
    assert.deepEqual(displayURIsOf(all, { ...local, type: 'bogus' }).uris, []);
    assert.deepEqual(displayURIsOf(xml("<graphics type='spice' port='5930' passwd='pw'/>"), local).uris, ['spice://localhost:5930?password=pw']);
    assert.deepEqual(displayURIsOf(xml("<graphics type='spice' tlsPort='5931'/>"), local).uris, ['spice://localhost?tls-port=5931']);
  });

  it('no port, TLS port or socket: not a display; a D-Bus address virsh cannot express is reported, not fatal', () => {
    assert.deepEqual(displayURIsOf(xml("<graphics type='spice' autoport='yes'/><graphics type='vnc' port='0'/><graphics type='sdl'/>"), { ...local, all: true }), { uris: [], warnings: [] });
    assert.deepEqual(displayURIsOf(xml("<graphics type='dbus' address='tcp:host=h,port=1'/><graphics type='vnc' port='5909'/>"), { ...local, all: true }),
      { uris: ['vnc://localhost:9'], warnings: ["'tcp:host=h,port=1' D-Bus address is not handled"] });
  });
});
