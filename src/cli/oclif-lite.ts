/**
 * oclif-lite: the start-up fast path's stand-in for `@oclif/core`.
 *
 * Loading @oclif/core costs ~100 ms (160 modules) — more than node's own
 * start-up — so bin/run.js redirects `require('@oclif/core')` made by
 * bvirsh's compiled files (dist/src/**) to this module (see
 * src/cli/fast-require.ts). It provides, with oclif's semantics, what command
 * files use: `Command` (parse, run, jsonEnabled, log, warn, error, exit,
 * catch/finally, --json output), `Flags` and `Args` (the same plain flag
 * definition objects oclif builds). Anything else a command imports from
 * '@oclif/core' is taken from the real package on first access.
 *
 * Parsing: the common case (known flags, right number of arguments) is parsed
 * here; any argv this parser is not sure about — an unknown flag, a missing
 * value or argument, an option outside its list, flag relationships,
 * a failing value parser — is handed to oclif's own Parser.parse, loaded
 * then, so errors are exactly oclif's (and BaseCommand turns them into
 * virsh's `error: ...`).
 *
 * Tests and mocha import the real @oclif/core; both run the same commands.
 */
import { inspect, format } from 'node:util';
import { projectRoot } from './manifest';

type AnyFlag = {
  type: 'boolean' | 'option';
  name?: string;
  char?: string;
  parse: (input: any, ctx: any, opts: any) => Promise<any>;
  default?: unknown;
  multiple?: boolean;
  options?: readonly string[];
  required?: boolean;
  allowNo?: boolean;
  [k: string]: unknown;
};
type AnyArg = { parse: (input: any, ctx: any, opts: any) => Promise<any>; default?: unknown; required?: boolean; options?: readonly string[]; [k: string]: unknown };

/** The real @oclif/core, loaded only when something needs it. */
export function realCore(): any {
  const resolved = require.resolve('@oclif/core', { paths: [__dirname] });
  return require(resolved);
}

// ---- Flags and Args: the same definition objects as @oclif/core 4.9 ----

/** The value parser of plain string/boolean flags and arguments: it returns
 *  its input, so fastParse skips calling (and awaiting) it. */
const passThrough = async (input: unknown): Promise<unknown> => input;

function customFlag(defaults: Record<string, unknown> = {}) {
  return (options: Record<string, unknown> = {}): AnyFlag => ({
    parse: passThrough,
    ...defaults,
    ...options,
    input: [],
    multiple: Boolean(options.multiple === undefined ? (defaults.multiple ?? false) : options.multiple),
    type: 'option',
  } as AnyFlag);
}

function integerParse(input: string, opts: { min?: number; max?: number }, Err: new (m: string) => Error): number {
  if (!/^-?\d+$/.test(input)) throw new Err(`Expected an integer but received: ${input}`);
  const num = Number.parseInt(input, 10);
  if (opts.min !== undefined && num < opts.min) throw new Err(`Expected an integer greater than or equal to ${opts.min} but received: ${input}`);
  if (opts.max !== undefined && num > opts.max) throw new Err(`Expected an integer less than or equal to ${opts.max} but received: ${input}`);
  return num;
}

export const Flags = {
  custom: customFlag,
  option: customFlag,
  string: customFlag(),
  integer: customFlag({
    async parse(input: string, _ctx: unknown, opts: { min?: number; max?: number }) {
      return integerParse(input, opts, Error);
    },
  }),
  boolean(options: Record<string, unknown> = {}): AnyFlag {
    return { parse: passThrough, ...options, allowNo: Boolean(options.allowNo), type: 'boolean' } as AnyFlag;
  },
  // Flags this CLI never defines itself fall through to the real package.
  get file() { return realCore().Flags.file; },
  get directory() { return realCore().Flags.directory; },
  get url() { return realCore().Flags.url; },
};

function customArg(defaults: Record<string, unknown> = {}) {
  return (options: Record<string, unknown> = {}): AnyArg => ({
    parse: passThrough,
    ...defaults,
    ...options,
    input: [],
    type: 'option',
  } as AnyArg);
}

export const Args = {
  custom: customArg,
  string: customArg({}),
  integer: customArg({
    async parse(input: string, _ctx: unknown, opts: { min?: number; max?: number }) {
      return integerParse(input, opts, Error);
    },
  }),
  boolean: customArg({ parse: async (b: unknown) => Boolean(b) && !['false', '0', 'no', 'n', ''].includes(String(b).toLowerCase()) }),
  get file() { return realCore().Args.file; },
  get directory() { return realCore().Args.directory; },
  get url() { return realCore().Args.url; },
};

// ---- errors, with the shape oclif's handlers and BaseCommand look at ----

export class CLIError extends Error {
  oclif: { exit?: number } = {};
  code?: string;
  constructor(message: string | Error, opts: { exit?: number | false; code?: string } = {}) {
    super(message instanceof Error ? message.message : message);
    this.oclif.exit = opts.exit === false ? undefined : (opts.exit ?? 2);
    this.code = opts.code;
  }
}

export class ExitError extends CLIError {
  override code = 'EEXIT';
  constructor(exitCode = 1) {
    super(`EEXIT: ${exitCode}`, { exit: exitCode });
  }
}

export const Errors = {
  CLIError,
  ExitError,
  error(input: string | Error, options: { exit?: number | false } = {}): never {
    throw new CLIError(input, options);
  },
  exit(code = 0): never {
    throw new ExitError(code);
  },
  warn(input: string | Error): void {
    process.stderr.write(`Warning: ${input instanceof Error ? input.message : input}\n`);
  },
};

// ---- the parser fast path ----

const jsonFlag = Flags.boolean({ description: 'Format output as json.', helpGroup: 'GLOBAL' });

export function aggregateFlags(flags: Record<string, AnyFlag> = {}, baseFlags: Record<string, AnyFlag> = {}, enableJsonFlag = false): Record<string, AnyFlag> {
  const combined = { ...baseFlags, ...flags };
  return enableJsonFlag ? { json: jsonFlag, ...combined } : combined;
}

/** Thrown inside fastParse when the real parser must decide. */
class NeedsRealParser extends Error {}

// Flag features that only oclif's parser implements.
const ADVANCED_FLAG_KEYS = ['exclusive', 'dependsOn', 'exactlyOne', 'relationships', 'env', 'aliases', 'charAliases',
  'delimiter', 'allowStdin', 'combinable'];

interface ParseOptions {
  flags?: Record<string, AnyFlag>;
  args?: Record<string, AnyArg>;
  strict?: boolean;
  context?: unknown;
  '--'?: boolean;
}

export interface ParseOutput {
  args: Record<string, unknown>;
  argv: unknown[];
  flags: Record<string, unknown>;
  raw: Array<{ type: 'arg' | 'flag'; input: string; flag?: string; arg?: string }>;
  metadata: { flags: Record<string, { setFromDefault?: boolean }> };
  nonExistentFlags: string[];
}

/** Per flag set (one per command class, see flagsOf): what fastParse needs
 *  to know about it, computed once — a script runs the same commands often. */
interface FlagIndex { advanced: boolean; byChar: Map<string, string>; entries: Array<[string, AnyFlag]> }
const flagIndexes = new WeakMap<object, FlagIndex>();
function flagIndex(flagDefs: Record<string, AnyFlag>): FlagIndex {
  let idx = flagIndexes.get(flagDefs);
  if (!idx) {
    const byChar = new Map<string, string>();
    let advanced = false;
    const entries = Object.entries(flagDefs);
    for (const [name, def] of entries) {
      if (def.char) byChar.set(def.char, name);
      if (ADVANCED_FLAG_KEYS.some((k) => def[k] !== undefined)) advanced = true;
    }
    idx = { advanced, byChar, entries };
    flagIndexes.set(flagDefs, idx);
  }
  return idx;
}

const aggregated = new WeakMap<object, Record<string, AnyFlag>>();
/** A command class's flags with its base flags and --json, built once per class. */
function flagsOf(o: { flags?: Record<string, AnyFlag>; baseFlags?: Record<string, AnyFlag>; enableJsonFlag?: boolean }): Record<string, AnyFlag> {
  let f = aggregated.get(o);
  if (!f) {
    f = aggregateFlags(o.flags, o.baseFlags, o.enableJsonFlag);
    aggregated.set(o, f);
  }
  return f;
}

async function fastParse(argv: string[], opts: ParseOptions): Promise<ParseOutput> {
  const flagDefs = opts.flags ?? {};
  const argDefs = opts.args ?? {};
  const strict = opts.strict !== false;
  const { advanced, byChar, entries } = flagIndex(flagDefs);
  if (advanced) throw new NeedsRealParser();

  const flagInputs = new Map<string, string[]>();
  const positionals: string[] = [];
  const raw: ParseOutput['raw'] = [];
  let afterDashDash = false;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (afterDashDash || tok === '-' || !tok.startsWith('-') || /^-\d/.test(tok)) {
      positionals.push(tok);
      continue;
    }
    if (tok === '--') { afterDashDash = true; continue; }
    let name: string | undefined;
    let inline: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      name = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
      inline = eq === -1 ? undefined : tok.slice(eq + 1);
    } else {
      if (tok.length !== 2) throw new NeedsRealParser(); // -abc, -cURI: let oclif decide
      name = byChar.get(tok[1]);
    }
    const def = name === undefined ? undefined : flagDefs[name];
    if (!def || name === undefined) throw new NeedsRealParser();
    let value: string;
    if (def.type === 'boolean') {
      if (inline !== undefined) throw new NeedsRealParser();
      value = 'true';
    } else if (inline !== undefined) {
      value = inline;
    } else {
      if (i + 1 >= argv.length) throw new NeedsRealParser();
      value = argv[++i];
    }
    if (def.type === 'option' && def.options && !def.options.includes(value)) throw new NeedsRealParser();
    const list = flagInputs.get(name) ?? [];
    if (list.length > 0 && !def.multiple) throw new NeedsRealParser();
    list.push(value);
    flagInputs.set(name, list);
    raw.push({ type: 'flag', flag: name, input: value });
  }

  const flags: Record<string, unknown> = {};
  const metadata: ParseOutput['metadata'] = { flags: {} };
  try {
    for (const [name, def] of entries) {
      const inputs = flagInputs.get(name);
      if (inputs) {
        if (def.parse === passThrough) flags[name] = def.type === 'boolean' ? true : def.multiple ? inputs.slice() : inputs[0];
        else if (def.type === 'boolean') flags[name] = await def.parse(true, opts.context, def);
        else if (def.multiple) flags[name] = await Promise.all(inputs.map((v) => def.parse(v, opts.context, def)));
        else flags[name] = await def.parse(inputs[0], opts.context, def);
      } else if (def.default !== undefined) {
        flags[name] = typeof def.default === 'function'
          ? await (def.default as (c: unknown) => unknown)({ options: def, flags })
          : def.default;
        metadata.flags[name] = { setFromDefault: true };
      } else if (def.required) {
        throw new NeedsRealParser();
      }
    }

    const argNames = Object.keys(argDefs);
    if (strict && positionals.length > argNames.length) {
      // oclif 4.9's parser names the wrong words here (`a b c` with one
      // argument → "test, ;, domid"); report the extra ones, oclif's way.
      const extra = positionals.slice(argNames.length);
      throw Object.assign(new CLIError(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}\nSee more help with --help`),
        { args: extra });
    }
    const args: Record<string, unknown> = {};
    const parsedArgv: unknown[] = [];
    for (let i = 0; i < positionals.length; i++) {
      // (argv keeps the command line's order; oclif 4.9 reorders repeated
      // words — `test ; domid test` → test test ; domid — which hides the
      // first stray word that virsh reports)
      const argName = argNames[i];
      const def = argName === undefined ? undefined : argDefs[argName];
      if (def && argName !== undefined) {
        if (def.options && !def.options.includes(positionals[i])) throw new NeedsRealParser();
        args[argName] = def.parse === passThrough ? positionals[i] : await def.parse(positionals[i], opts.context, def);
        parsedArgv.push(args[argName]);
        raw.push({ type: 'arg', arg: argName, input: positionals[i] });
      } else {
        parsedArgv.push(positionals[i]);
        raw.push({ type: 'arg', input: positionals[i] });
      }
    }
    for (let i = positionals.length; i < argNames.length; i++) {
      const def = argDefs[argNames[i]];
      if (def.required) throw new NeedsRealParser();
      if (def.default !== undefined) {
        args[argNames[i]] = typeof def.default === 'function' ? await (def.default as () => unknown)() : def.default;
        parsedArgv.unshift(args[argNames[i]]); // oclif lists defaulted arguments in argv too, first
      }
    }
    return { args, argv: parsedArgv, flags, raw, metadata, nonExistentFlags: [] };
  } catch (e) {
    // A value parser refused its input: oclif's parser reports it its way.
    if (e instanceof NeedsRealParser || e instanceof CLIError) throw e;
    throw new NeedsRealParser();
  }
}

/** Parse like oclif's Parser.parse: the fast path, else oclif's own parser. */
export async function parse(argv: string[], opts: ParseOptions): Promise<ParseOutput> {
  try {
    return await fastParse(argv, opts);
  } catch (e) {
    if (!(e instanceof NeedsRealParser)) throw e;
    return realCore().Parser.parse(argv, opts);
  }
}

export const Parser = { parse };

// ---- Command ----

export interface LiteConfig {
  bin: string;
  version: string;
  name: string;
  root: string;
  [k: string]: unknown;
}

export abstract class Command {
  static id: string | undefined;
  static summary?: string;
  static description?: string;
  static examples?: unknown;
  static usage?: unknown;
  static hidden?: boolean;
  static aliases: string[] = [];
  static hiddenAliases: string[] = [];
  static args: Record<string, AnyArg> = {};
  static flags: Record<string, AnyFlag> = {};
  static baseFlags: Record<string, AnyFlag> = {};
  static enableJsonFlag = false;
  static strict = true;
  static state?: string;

  argv: string[];
  config: LiteConfig;
  id: string | undefined;
  parsed = false;

  constructor(argv: string[], config: LiteConfig) {
    this.argv = argv;
    this.config = config;
    this.id = (this.constructor as typeof Command).id;
  }

  /** Instantiate and run, as oclif's Command.run (config is required here). */
  static async run(this: any, argv: string[] = process.argv.slice(2), config?: LiteConfig): Promise<unknown> {
    const cmd = new this(argv, config ?? liteConfig());
    return cmd._run();
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command;
  }

  async _run(): Promise<unknown> {
    let err: Error | undefined;
    let result: unknown;
    try {
      await this.init();
      result = await this.run();
    } catch (error) {
      err = error as Error;
      await this.catch(error as Error & { exitCode?: number });
    } finally {
      await this.finally(err);
    }
    if (result && this.jsonEnabled()) this.logJson(this.toSuccessJson(result));
    return result;
  }

  abstract run(): Promise<unknown>;

  async init(): Promise<void> {}

  async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    process.exitCode = process.exitCode ?? err.exitCode ?? 1;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(err));
      return undefined;
    }
    throw err;
  }

  async finally(_err: Error | undefined): Promise<unknown> {
    return undefined;
  }

  jsonEnabled(): boolean {
    if (!this.ctor.enableJsonFlag) return false;
    const dd = this.argv.indexOf('--');
    const j = this.argv.indexOf('--json');
    return j !== -1 && (dd === -1 || j < dd);
  }

  log(message: unknown = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) process.stdout.write(format(typeof message === 'string' ? message : inspect(message), ...args) + '\n');
  }

  logToStderr(message: unknown = '', ...args: unknown[]): void {
    if (!this.jsonEnabled()) process.stderr.write(format(typeof message === 'string' ? message : inspect(message), ...args) + '\n');
  }

  logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }

  toSuccessJson(result: unknown): unknown {
    return result;
  }

  toErrorJson(err: unknown): unknown {
    return { error: err };
  }

  warn(input: string | Error): string | Error {
    if (!this.jsonEnabled()) Errors.warn(input);
    return input;
  }

  error(input: string | Error, options: { exit?: number | false } = {}): never {
    return Errors.error(input, options);
  }

  exit(code = 0): never {
    return Errors.exit(code);
  }

  async parse(options?: any, argv: string[] = this.argv): Promise<any> {
    const o = options ?? this.ctor;
    // Read each setting as a property (not `...o`): a command class inherits
    // its args/flags/strict from a parent class, and spreading a class copies
    // only its own statics.
    const opts = {
      context: this,
      args: o.args,
      strict: o.strict,
      '--': o['--'],
      flags: flagsOf(o),
    };
    this.argv = [...argv];
    const results = await parse(argv, opts);
    this.parsed = true;
    return results;
  }
}

/** The minimal config commands see on the fast path. */
export function liteConfig(): LiteConfig {
  const root = projectRoot();
  let version: string | undefined;
  // The version is read only if a command asks for it (start-up stays short).
  return {
    bin: 'bvirsh',
    name: 'bvirsh',
    root,
    get version(): string {
      version ??= (JSON.parse(require('node:fs').readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version;
      return version;
    },
  };
}

// Whatever else a command takes from '@oclif/core' (ux, Help, Config …) comes
// from the real package, loaded on first use. Probes that module loaders and
// `await` make ('then', 'default', symbols) must not load it.
const NOT_FORWARDED = new Set(['then', 'default', '__esModule']);
module.exports = new Proxy(module.exports as Record<string | symbol, unknown>, {
  get(target, prop) {
    if (prop in target || typeof prop !== 'string' || NOT_FORWARDED.has(prop)) return target[prop];
    return (realCore() as Record<string, unknown>)[prop];
  },
});
