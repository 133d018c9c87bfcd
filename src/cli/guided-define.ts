/**
 * The prompts of `define --interactive` (inquirer, TTY only): name, memory,
 * vCPUs, loader, disk (existing or a new sparse image), install ISO, bridge.
 * Defines the guest, creates the image, prints where the XML went.
 */
import { existsSync } from 'node:fs';
import { input, number, select } from '@inquirer/prompts';
import type { Connection } from '../core/api';
import { VirError } from '../core/errors';
import { createSparseImage, guidedDomainXML, type GuidedAnswers, type GuidedLoader } from '../core/bhyve/guided';
import { validateDomainName } from '../core/bhyve/state';
import { unlinkIfExists } from '../core/bhyve/state';

function ok(check: () => void): true | string {
  try { check(); return true; } catch (e) { return (e as Error).message; }
}

export async function guidedDefine(conn: Connection): Promise<{ name: string; xmlPath?: string; image?: string }> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new VirError('VIR_ERR_OPERATION_INVALID', 'define --interactive needs a terminal (stdin and stdout must be a TTY); give an XML file instead');
  }
  const name = await input({ message: 'Guest name', validate: (v) => ok(() => validateDomainName(v)) });
  const memoryMiB = (await number({ message: 'Memory (MiB)', default: 1024, min: 16, required: true }))!;
  const vcpus = (await number({ message: 'vCPUs', default: 1, min: 1, max: 16, required: true }))!;
  const loader = await select<GuidedLoader>({
    message: 'Boot loader',
    choices: [
      { name: 'UEFI firmware (any OS)', value: 'uefi' },
      { name: 'bhyveload (FreeBSD guests)', value: 'bhyveload' },
      { name: 'grub-bhyve (Linux guests)', value: 'grub' },
    ],
  });
  const diskKind = await select<'new' | 'existing'>({
    message: 'Disk',
    choices: [{ name: 'a new sparse image', value: 'new' }, { name: 'an existing image or device', value: 'existing' }],
  });
  let disk: string;
  let createDiskGiB: number | undefined;
  if (diskKind === 'existing') {
    disk = await input({ message: 'Path of the disk image or device', validate: (v) => (v.startsWith('/') && existsSync(v)) || 'give an absolute path that exists' });
  } else {
    disk = await input({ message: 'Path of the new image', default: `/var/lib/bvirsh/images/${name}.img`, validate: (v) => (v.startsWith('/') && !existsSync(v)) || 'give an absolute path that does not exist yet' });
    createDiskGiB = (await number({ message: 'Size (GiB)', default: 20, min: 1, required: true }))!;
  }
  const iso = (await input({ message: 'Install ISO (empty for none)', validate: (v) => v === '' || (v.startsWith('/') && existsSync(v)) || 'give an absolute path that exists, or nothing' })) || undefined;
  const bridge = (await input({ message: 'Bridge for the network interface (empty for none)', default: 'bridge0' })) || undefined;

  const answers: GuidedAnswers = { name, memoryMiB, vcpus, loader, disk, createDiskGiB, iso, bridge };
  const xml = guidedDomainXML(answers);
  if (createDiskGiB !== undefined) createSparseImage(disk, createDiskGiB * 1024 ** 3);
  let dom;
  try {
    dom = await conn.defineXML(xml);
  } catch (e) {
    if (createDiskGiB !== undefined) unlinkIfExists(disk); // nothing half-made
    throw e;
  }
  return { name: dom.getName(), xmlPath: dom.getDefinitionPath?.(), image: createDiskGiB !== undefined ? disk : undefined };
}
