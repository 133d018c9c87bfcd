/** The bhyve driver's connection-level calls that go to the capabilities builders and the
 *  converter: capabilities, domcapabilities, cpu-models and XML ⇄ argv, on a fresh sim root. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../src/core/api';
import { open } from '../../src/core/connect';

describe('bhyve driver: capabilities and conversions (sim)', () => {
  let dir: string;
  let conn: Connection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-caps-'));
    conn = await open(`sim://${dir}`);
  });
  after(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('domcapabilities describes bhyve with its firmware, disk buses and the stated vCPU limit', async () => {
    const xml = await conn.getDomainCapabilities!({});
    assert.match(xml, /^<domainCapabilities>\n/);
    assert.match(xml, /<domain>bhyve<\/domain>/);
    assert.match(xml, /<path>[^<]*bhyve<\/path>/);
    assert.match(xml, new RegExp(`<vcpu max='${await conn.getMaxVcpus()}'/>`));
    for (const bus of ['virtio', 'sata', 'nvme']) assert.match(xml, new RegExp(`<value>${bus}</value>`));
  });

  it('cpu-models lists the one model bhyve passes through, and refuses another arch', async () => {
    const caps = await conn.getCapabilities();
    const model = /<model>([^<]+)<\/model>/.exec(caps)![1];
    assert.deepEqual(await conn.getCPUModelNames!('x86_64'), [model]);
    await assert.rejects(conn.getCPUModelNames!('ppc64'), /cannot find architecture ppc64/);
  });

  it('converts both ways through the connection', async () => {
    const argv = '/usr/sbin/bhyve -c 2 -m 512 -u -H -P -s 0:0,hostbridge -s 1:0,lpc ' +
      '-s 2:0,virtio-blk,/tmp/disk.img -l com1,/dev/nmdm0A web7';
    const xml = await conn.domainXMLFromNative!('bhyve-argv', argv);
    assert.match(xml, /<name>web7<\/name>/);
    const back = await conn.domainXMLToNative!('bhyve-argv', xml);
    assert.match(back, /-s 2:0,virtio-blk,\/tmp\/disk\.img/);
    assert.match(back, /-l com1,\/dev\/nmdm0A web7$/m);
    await assert.rejects(conn.domainXMLFromNative!('qemu-argv', argv), /unsupported config type qemu-argv/);
  });
});
