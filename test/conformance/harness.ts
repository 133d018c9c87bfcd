/**
 * The libvirt bhyve test harness conventions (see the corpus README), as
 * bvirsh contexts: mocked tap 'faketapdev', MAC generator 52:54:00:00:00:00,
 * fakefirmwaredir / fakenvramdir, VNC ports from 5900, capabilities per
 * CASES.tsv row, '<device.map>' placeholder, libvirt's one-word-group-per-line
 * command printing.
 */
import { BhyveCap, BhyveCommandContext } from '../../src/core/bhyve/command';
import { BhyveDefaultsOptions } from '../../src/core/conf/postparse';

export interface HarnessConfig {
  caps: Set<BhyveCap>;
  grubConsDev: boolean;
  firmwareDir: string;
  nvramDir: string;
  timeout?: { timeout: number; killAfter: number };
}

/** Parse CASES.tsv's caps_and_config_in_effect column. */
export function parseCapsColumn(col: string, virtioRnd: boolean): HarnessConfig {
  const cfg: HarnessConfig = { caps: new Set(), grubConsDev: true, firmwareDir: 'fakefirmwaredir', nvramDir: 'fakenvramdir' };
  for (const part of col.split(';').map(s => s.trim())) {
    const [k, v] = part.split('=');
    if (k === 'bhyvecaps') {
      if (v && v !== 'none') for (const c of v.split(/[|\s]/)) if (c) cfg.caps.add(c as BhyveCap);
    } else if (k === 'grubcaps') cfg.grubConsDev = v === 'CONSDEV';
    else if (k === 'firmwareDir') cfg.firmwareDir = v;
    else if (k === 'nvramDir') cfg.nvramDir = v;
    else if (k === 'bhyveloadTimeout') {
      const [t, kill] = v.split('/').map(Number);
      if (t > 0) cfg.timeout = { timeout: t, killAfter: kill };
    }
  }
  // CASES.tsv does not list BHYVE_CAP_VIRTIO_RND; the test program has it on until the
  // row that clears it (see the virtio-rnd DO_TEST_FAILURE note).
  if (virtioRnd) cfg.caps.add('VIRTIO_RND');
  return cfg;
}

export const FAKE_FIRMWARE: Record<string, string[]> = {
  fakefirmwaredir: ['BHYVE_UEFI.fd', 'BHYVE_UEFI_VARS.fd'],
  fakefirmwareemptydir: [],
};

export function defaultsFor(cfg: HarnessConfig, arch: 'x86_64' | 'aarch64'): BhyveDefaultsOptions {
  return {
    arch,
    ahci32slot: cfg.caps.has('AHCI32SLOT'),
    firmwareDir: cfg.firmwareDir,
    nvramDir: cfg.nvramDir,
    firmwareList: dir => FAKE_FIRMWARE[dir] ?? [],
    macGenerator: () => '52:54:00:00:00:00',
  };
}

export function contextFor(cfg: HarnessConfig, arch: 'x86_64' | 'aarch64'): BhyveCommandContext {
  let nextPort = 5900;
  return {
    arch,
    caps: cfg.caps,
    grubConsDev: cfg.grubConsDev,
    bhyvePath: 'bhyve',
    bhyveloadPath: 'bhyveload',
    deviceMapPath: '<device.map>',
    tapName: () => 'faketapdev',
    vncPortAllocator: () => nextPort++,
    ...(cfg.timeout ? { bhyveloadTimeout: cfg.timeout } : {}),
  };
}
