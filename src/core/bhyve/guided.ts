/**
 * `define --interactive`: the domain XML of a guided new guest, and the new
 * sparse disk image it may ask for. Pure XML building (the prompts live in the
 * command); values are validated here so bad answers never reach the disk.
 */
import { closeSync, existsSync, ftruncateSync, openSync } from 'node:fs';
import { VirError } from '../errors';
import { validateDomainName } from './state';

export type GuidedLoader = 'uefi' | 'bhyveload' | 'grub';

export interface GuidedAnswers {
  name: string;
  memoryMiB: number;
  vcpus: number;
  loader: GuidedLoader;
  disk: string;
  /** create `disk` as a new sparse image of this many GiB */
  createDiskGiB?: number;
  iso?: string;
  bridge?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

function pathOK(p: string, what: string): void {
  if (!p.startsWith('/')) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${what} '${p}' must be an absolute path`);
  if (/[,\n\r\0]/.test(p)) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${what} '${p}' contains a comma or newline, which bhyve cannot express`);
}

export function guidedDomainXML(a: GuidedAnswers): string {
  validateDomainName(a.name);
  if (!Number.isInteger(a.memoryMiB) || a.memoryMiB < 16) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: memory must be a whole number of MiB, at least 16');
  if (!Number.isInteger(a.vcpus) || a.vcpus < 1 || a.vcpus > 16) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: vCPUs must be between 1 and 16');
  pathOK(a.disk, 'disk image');
  if (a.iso) pathOK(a.iso, 'install ISO');
  const os = a.loader === 'uefi' ? "  <os firmware='efi'>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"
    : "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n";
  const loader = a.loader === 'grub' ? '  <bootloader>/usr/local/sbin/grub-bhyve</bootloader>\n'
    : ''; // no <bootloader>: bhyveload, as libvirt's bhyve driver
  const dev: string[] = [
    `    <disk type='file' device='disk'>\n      <driver name='file' type='raw'/>\n      <source file='${esc(a.disk)}'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>`,
  ];
  if (a.iso) dev.push(`    <disk type='file' device='cdrom'>\n      <driver name='file' type='raw'/>\n      <source file='${esc(a.iso)}'/>\n      <target dev='hdc' bus='sata'/>\n      <readonly/>\n    </disk>`);
  if (a.bridge) dev.push(`    <interface type='bridge'>\n      <source bridge='${esc(a.bridge)}'/>\n      <model type='virtio'/>\n    </interface>`);
  dev.push(`    <serial type='nmdm'>\n      <source master='/dev/nmdm-${esc(a.name)}A' slave='/dev/nmdm-${esc(a.name)}B'/>\n      <target port='0'/>\n    </serial>`);
  return `<domain type='bhyve'>\n  <name>${esc(a.name)}</name>\n  <memory unit='MiB'>${a.memoryMiB}</memory>\n  <vcpu>${a.vcpus}</vcpu>\n`
    + os + loader
    + "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n  <clock offset='utc'/>\n"
    + `  <devices>\n${dev.join('\n')}\n  </devices>\n</domain>\n`;
}

/** A new sparse raw image (refuses to overwrite anything). */
export function createSparseImage(path: string, bytes: number): void {
  pathOK(path, 'disk image');
  if (existsSync(path)) throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: disk image '${path}' already exists`);
  const fd = openSync(path, 'wx', 0o600);
  try { ftruncateSync(fd, bytes); } finally { closeSync(fd); }
}
