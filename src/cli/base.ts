/**
 * BaseCommand: what every bvirsh command shares — the connection (from the
 * session, or -c/--connect/-r on this command), --json, and virsh-style
 * errors (`error: ...` on stderr, exit status 1).
 *
 * A command implements `run()` by making one core call and printing with
 * `this.out()` (or `this.extra()` for what virsh's -q hides); when --json is
 * given it returns the JSON document instead and oclif prints it.
 *
 * virsh conventions reproduced here:
 *  - positional arguments are also options: `dominfo test` = `dominfo --domain test`
 *    (declare both an arg and a flag of the same name; read with `this.option()`);
 *    a missing one is `error: command 'dominfo' requires <domain> option`;
 *  - option errors use virsh's words (`doesn't support option --foo`,
 *    `unexpected data 'x'`, `expected syntax: --domain <string>`);
 *  - after a command has run (successfully or not) virsh prints one empty
 *    line on stdout, unless -q; usage errors print none;
 *  - domains are looked up by ID, then UUID, then name:
 *    `error: failed to get domain 'x'`;
 *  - a failed call prints virsh's context line first:
 *    `error: Failed to destroy domain 'test'` then the driver's message.
 */
import { Command, Flags, Interfaces } from '@oclif/core';
import type { Connection, Domain } from '../core/api';
import { isVirError, VirError } from '../core/errors';
import { session } from './session';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/** Bad command line: virsh prints the error only (no trailing empty line). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface LookupKinds { id?: boolean; uuid?: boolean; name?: boolean }

type OclifParseError = Error & { oclif?: { exit?: number }; flags?: string[]; args?: string[] };

/** Per command class: what checkRepeats and assignPositionals need of its options
 *  (built once: a script runs the same command many times). */
interface OptionIndex {
  /** every option name (base and own flags) */
  names: Set<string>;
  /** short letter -> option name */
  byChar: Map<string, string>;
  /** options that take a value (the next word, unless given inline) */
  valued: Set<string>;
  /** positional slots, in order */
  slots: string[];
}
const optionIndexes = new WeakMap<object, OptionIndex>();
function optionIndex(ctor: { baseFlags?: object; flags?: object; args?: object }): OptionIndex {
  let idx = optionIndexes.get(ctor);
  if (!idx) {
    const flagDefs = { ...(ctor.baseFlags ?? {}), ...(ctor.flags ?? {}) } as Record<string, { char?: string; type?: string }>;
    const byChar = new Map<string, string>();
    const valued = new Set<string>();
    // first flag declaring a letter wins, as Object.keys().find() did
    for (const k of Object.keys(flagDefs)) {
      const c = flagDefs[k].char;
      if (c !== undefined && !byChar.has(c)) byChar.set(c, k);
      if (flagDefs[k].type === 'option') valued.add(k);
    }
    idx = { names: new Set(Object.keys(flagDefs)), byChar, valued, slots: Object.keys(ctor.args ?? {}) };
    optionIndexes.set(ctor, idx);
  }
  return idx;
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    connect: Flags.string({ char: 'c', description: 'hypervisor connection URI', helpGroup: 'GLOBAL' }),
    readonly: Flags.boolean({ char: 'r', description: 'connect readonly', helpGroup: 'GLOBAL' }),
    quiet: Flags.boolean({ char: 'q', description: 'quiet mode', helpGroup: 'GLOBAL' }),
  };

  /**
   * Options the command cannot run without (virsh's required options, e.g.
   * <domain>): checked when the command line is parsed, so that in a `;` line
   * a command missing one stops the whole line before anything runs, and every
   * missing one is reported, as virsh does. A number option is written
   * '--size': virsh's message then says `requires --size option`.
   */
  static requiredOptions: readonly string[] = [];

  /**
   * virsh's ARGV option (e.g. domstats' `<domain>...`): the command's extra
   * words are its values, as is each `--NAME VALUE` (a flag declared with
   * `multiple`). Read them with `this.argvValues()`.
   */
  static argvOption?: string;

  /** parsed arguments and flags (set in init) */
  protected parsedArgs: Record<string, unknown> = {};
  protected parsedFlags: Record<string, unknown> = {};
  /** the extra words of a command with an argvOption */
  private argvWords: string[] = [];
  /** true once the command line was accepted: from then on virsh ends with an empty line */
  private accepted = false;
  private connectFailed = false;

  /**
   * Commands without positional arguments must declare `static override strict = false`:
   * with its space topic separator oclif would otherwise read
   * `list extra` as a command `list extra`. Stray words and unknown options are then
   * refused in init(), in virsh's words. Commands with arguments stay strict (their
   * usage line and the man page show them properly); oclif's errors are translated in catch().
   */

  override async init(): Promise<void> {
    await super.init();
    const ctor = this.constructor as typeof BaseCommand;
    const { args, flags, argv } = await this.parse(ctor);
    this.parsedArgs = args as Record<string, unknown>;
    this.parsedFlags = flags as Record<string, unknown>;
    const declared = Object.keys(ctor.args ?? {}).length;
    const extra = (argv as string[]).slice(declared);
    const stray = extra.find((a) => a.startsWith('--')) ?? (ctor.argvOption ? undefined : extra[0]);
    if (ctor.argvOption) this.argvWords = extra;
    if (stray !== undefined) {
      if (stray.startsWith('--')) throw new UsageError(`command '${this.commandName}' doesn't support option ${stray.replace(/=.*$/, '')}`);
      throw new UsageError(`unexpected data '${stray}'`);
    }
    this.checkRepeats(ctor);
    // (given but empty is not missing: virsh accepts the line and fails when the command reads it)
    // ('--size': a number option, which virsh names that way in the message)
    const missing = ctor.requiredOptions.filter((name) => this.option(name.replace(/^--/, '')) === undefined);
    if (missing.length > 0) {
      throw new UsageError(missing.map((name) => `command '${this.commandName}' requires ${name.startsWith('--') ? name : `<${name}>`} option`).join('\n'));
    }
  }

  /** virsh refuses an option given twice, a positional argument counting as its option. */
  private checkRepeats(ctor: typeof BaseCommand): void {
    const { names, byChar } = optionIndex(ctor);
    let seen: Set<string> | undefined;
    for (const tok of this.argv) {
      if (tok === '--') break;
      if (tok.charCodeAt(0) !== 45 /* - */) continue; // a plain word (the common case)
      let name: string | undefined;
      if (tok.startsWith('--')) {
        name = tok.indexOf('=') === -1 ? tok.slice(2) : tok.slice(2).replace(/=.*$/, '');
      } else if (tok.length === 2 && /^-[a-zA-Z]$/.test(tok)) name = byChar.get(tok[1]);
      if (!name || !names.has(name) || name === ctor.argvOption) continue; // an ARGV option may repeat
      seen ??= new Set<string>();
      if (seen.has(name)) throw new UsageError(`option --${name} already seen`);
      seen.add(name);
    }
    this.assignPositionals(ctor);
  }

  /**
   * virsh's rule for positional words: each fills the first positional option
   * not given yet, by name or by an earlier word (`console --domain vm serial0`
   * gives serial0 to --devname); a word with no option left is `unexpected data`,
   * an option named after its slot was filled is `already seen`. oclif fills
   * slots by position only, so the words are assigned again here.
   */
  private assignPositionals(ctor: typeof BaseCommand): void {
    const { slots, byChar, valued } = optionIndex(ctor); // built once per command class
    if (slots.length === 0) return;
    const filled = new Set<string>();
    const words: Record<string, string> = {};
    const argv = this.argv;
    for (let i = 0; i < argv.length; i++) {
      const tok = argv[i];
      if (tok === '--') break;
      // (a negative number is a word, as the parser reads it: `setmem vm -5`)
      if (tok.length > 1 && tok.charCodeAt(0) === 45 /* - */ && !/^-\d/.test(tok)) {
        const long = tok.startsWith('--');
        const eq = tok.indexOf('=');
        const name = long ? tok.slice(2, eq === -1 ? undefined : eq) : byChar.get(tok[1]);
        const inlineValue = long ? eq !== -1 : tok.length > 2;
        if (name !== undefined && valued.has(name) && !inlineValue) i++; // its value
        if (name !== undefined && slots.includes(name)) {
          if (filled.has(name)) throw new UsageError(`option --${name} already seen`);
          filled.add(name);
        }
        continue;
      }
      const slot = slots.find((s) => !filled.has(s));
      if (slot === undefined) throw new UsageError(`unexpected data '${tok}'`);
      filled.add(slot);
      words[slot] = tok;
    }
    for (const s of slots) this.parsedArgs[s] = words[s];
  }

  /** virsh name of this command, for messages */
  protected get commandName(): string {
    return this.id ?? this.constructor.name.toLowerCase();
  }

  /** Positional-or-option value: `dominfo X` and `dominfo --domain X` alike. */
  protected option<T = string>(name: string): T | undefined {
    return (this.parsedArgs[name] ?? this.parsedFlags[name]) as T | undefined;
  }

  /** The values of the command's argvOption: each `--NAME VALUE`, then the extra words. */
  protected argvValues(): string[] {
    const name = (this.constructor as typeof BaseCommand).argvOption;
    const given = name === undefined ? undefined : this.parsedFlags[name] as string[] | string | undefined;
    return [...(given === undefined ? [] : Array.isArray(given) ? given : [given]), ...this.argvWords];
  }

  /** A required option (virsh's `<domain>` style), or virsh's usage error. */
  protected required(name: string): string {
    const v = this.option<string>(name);
    if (v === undefined) throw new UsageError(`command '${this.commandName}' requires <${name}> option`);
    if (v === '') {
      this.accepted = true; // a run-time error in virsh: the line goes on
      throw new VirError('VIR_ERR_INVALID_ARG', `Failed to get option '${name}': Option argument is empty`);
    }
    return v;
  }

  /** Options virsh refuses to combine (either may have been given positionally). */
  protected exclusive(a: string, b: string): void {
    if (this.option(a) && this.option(b)) {
      this.accepted = true;
      throw new VirError('VIR_ERR_INVALID_ARG', `Options --${a} and --${b} are mutually exclusive`);
    }
  }

  /** virsh's VSH_REQUIRE_OPTION: option `needs` is given only with `need`. */
  protected requires(needs: string, need: string): void {
    if (this.option(needs) && !this.option(need)) {
      this.accepted = true;
      throw new VirError('VIR_ERR_INVALID_ARG', `Option --${need} is required by option --${needs}`);
    }
  }

  protected get quiet(): boolean {
    return !!this.parsedFlags.quiet || session.options.quiet;
  }

  /** The connection this command runs on. */
  protected async conn(): Promise<Connection> {
    this.accepted = true;
    const flags = this.parsedFlags as { connect?: string; readonly?: boolean };
    try {
      if (flags.connect !== undefined || flags.readonly) {
        const uri = flags.connect ?? session.options.uri;
        const ro = !!flags.readonly || session.options.readonly;
        if (!session.hasConnection() || uri !== session.options.uri || ro !== session.options.readonly) {
          return await session.reconnect(uri, ro);
        }
      }
      return await session.connection();
    } catch (e) {
      this.connectFailed = true;
      throw e;
    }
  }

  /** virsh's domain lookup: by ID when numeric, then UUID, then name
   *  (some commands allow only some of these, e.g. domname takes no name). */
  protected async lookup(conn: Connection, key: string, by: LookupKinds = { id: true, uuid: true, name: true }): Promise<Domain> {
    if (by.id && /^\d+$/.test(key)) {
      try { return await conn.lookupByID(Number(key)); } catch { /* fall through */ }
    }
    // virsh tries a UUID only in its 36-character form
    if (by.uuid && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key)) {
      try { return await conn.lookupByUUIDString(key); } catch { /* fall through */ }
    }
    if (!by.name) throw new VirError('VIR_ERR_NO_DOMAIN', `failed to get domain '${key}'`);
    try {
      return await conn.lookupByName(key);
    } catch (e) {
      if (isVirError(e) && e.code !== 'VIR_ERR_NO_DOMAIN') throw e;
      throw new VirError('VIR_ERR_NO_DOMAIN', `failed to get domain '${key}'`);
    }
  }

  /** Connection + the domain named by the `domain` option (required). */
  protected async domainArg(by?: LookupKinds): Promise<Domain> {
    const key = this.required('domain');
    return this.lookup(await this.conn(), key, by);
  }

  /** Run a core call; a failure is reported under virsh's context line. */
  protected async attempt<T>(context: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isVirError(e)) throw new VirError(e.code, context, { detail: e.message, cause: e });
      throw e;
    }
  }

  /** Print text exactly (no added newline), unless --json is on. */
  protected out(text: string): void {
    if (!this.jsonEnabled()) process.stdout.write(text);
  }

  /** Informational text virsh hides under -q ("Domain 'x' destroyed", table headings). */
  protected extra(text: string): void {
    if (!this.quiet) this.out(text);
  }

  /** virsh prints errors as `error: <message>` lines on stderr and exits 1. */
  protected override async catch(err: OclifParseError): Promise<unknown> {
    if (isVirError(err)) {
      const lines = [err.message, err.detail].filter((l): l is string => !!l);
      process.stderr.write((err.warning ? `${err.warning}\n` : '') + lines.map((l) => `error: ${l}\n`).join(''));
      // --json: scripts still get one document on stdout
      if (this.jsonEnabled()) {
        process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, detail: err.detail ?? null } }, null, 2)}\n`);
      }
      process.exitCode = 1;
      return;
    }
    if (err instanceof UsageError) {
      // (one line per problem: several missing options are several lines)
      process.stderr.write(err.message.split('\n').map((l) => `error: ${l}\n`).join(''));
      process.exitCode = 1;
      return;
    }
    // oclif parse errors (unknown flag, stray argument, missing value): virsh's wording.
    if (err.oclif?.exit !== undefined && err.oclif.exit !== 0) {
      process.stderr.write(`error: ${this.virshParseMessage(err)}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }

  private virshParseMessage(err: OclifParseError): string {
    const first = err.message.split('\n')[0];
    if (err.flags && /^Nonexistent flag/.test(first)) {
      const f = err.flags[0].replace(/=.*$/, '');
      return f.startsWith('--') ? `command '${this.commandName}' doesn't support option ${f}` : `unexpected data '${f}'`;
    }
    if (err.args && /^Unexpected argument/.test(first)) return `unexpected data '${err.args[0]}'`;
    const m = /^Flag --([\w-]+) expects a value/.exec(first);
    if (m) return `expected syntax: --${m[1]} <string>`;
    return first;
  }

  override async finally(err: Error | undefined): Promise<unknown> {
    // virsh ends every command it ran with an empty line (not with -q, not after a usage error)
    const ran = err === undefined ? true : (isVirError(err) && this.accepted && !this.connectFailed);
    if (ran && !this.quiet && !this.jsonEnabled()) process.stdout.write('\n');
    return super.finally(err);
  }
}
