/**
 * A bhyve host's paths and tools (DESIGN §3): the real FreeBSD host
 * (bhyve:///system) or a simulated host rooted at a directory (sim:///default,
 * sim:///ABS/DIR), which holds the same tree under its root and runs the sim
 * tools built into native/build/Release.
 *
 *   ROOT/usr/local/etc/bvirsh/domains/NAME.xml    persistent definitions
 *   ROOT/usr/local/etc/bvirsh/autostart/NAME.xml  symlinks
 *   ROOT/usr/local/etc/bvirsh/networks/NAME.xml   persistent virtual networks
 *   ROOT/usr/local/etc/bvirsh/networks/autostart/NAME.xml  their autostart symlinks
 *   ROOT/var/run/bvirsh/networks/NAME.{xml,json}  active networks: the definition they
 *                                                 run with, their bridge
 *   (the networks directories are made when the first network is defined or started)
 *   ROOT/var/run/bvirsh/NAME.{json,lock,req,xml}  live state, supervisor lock,
 *                                                 requests, transient definitions
 *   ROOT/var/lib/bvirsh/nvram/NAME_VARS.fd        UEFI variables
 *   ROOT/var/log/bvirsh/NAME.log                  supervisor + tool output (rotated: NAME.log.1 …)
 *   ROOT/dev/vmm/NAME                             kernel VMs (sim: vmmapi-sim files)
 *   ROOT/dev/net/BRIDGE                           sim only: the host's bridges
 *                                                 (`bridge0` is made with the root)
 */
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { VirError } from '../errors';

export interface BhyveHost {
  readonly kind: 'real' | 'sim';
  /** '' for the real host */
  readonly root: string;
  readonly uri: string;
  readonly domainsDir: string;
  readonly autostartDir: string;
  readonly networksDir: string;
  readonly networkAutostartDir: string;
  readonly networkRunDir: string;
  readonly runDir: string;
  readonly nvramDir: string;
  readonly logDir: string;
  readonly vmmDir: string;
  readonly firmwareDir: string;
  readonly tools: { bhyve: string; bhyvectl: string; bhyveload: string; grubBhyve: string; ifconfig: string; monitor: string };
  /** environment for every tool we run (sim: BVIRSH_SIM_ROOT) */
  readonly toolEnv: NodeJS.ProcessEnv;
  bridgeExists(name: string): boolean;
  /** Make an if_bridge named `name` and bring it up (virtual networks). */
  createBridge(name: string): void;
  /** Destroy a bridge createBridge() made. */
  destroyBridge(name: string): void;
  /** Give a bridge an address (an isolated network's <ip>); prefix length in bits. */
  addBridgeAddress(name: string, address: string, prefix: number | undefined, family: 4 | 6): void;
}

function bridgeError(what: string, detail: string): VirError {
  return new VirError('VIR_ERR_SYSTEM_ERROR', `system error: ${what}: ${detail.trim() || 'failed'}`);
}

/** ifconfig(8) with its output captured; a failure is a VirError naming what was tried. */
function ifconfig(args: string[], what: string): string {
  const r = spawnSync('/sbin/ifconfig', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw bridgeError(what, r.stderr || (r.error?.message ?? ''));
  return r.stdout ?? '';
}

/** The package root (where package.json and native/ live): found upwards from this
 *  file, so it holds from dist/src/core/bhyve and from a bundle in dist/ alike. */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..', '..', '..', '..');
  }
}

/** Where node-gyp (or the monitor's Makefile) puts native executables. */
export function nativeBuildDir(): string {
  return process.env.BVIRSH_NATIVE_DIR ?? join(projectRoot(), 'native', 'build', 'Release');
}

function monitorPath(): string {
  return process.env.BVIRSH_MONITOR ?? join(nativeBuildDir(), 'bvirsh-monitor');
}

function layout(root: string) {
  return {
    domainsDir: join(root, '/usr/local/etc/bvirsh/domains'),
    autostartDir: join(root, '/usr/local/etc/bvirsh/autostart'),
    networksDir: join(root, '/usr/local/etc/bvirsh/networks'),
    networkAutostartDir: join(root, '/usr/local/etc/bvirsh/networks/autostart'),
    networkRunDir: join(root, '/var/run/bvirsh/networks'),
    runDir: join(root, '/var/run/bvirsh'),
    nvramDir: join(root, '/var/lib/bvirsh/nvram'),
    logDir: join(root, '/var/log/bvirsh'),
    vmmDir: join(root, '/dev/vmm'),
    firmwareDir: join(root, '/usr/local/share/uefi-firmware'),
  };
}

/** bhyve:///system: needs root (bhyve, /dev/vmm and ifconfig do). */
export function realHost(): BhyveHost {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new VirError('VIR_ERR_OPERATION_DENIED', 'failed to connect to the hypervisor', {
      detail: 'bhyve:///system needs root (bhyve(8) and /dev/vmm are root-only); run bvirsh as root, or use sim:///default',
    });
  }
  const l = layout('/');
  for (const d of [l.domainsDir, l.autostartDir, l.runDir, l.nvramDir, l.logDir]) mkdirSync(d, { recursive: true });
  return {
    kind: 'real', root: '', uri: 'bhyve:///system', ...l,
    tools: {
      bhyve: '/usr/sbin/bhyve', bhyvectl: '/usr/sbin/bhyvectl', bhyveload: '/usr/sbin/bhyveload',
      grubBhyve: '/usr/local/sbin/grub-bhyve', ifconfig: '/sbin/ifconfig', monitor: monitorPath(),
    },
    toolEnv: { ...process.env },
    // untested on FreeBSD: `ifconfig NAME` exits 0 when the interface exists
    bridgeExists: (name) => spawnSync('/sbin/ifconfig', [name], { stdio: 'ignore' }).status === 0,
    // untested on FreeBSD: `ifconfig bridge create` prints the new bridgeN, which is then renamed
    createBridge: (name) => {
      const made = ifconfig(['bridge', 'create'], `cannot create bridge '${name}'`).trim();
      if (made === name) { ifconfig([name, 'up'], `cannot bring bridge '${name}' up`); return; }
      try {
        ifconfig([made, 'name', name, 'up'], `cannot rename bridge '${made}' to '${name}'`);
      } catch (e) {
        spawnSync('/sbin/ifconfig', [made, 'destroy'], { stdio: 'ignore' });
        throw e;
      }
    },
    destroyBridge: (name) => { ifconfig([name, 'destroy'], `cannot destroy bridge '${name}'`); },
    addBridgeAddress: (name, address, prefix, family) => {
      const args = family === 6 ? [name, 'inet6', address, 'prefixlen', String(prefix ?? 64), 'alias']
        : [name, 'inet', prefix === undefined ? address : `${address}/${prefix}`, 'alias'];
      ifconfig(args, `cannot give bridge '${name}' the address ${address}`);
    },
  };
}

/** The directory sim:///default lives in. */
export function defaultSimRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/')
    ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'bvirsh', 'sim', 'default');
}

/** sim:///default or sim:///ABS/DIR; creates the tree on first use. */
export function simHost(path: string): BhyveHost {
  const isDefault = path === '/default' || path === '/default/' || path === '/';
  const root = isDefault ? defaultSimRoot() : resolve(path);
  if (!isDefault && !path.startsWith('/')) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: sim:// URI needs an absolute directory: sim://${path}`);
  }
  const l = layout(root);
  try {
    for (const d of [l.domainsDir, l.autostartDir, l.runDir, l.nvramDir, l.logDir, l.vmmDir, l.firmwareDir, join(root, 'dev/net')]) {
      mkdirSync(d, { recursive: true });
    }
    const bridge0 = join(root, 'dev/net/bridge0');
    if (!existsSync(bridge0)) writeFileSync(bridge0, 'simulated if_bridge\n');
    // Simulated firmware: placeholders the sim bhyve accepts as boot ROMs (not real EDK2).
    for (const fd of ['BHYVE_UEFI.fd', 'BHYVE_UEFI_CODE.fd', 'BHYVE_UEFI_VARS.fd']) {
      const p = join(l.firmwareDir, fd);
      if (!existsSync(p)) writeFileSync(p, `bvirsh simulated firmware ${fd}\n`);
    }
  } catch (e) {
    throw new VirError('VIR_ERR_SYSTEM_ERROR', 'failed to connect to the hypervisor', {
      detail: `cannot create the simulated host in ${root}: ${(e as Error).message}`,
    });
  }
  const bin = nativeBuildDir();
  return {
    kind: 'sim', root, uri: isDefault ? 'sim:///default' : `sim://${root}`, ...l,
    tools: {
      bhyve: join(bin, 'bhyve'), bhyvectl: join(bin, 'bhyvectl'), bhyveload: join(bin, 'bhyveload'),
      grubBhyve: join(bin, 'grub-bhyve'), ifconfig: '/nonexistent/ifconfig', monitor: monitorPath(),
    },
    toolEnv: { ...process.env, BVIRSH_SIM_ROOT: root },
    bridgeExists: (name) => /^[A-Za-z0-9_.-]{1,15}$/.test(name) && existsSync(join(root, 'dev/net', name)),
    // the sim's bridge registry: one file per bridge (bridge0 comes with the root)
    createBridge: (name) => {
      try {
        writeFileSync(join(root, 'dev/net', name), 'simulated if_bridge (bvirsh network)\n', { flag: 'wx' });
      } catch (e) {
        throw bridgeError(`cannot create bridge '${name}'`, (e as Error).message);
      }
    },
    destroyBridge: (name) => {
      try { unlinkSync(join(root, 'dev/net', name)); } catch (e) { throw bridgeError(`cannot destroy bridge '${name}'`, (e as Error).message); }
    },
    // the sim has no addresses to set: the live state records them
    addBridgeAddress: () => undefined,
  };
}
