/**
 * Connection URIs (DESIGN §2) and the default-URI rule.
 *
 *   bhyve:///system   sim:///default   sim:///ABS/DIR
 *   test:///default   test:///ABS/FILE.xml
 */
import { existsSync } from 'node:fs';
import { VirError } from './errors';

export interface ParsedURI {
  scheme: string;      // 'bhyve' | 'sim' | 'test' | …
  transport?: string;  // 'ssh' in bhyve+ssh://
  user?: string;
  host?: string;
  path: string;        // '/system', '/default', '/abs/dir'
  raw: string;
}

const URI_RE = /^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\/(?:([^@/]*)@)?([^/]*)(\/.*)?$/i;

export function parseURI(raw: string): ParsedURI {
  const m = URI_RE.exec(raw);
  if (!m) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unable to parse URI ${raw}`);
  }
  return {
    scheme: m[1].toLowerCase(),
    transport: m[2]?.toLowerCase(),
    user: m[3] || undefined,
    host: m[4] || undefined,
    path: m[5] ?? '/',
    raw,
  };
}

/** Schemes this build can open; later issues add drivers to connect.ts. */
export const OUR_SCHEMES = ['bhyve', 'sim', 'test'];

/**
 * The URI used when none is given: BVIRSH_DEFAULT_URI, else LIBVIRT_DEFAULT_URI
 * when its scheme is ours, else the real host where /dev/vmm exists, else the
 * simulated host. `available` lets connect.ts say which drivers are built in.
 */
export function defaultURI(env: NodeJS.ProcessEnv = process.env, available: (scheme: string) => boolean = () => true): string {
  if (env.BVIRSH_DEFAULT_URI) return env.BVIRSH_DEFAULT_URI;
  const lv = env.LIBVIRT_DEFAULT_URI;
  if (lv) {
    try {
      if (OUR_SCHEMES.includes(parseURI(lv).scheme)) return lv;
    } catch {
      /* not ours: ignore it, as virsh would use it for another driver */
    }
  }
  if (existsSync('/dev/vmm') && available('bhyve')) return 'bhyve:///system';
  if (available('sim')) return 'sim:///default';
  return 'test:///default';
}
