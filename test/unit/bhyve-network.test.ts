/**
 * The bhyve driver's networks through the core API on a throw-away simulated
 * host: bridge names filled in as libvirt does (first bvirbrN no network
 * claims and the host lacks), clash checks, what a guest interface resolves
 * to, and refusals that leave no file behind.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '../../src/core/connect';
import type { Connection } from '../../src/core/api';
import { simHost } from '../../src/core/bhyve/host';
import { networkBridgeFor } from '../../src/core/bhyve/network';
import { isVirError } from '../../src/core/errors';

async function rejects(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => { assert.ok(isVirError(e)); assert.equal(e.message, message); return true; });
}

describe('bhyve driver networks (core API, sim host)', () => {
  let dir = '';
  let conn: Connection;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-net-unit-'));
    conn = await open(`sim://${dir}`);
  });
  afterEach(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills in the first free bvirbrN (skipping names other networks or the host hold) and a MAC', async () => {
    const define = (name: string, body = ''): Promise<unknown> => conn.networkDefineXML!(`<network><name>${name}</name>${body}</network>`);
    await define('a');
    await define('b', "<bridge name='bvirbr1'/>");
    writeFileSync(join(dir, 'dev/net/bvirbr2'), 'made by someone else\n');
    await define('c');
    const bridges = await Promise.all(['a', 'b', 'c'].map(async (n) => (await conn.networkLookupByName!(n)).getBridgeName()));
    assert.deepEqual(bridges, ['bvirbr0', 'bvirbr1', 'bvirbr3']);
    assert.match(await (await conn.networkLookupByName!('a')).getXMLDesc(), /<mac address='52:54:00(:[0-9a-f]{2}){3}'\/>/);
    // redefining without a bridge name keeps the one it had
    const uuid = await (await conn.networkLookupByName!('c')).getUUIDString();
    await define('c', `<uuid>${uuid}</uuid>`);
    assert.equal(await (await conn.networkLookupByName!('c')).getBridgeName(), 'bvirbr3');
    await rejects(define('d', "<bridge name='bvirbr0'/>"), "internal error: bridge name 'bvirbr0' already in use.");
    await rejects(define('a'), `operation failed: network 'a' already exists with uuid ${await (await conn.networkLookupByName!('a')).getUUIDString()}`);
    await rejects(define('e', `<uuid>${uuid}</uuid>`), `operation failed: network 'c' is already defined with uuid ${uuid}`);
  });

  it('a guest interface resolves to the bridge of an active network, else libvirt\'s errors', async () => {
    const host = simHost(dir);
    assert.throws(() => networkBridgeFor(host, 'x'), /Network not found: no network with matching name 'x'/);
    const net = await conn.networkDefineXML!("<network><name>x</name><bridge name='vsw0'/></network>");
    assert.throws(() => networkBridgeFor(host, 'x'), /Requested operation is not valid: network 'x' is not active/);
    await net.create();
    assert.equal(networkBridgeFor(host, 'x'), 'vsw0');
    // the bridge gone from under an active network is said so, not used
    rmSync(join(dir, 'dev/net/vsw0'));
    assert.throws(() => networkBridgeFor(host, 'x'), /its bridge 'vsw0' has gone from the host/);
    assert.throws(() => networkBridgeFor(host, '../x'), /Network not found/);
  });

  it('refusals write nothing: NAT, route, macvtap modes, bridge mode without a name or with an <ip>, bad names, --validate', async () => {
    const cases: Array<[string, RegExp]> = [
      ["<network><name>n</name><forward mode='nat'/></network>", /forward mode 'nat' needs firewall \(pf\) rules/],
      ["<network><name>n</name><forward mode='route'/></network>", /forward mode 'route' needs firewall/],
      ["<network><name>n</name><forward mode='vepa'/></network>", /forward mode 'vepa' is not available on FreeBSD/],
      ["<network><name>n</name><forward mode='bridge'/></network>", /forward mode 'bridge' needs <bridge name='…'\/>/],
      ["<network><name>n</name><forward mode='bridge'/><bridge name='bridge0'/><ip address='10.0.0.1'/></network>", /Unsupported <ip> element in network n with forward mode='bridge'/],
      ["<network><name>n</name><bridge name='a-name-far-too-long'/></network>", /is not a FreeBSD interface name/],
      ['<network><name>.hidden</name></network>', /cannot be a file name/],
    ];
    for (const [xml, re] of cases) {
      await assert.rejects(conn.networkDefineXML!(xml), re);
      await assert.rejects(conn.networkCreateXML!(xml), re);
    }
    // --validate: what bvirsh's model would drop is refused instead
    await assert.rejects(conn.networkDefineXML!("<network><name>n</name><dns><host ip='10.0.0.2'/></dns></network>", { validate: true }),
      /failed to validate against schema: Unable to validate doc against bvirsh's network model\nElement network has extra content: dns\n$/);
    assert.equal(existsSync(join(dir, 'usr/local/etc/bvirsh/networks')), false);
    assert.deepEqual(readdirSync(join(dir, 'dev/net')), ['bridge0']);
    await conn.networkDefineXML!("<network><name>n</name><dns><host ip='10.0.0.2'/></dns></network>");
    assert.doesNotMatch(await (await conn.networkLookupByName!('n')).getXMLDesc(), /dns/);
  });
});
