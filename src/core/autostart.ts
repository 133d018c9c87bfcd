/**
 * Host boot and shutdown (rc.d/bvirsh): start every autostart network, then
 * every autostart guest that is not running (guests' interfaces need their
 * networks' bridges); shut every running guest down (ACPI), wait up to a timeout,
 * then force off what is still running. Works on any Connection.
 */
import type { Connection } from './api';
import { isVirError } from './errors';

export interface GuestOutcome { name: string; action: 'started' | 'shutdown' | 'destroyed' | 'failed'; error?: string }

function message(e: unknown): string {
  return isVirError(e) ? [e.message, e.detail].filter(Boolean).join(': ') : (e as Error).message;
}

export interface NetworkOutcome { name: string; action: 'started' | 'failed'; error?: string }

/** Networks marked autostart that are not active (none on a driver without networks). */
export async function startAutostartNetworks(conn: Connection): Promise<NetworkOutcome[]> {
  if (!conn.listAllNetworks) return [];
  const out: NetworkOutcome[] = [];
  for (const net of await conn.listAllNetworks({ autostart: true, inactive: true })) {
    try {
      await net.create();
      out.push({ name: net.getName(), action: 'started' });
    } catch (e) {
      out.push({ name: net.getName(), action: 'failed', error: message(e) });
    }
  }
  return out;
}

export async function startAutostartGuests(conn: Connection): Promise<GuestOutcome[]> {
  const out: GuestOutcome[] = [];
  for (const dom of await conn.listAllDomains({ autostart: true, inactive: true })) {
    try {
      await dom.create();
      out.push({ name: dom.getName(), action: 'started' });
    } catch (e) {
      out.push({ name: dom.getName(), action: 'failed', error: message(e) });
    }
  }
  return out;
}

export async function shutdownAllGuests(conn: Connection, timeoutSeconds: number): Promise<GuestOutcome[]> {
  const active = await conn.listAllDomains({ active: true });
  return Promise.all(active.map(async (dom): Promise<GuestOutcome> => {
    const name = dom.getName();
    try {
      await dom.shutdown({ timeout: timeoutSeconds });
      const st = await dom.getState();
      return { name, action: st.reason === 'destroyed' ? 'destroyed' : 'shutdown' };
    } catch (e) {
      // it may have stopped on its own meanwhile
      if (!(await dom.isActive().catch(() => true))) return { name, action: 'shutdown' };
      return { name, action: 'failed', error: message(e) };
    }
  }));
}
