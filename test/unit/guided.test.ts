/**
 * define --interactive's core: the guided guest's XML (valid for the XML
 * layer, bhyve's rules enforced on the answers) and the sparse image it makes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { createSparseImage, guidedDomainXML } from '../../src/core/bhyve/guided';

describe('define --interactive (guided.ts)', () => {
  it('builds a UEFI guest with disk, install ISO, bridge and an nmdm console', () => {
    const def = parseDomainXML(guidedDomainXML({
      name: 'web1', memoryMiB: 2048, vcpus: 2, loader: 'uefi', disk: '/vm/web1.img', iso: '/iso/FreeBSD&14.iso', bridge: 'bridge0',
    }));
    assert.equal(def.name, 'web1');
    assert.equal(def.memory, 2048 * 1024);
    assert.equal(def.vcpu, 2);
    assert.equal(def.os.firmware, 'efi');
    assert.equal(def.bootloader, undefined);
    assert.deepEqual(def.devices.disks.map((d) => [d.device, d.source.path, d.target.bus]),
      [['disk', '/vm/web1.img', 'virtio'], ['cdrom', '/iso/FreeBSD&14.iso', 'sata']]);
    assert.deepEqual(def.devices.interfaces.map((n) => [n.type, n.source?.bridge, n.model]), [['bridge', 'bridge0', 'virtio']]);
    assert.deepEqual(def.devices.serials[0].source, { type: 'nmdm', master: '/dev/nmdm-web1A', slave: '/dev/nmdm-web1B' });
  });

  it('grub guests name grub-bhyve; bhyveload guests name no loader (libvirt\'s default)', () => {
    const base = { name: 'l', memoryMiB: 512, vcpus: 1, disk: '/d.img' } as const;
    assert.equal(parseDomainXML(guidedDomainXML({ ...base, loader: 'grub' })).bootloader, '/usr/local/sbin/grub-bhyve');
    const fb = parseDomainXML(guidedDomainXML({ ...base, loader: 'bhyveload' }));
    assert.deepEqual([fb.bootloader, fb.os.firmware, fb.devices.interfaces.length], [undefined, undefined, 0]);
  });

  it('refuses bad answers with clear errors', () => {
    const base = { name: 'ok', memoryMiB: 512, vcpus: 1, disk: '/d.img', loader: 'uefi' } as const;
    assert.throws(() => guidedDomainXML({ ...base, name: '../x' }), /domain name '..\/x' must not contain '\/'/);
    assert.throws(() => guidedDomainXML({ ...base, memoryMiB: 1 }), /memory must be a whole number of MiB, at least 16/);
    assert.throws(() => guidedDomainXML({ ...base, vcpus: 0 }), /vCPUs must be between 1 and 16/);
    assert.throws(() => guidedDomainXML({ ...base, disk: 'rel.img' }), /disk image 'rel.img' must be an absolute path/);
    assert.throws(() => guidedDomainXML({ ...base, disk: '/a,b.img' }), /contains a comma or newline/);
  });

  it('creates a sparse image of the asked size and never overwrites one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-guided-'));
    try {
      const img = join(dir, 'new.img');
      createSparseImage(img, 5 * 1024 ** 3);
      const st = statSync(img);
      assert.equal(st.size, 5 * 1024 ** 3);
      assert.ok(st.blocks * 512 < 1024 * 1024, 'sparse: almost no blocks allocated');
      writeFileSync(join(dir, 'old.img'), 'data');
      assert.throws(() => createSparseImage(join(dir, 'old.img'), 1024), /disk image '.*old.img' already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
