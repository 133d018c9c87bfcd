/**
 * The CLI session: the one connection shared by every command run in this
 * process (a single command, a `;`-separated line, a script on stdin, or the
 * REPL). Global options (-c, -r, -q) set it up once; `connect URI` replaces it.
 */
import type { Connection } from '../core/api';
import { open } from '../core/connect';

export interface SessionOptions {
  uri?: string;
  readonly: boolean;
  quiet: boolean;
}

class Session {
  options: SessionOptions = { readonly: false, quiet: false };
  private conn?: Connection;
  private opening?: Promise<Connection>;

  /** The session's connection, opened on first use. */
  async connection(): Promise<Connection> {
    if (this.conn) return this.conn;
    if (!this.opening) {
      this.opening = open(this.options.uri, { readonly: this.options.readonly });
    }
    try {
      this.conn = await this.opening;
      return this.conn;
    } finally {
      this.opening = undefined;
    }
  }

  /** Close the current connection and use `uri` from now on (REPL `connect`). */
  async reconnect(uri: string | undefined, readonly = this.options.readonly): Promise<Connection> {
    await this.close();
    this.options = { ...this.options, uri, readonly };
    return this.connection();
  }

  async close(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    if (c) await c.close();
  }

  hasConnection(): boolean {
    return this.conn !== undefined;
  }
}

export const session = new Session();
