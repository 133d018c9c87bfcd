/**
 * open(uri) → Connection. Drivers register by URI scheme and are loaded
 * lazily, so `bvirsh -c test:///default list` never loads the bhyve driver
 * or the native addon.
 */
import type { Connection, OpenOptions } from './api';
import { VirError } from './errors';
import { defaultURI, parseURI, type ParsedURI } from './uri';

export type DriverOpen = (uri: ParsedURI, opts: OpenOptions) => Promise<Connection>;

const drivers = new Map<string, () => DriverOpen>();

/** Register a driver; `load` is called on first use (lazy require). */
export function registerDriver(scheme: string, load: () => DriverOpen): void {
  drivers.set(scheme, load);
}

export function hasDriver(scheme: string): boolean {
  return drivers.has(scheme);
}

registerDriver('test', () => require('./test/driver').openTestConnection as DriverOpen);
registerDriver('bhyve', () => require('./bhyve/driver').openBhyveConnection as DriverOpen);
registerDriver('sim', () => require('./bhyve/driver').openBhyveConnection as DriverOpen);

export function resolveURI(uri?: string): string {
  return uri && uri.length > 0 ? uri : defaultURI(process.env, hasDriver);
}

export async function open(uri?: string, opts: OpenOptions = {}): Promise<Connection> {
  const raw = resolveURI(uri);
  const parsed = parseURI(raw);
  const load = drivers.get(parsed.scheme);
  if (!load) {
    throw new VirError('VIR_ERR_NO_CONNECT', 'failed to connect to the hypervisor',
      { detail: `no connection driver available for ${raw}` });
  }
  return load()(parsed, opts);
}
