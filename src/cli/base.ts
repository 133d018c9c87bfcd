/**
 * BaseCommand: what every bvirsh command shares — the connection (from the
 * session, or -c/--connect/-r on this command), --json, and virsh-style
 * errors (`error: ...` on stderr, exit status 1).
 *
 * A command implements `run()` by making one core call and printing with
 * `this.out()`; when --json is given it returns the JSON document instead and
 * oclif prints it.
 */
import { Command, Flags, Interfaces } from '@oclif/core';
import type { Connection } from '../core/api';
import { isVirError } from '../core/errors';
import { session } from './session';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    connect: Flags.string({ char: 'c', description: 'hypervisor connection URI', helpGroup: 'GLOBAL' }),
    readonly: Flags.boolean({ char: 'r', description: 'connect readonly', helpGroup: 'GLOBAL' }),
    quiet: Flags.boolean({ char: 'q', description: 'quiet mode', helpGroup: 'GLOBAL' }),
  };

  /** The connection this command runs on. */
  protected async conn(): Promise<Connection> {
    const { flags } = await this.parse(this.constructor as typeof BaseCommand);
    if (flags.connect !== undefined || flags.readonly) {
      const uri = flags.connect ?? session.options.uri;
      const ro = flags.readonly || session.options.readonly;
      if (!session.hasConnection() || uri !== session.options.uri || ro !== session.options.readonly) {
        await session.reconnect(uri, ro);
      }
    }
    return session.connection();
  }

  /** Print text exactly (no added newline), unless --json is on. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) process.stdout.write(text);
  }

  /** virsh prints errors as `error: <message>` lines on stderr and exits 1. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (isVirError(err)) {
      const lines = [err.message, err.detail].filter((l): l is string => !!l);
      process.stderr.write(lines.map((l) => `error: ${l}\n`).join(''));
      process.exitCode = 1;
      return;
    }
    // oclif parse errors (unknown flag, missing argument): virsh style too.
    if (err.oclif?.exit !== undefined && err.oclif.exit !== 0) {
      process.stderr.write(`error: ${err.message.split('\n')[0]}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
