/**
 * The boot plan: what bvirsh-monitor runs for one boot of a guest, built from
 * the guest's *current* definition (so edits apply at the next reboot), and the
 * checks made before a start so bad input fails with a clear error and
 * nothing left running: missing disk images, unknown bridges, unknown or
 * inactive networks (a network interface's tap joins its network's bridge), paths bhyve's
 * `-s` syntax cannot express, missing loaders.
 *
 * planTokens() encodes a plan in the NUL-separated token stream monitor.c reads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { copyFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { DomainDef, InterfaceDef } from '../conf/domain';
import { VirError } from '../errors';
import type { BhyveHost } from './host';
import { buildBhyveCommand, parseDomainXML } from './conf';
import { atomicWriteFile, readIfExists } from './state';
import { claimedByOthers, tryClaim } from './claims';
import { networkBridgeFor } from './network';

export interface BootPlan {
  loader?: string[];
  bhyve: string[];
  taps: Array<{ tap: string; bridge: string }>;
  /** the VNC port of an autoport (or fixed) <graphics>, recorded in the live state */
  vncPort?: number;
  onReboot: string;
  onPoweroff: string;
  onCrash: string;
  console?: string;
  /** set for a transient guest: its definition file, removed when it stops */
  transient?: string;
}

/** The definition a boot uses: the transient one in the run dir, else the persistent one. */
export function currentDefinitionPath(host: BhyveHost, name: string): string | undefined {
  const transient = join(host.runDir, `${name}.xml`);
  if (existsSync(transient)) return transient;
  const persistent = join(host.domainsDir, `${name}.xml`);
  return existsSync(persistent) ? persistent : undefined;
}

/** Where a running persistent guest's live definition is kept: the definition it booted from. */
export function bootedDefinitionPath(host: BhyveHost, name: string): string {
  return join(host.runDir, `${name}.booted`); // not .xml: the run dir's *.xml are transient guests
}

/** Before each boot (plan-main): keep the persistent definition this boot uses, so that
 *  edits made while the guest runs (setmem --config, define) show only from the next boot. */
export function recordBootedDefinition(host: BhyveHost, name: string): void {
  const path = currentDefinitionPath(host, name);
  if (path === undefined || path.startsWith(host.runDir)) return; // a transient guest's definition is its live one
  atomicWriteFile(bootedDefinitionPath(host, name), readFileSync(path, 'utf8'));
}

/** Clear errors for what would otherwise fail inside the loader or bhyve. */
export function preflight(host: BhyveHost, def: DomainDef): void {
  for (const d of def.devices.disks) {
    const p = d.source.path;
    if (p === undefined) continue;
    if (/[,\n]/.test(p)) {
      throw new VirError('VIR_ERR_CONFIG_UNSUPPORTED', `unsupported configuration: disk path '${p}' contains a comma or newline, which bhyve's -s syntax cannot express`);
    }
    if (!existsSync(p)) {
      throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot access storage file '${p}' of disk ${d.target.dev}: No such file or directory`);
    }
  }
  for (const n of def.devices.interfaces) {
    // an unknown or inactive network: libvirt's errors (network.ts)
    if (n.type === 'network') networkBridgeFor(host, n.source?.network ?? '');
    if (n.type === 'bridge') {
      const br = n.source?.bridge;
      if (!br || !host.bridgeExists(br)) {
        throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot add an interface to bridge '${br ?? ''}': no such bridge on this host`);
      }
    }
  }
  if (def.bootloader && def.bootloader.startsWith('/') && !existsSync(hostLoaderPath(host, def.bootloader))) {
    throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: boot loader '${def.bootloader}' does not exist`);
  }
}

/**
 * Tap names and VNC ports the host's other guests hold: those recorded in the
 * live states of guests that are not shut off, those claimed by guests
 * starting right now (claims.ts), and on a real host every existing interface
 * (`ifconfig -l`). (VNC ports taken by other programs are not seen: bhyve then
 * fails to start with its bind error.) One read of the run directory each.
 */
function namesInUse(host: BhyveHost, self: string): { taps: Set<string>; vncPorts: Set<number> } {
  const claimed = claimedByOthers(host, self);
  const taps = claimed.tap;
  const vncPorts = new Set([...claimed.vnc].map(Number));
  let files: string[] = [];
  try { files = readdirSync(host.runDir); } catch { /* none */ }
  for (const f of files) {
    if (!f.endsWith('.json') || f === `${self}.json`) continue; // our own taps and port are ours to reuse
    try {
      const st = JSON.parse(readFileSync(join(host.runDir, f), 'utf8')) as { state: string; taps?: string[]; vnc_port?: number | null };
      if (st.state === 'shutoff') continue;
      for (const t of st.taps ?? []) taps.add(t);
      if (typeof st.vnc_port === 'number') vncPorts.add(st.vnc_port);
    } catch { /* being rewritten */ }
  }
  if (host.kind === 'real') {
    const r = spawnSync(host.tools.ifconfig, ['-l'], { encoding: 'utf8' });
    for (const i of (r.stdout ?? '').split(/\s+/)) if (i) taps.add(i);
  }
  return { taps, vncPorts };
}

/** <os firmware='efi'> without a loader path: the host's BHYVE_UEFI firmware. */
function resolveFirmware(host: BhyveHost, def: DomainDef): void {
  if (def.os.firmware === 'efi' && !def.os.loader?.path) {
    const code = join(host.firmwareDir, 'BHYVE_UEFI_CODE.fd');
    const combined = join(host.firmwareDir, 'BHYVE_UEFI.fd');
    const path = existsSync(code) ? code : combined;
    def.os.loader = { ...def.os.loader, path, readonly: true, type: 'pflash' };
  }
  const rom = def.os.loader?.path;
  if (rom && basename(rom) === 'BHYVE_UEFI_CODE.fd' && !def.os.nvram?.path) {
    def.os.nvram = { ...def.os.nvram, path: join(host.nvramDir, `${def.name}_VARS.fd`), template: def.os.nvram?.template ?? join(host.firmwareDir, 'BHYVE_UEFI_VARS.fd') };
  }
}

/** Each guest gets its own copy of the UEFI variable store, made once. */
function prepareNvram(nv: { path: string; template?: string }): void {
  if (existsSync(nv.path)) return;
  if (!nv.template || !existsSync(nv.template)) {
    throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: no NVRAM template to create '${nv.path}' from`);
  }
  copyFileSync(nv.template, nv.path);
}

/**
 * start/create --reset-nvram (VIR_DOMAIN_START_RESET_NVRAM): replace the guest's
 * UEFI variable store with a fresh copy of its template before the boot, as
 * libvirt does for the drivers that support the flag. A guest without a
 * variable store (no UEFI, or a combined BHYVE_UEFI.fd) has nothing to reset.
 * The copy replaces the file atomically: a failure leaves the old store.
 */
export function resetNvram(host: BhyveHost, domain: DomainDef): void {
  const def: DomainDef = { ...domain, os: { ...domain.os } };
  resolveFirmware(host, def);
  const nv = def.os.nvram;
  if (!nv?.path) return;
  if (!nv.template || !existsSync(nv.template)) {
    throw new VirError('VIR_ERR_OPERATION_FAILED', `operation failed: no NVRAM template to reset '${nv.path}' from`);
  }
  atomicWriteFile(nv.path, readFileSync(nv.template));
}

/** The standard loader paths name the host's tools (the sim's on a simulated host). */
export function hostLoaderPath(host: BhyveHost, path: string): string {
  if (path === '/usr/sbin/bhyveload') return host.tools.bhyveload;
  if (path === '/usr/local/sbin/grub-bhyve' || path === 'grub-bhyve') return host.tools.grubBhyve;
  return path;
}

export function buildBootPlan(host: BhyveHost, name: string): BootPlan {
  const path = currentDefinitionPath(host, name);
  if (!path) throw new VirError('VIR_ERR_NO_DOMAIN', `Domain not found: no domain with matching name '${name}'`);
  const def = parseDomainXML(readFileSync(path, 'utf8'));
  preflight(host, def);

  const { taps: tapsUsed, vncPorts: vncUsed } = namesInUse(host, name);
  const taps: Array<BootPlan['taps'][number] & { iface: number }> = [];
  // a <target dev='tapN'/> the definition asks for is kept (libvirt's bhyve
  // driver does the same); other names (libvirt's generated vnetN, a
  // template with %d) are a request for any free tap
  const wanted = new Set(def.devices.interfaces.map((n) => n.targetDev).filter((d): d is string => d !== undefined && isTapName(d)));
  for (const t of wanted) {
    if (tapsUsed.has(t) || !tryClaim(host, 'tap', t, name)) {
      throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: interface ${t} is in use by another guest`);
    }
  }
  let next = 0;
  const tapFor = (net: InterfaceDef): string => {
    let tap = net.targetDev !== undefined && isTapName(net.targetDev) ? net.targetDev : undefined;
    while (tap === undefined) {
      const candidate = `tap${next++}`;
      // (claimed here, so a guest starting at the same moment takes another)
      if (!tapsUsed.has(candidate) && !wanted.has(candidate) && tryClaim(host, 'tap', candidate, name)) tap = candidate;
    }
    const bridge = net.type === 'network' ? networkBridgeFor(host, net.source?.network ?? '') : net.source?.bridge ?? '';
    taps.push({ tap, bridge, iface: def.devices.interfaces.indexOf(net) });
    return tap;
  };
  const deviceMapPath = join(host.runDir, `${name}.device.map`);
  resolveFirmware(host, def);
  const out = buildBhyveCommand(def, {
    // autoport: the first port from 5900 no other running guest has (libvirt's range starts there too)
    vncPortAllocator: () => {
      let port = 5900;
      while (vncUsed.has(port) || !tryClaim(host, 'vnc', String(port), name)) port++;
      return port;
    },
    bhyvePath: host.tools.bhyve,
    bhyveloadPath: host.tools.bhyveload,
    deviceMapPath,
    tapName: (net: InterfaceDef) => tapFor(net),
  });
  const vncPort = out.vncPorts?.[0];
  if (vncPort !== undefined && (vncUsed.has(vncPort) || !tryClaim(host, 'vnc', String(vncPort), name))) {
    // a fixed <graphics port> another running guest listens on: bhyve could not bind it
    throw new VirError('VIR_ERR_OPERATION_INVALID', `Requested operation is not valid: VNC port ${vncPort} is in use by another guest`);
  }
  if (out.loader) out.loader.argv[0] = hostLoaderPath(host, out.loader.argv[0]);
  if (out.nvram) prepareNvram(out.nvram);
  if (out.loader?.deviceMap !== undefined) atomicWriteFile(deviceMapPath, out.loader.deviceMap);
  const serial = def.devices.serials[0]?.source;
  return {
    loader: out.loader?.argv,
    bhyve: out.bhyve,
    // in interface order: the monitor records them so, and the live state
    // (domiflist, the live XML) pairs them with the tap-backed interfaces
    taps: taps.sort((a, b) => a.iface - b.iface).map(({ tap, bridge }) => ({ tap, bridge })),
    vncPort,
    onReboot: def.onReboot ?? 'restart',
    onPoweroff: def.onPoweroff ?? 'destroy',
    onCrash: def.onCrash ?? 'destroy',
    console: serial?.type === 'nmdm' ? serial.slave : serial?.type === 'unix' ? serial.path : undefined,
    transient: path.startsWith(host.runDir) ? path : undefined,
  };
}

/** A tap device name bvirsh-monitor can create (`ifconfig tapN create`). */
function isTapName(dev: string): boolean {
  return /^tap\d{1,5}$/.test(dev);
}

/** The interfaces a guest's taps back, in the order BootPlan.taps (and the live state) lists them. */
export function tapBackedInterfaces(def: DomainDef): InterfaceDef[] {
  return def.devices.interfaces.filter((n) => n.type === 'bridge' || n.type === 'network' || n.type === 'ethernet');
}

export function planTokens(p: BootPlan): Buffer {
  const t: string[] = [];
  if (p.loader) t.push('loader', String(p.loader.length), ...p.loader);
  t.push('bhyve', String(p.bhyve.length), ...p.bhyve);
  for (const x of p.taps) t.push('tap', x.tap, x.bridge);
  if (p.vncPort !== undefined) t.push('vnc', String(p.vncPort));
  t.push('on_reboot', p.onReboot, 'on_poweroff', p.onPoweroff, 'on_crash', p.onCrash);
  if (p.console) t.push('console', p.console);
  if (p.transient) t.push('transient', p.transient);
  for (const s of t) {
    if (s.includes('\0')) throw new VirError('VIR_ERR_INTERNAL_ERROR', 'internal error: NUL byte in a boot plan argument');
  }
  return Buffer.from(t.map((s) => s + '\0').join(''), 'utf8');
}

export { readIfExists };
