/**
 * argv-getopt: option scanning as the FreeBSD tools do it, so a command line means here
 * what it means to the tool.
 *
 *   bsdGetopt(args, optstring, tool) — getopt(3): clustered flags (`-ADHP`), an option's
 *     value attached (`-c4`) or in the next word, `--` ends the options, the first operand
 *     ends them too (no permutation). Used for bhyve(8) and bhyveload(8).
 *   gnuGetoptLong(args, spec, tool) — argp/getopt_long as grub-bhyve uses it: long names
 *     (`--memory 214`, `--memory=214`), short clusters, operands anywhere (permutation).
 *
 * Both return { opts: [{ flag, value }], operands } in command-line order, and throw a
 * VirError naming the tool and the option on an unknown option or a missing value.
 */
import { VirError } from '../errors';

export interface ParsedOpt {
  /** the short option letter (long options are mapped to their letter) */
  flag: string;
  value?: string;
}

export interface GetoptResult {
  opts: ParsedOpt[];
  operands: string[];
}

function badOption(tool: string, what: string): VirError {
  return new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${tool}: ${what}`);
}

/** getopt(3) with an optstring such as 'aehuwxACDHIPSWYk:f:o:p:G:c:s:m:l:K:U:'. */
export function bsdGetopt(args: readonly string[], optstring: string, tool: string): GetoptResult {
  const opts: ParsedOpt[] = [];
  let k = 0;
  while (k < args.length) {
    const a = args[k];
    if (a === '--') { k++; break; }
    if (a.length < 2 || a[0] !== '-') break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      const at = f === ':' ? -1 : optstring.indexOf(f);
      if (at < 0) throw badOption(tool, `unknown option -${f}`);
      if (optstring[at + 1] === ':') {
        let value: string;
        if (j + 1 < a.length) value = a.slice(j + 1);
        else if (k + 1 < args.length) value = args[++k];
        else throw badOption(tool, `option -${f} requires an argument`);
        opts.push({ flag: f, value });
        break;
      }
      opts.push({ flag: f });
    }
    k++;
  }
  return { opts, operands: args.slice(k) };
}

export interface LongOptSpec {
  short: string;
  long: string;
  /** 'none' | 'required' | 'optional' (optional values only attach: --hold=5, -H5) */
  arg: 'none' | 'required' | 'optional';
}

/** getopt_long/argp with permutation (GNU semantics). */
export function gnuGetoptLong(args: readonly string[], spec: readonly LongOptSpec[], tool: string): GetoptResult {
  const opts: ParsedOpt[] = [];
  const operands: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '--') { operands.push(...args.slice(k + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      // argp accepts unambiguous prefixes of long names
      const exact = spec.find((s) => s.long === name);
      const prefixed = exact ? [exact] : spec.filter((s) => s.long.startsWith(name));
      if (name.length === 0 || prefixed.length !== 1) {
        throw badOption(tool, prefixed.length > 1 ? `option --${name} is ambiguous` : `unknown option --${name}`);
      }
      const s = prefixed[0];
      if (s.arg === 'none') {
        if (eq >= 0) throw badOption(tool, `option --${s.long} takes no argument`);
        opts.push({ flag: s.short });
      } else if (eq >= 0) {
        opts.push({ flag: s.short, value: a.slice(eq + 1) });
      } else if (s.arg === 'required') {
        if (k + 1 >= args.length) throw badOption(tool, `option --${s.long} requires an argument`);
        opts.push({ flag: s.short, value: args[++k] });
      } else {
        opts.push({ flag: s.short });
      }
      continue;
    }
    if (a.length >= 2 && a[0] === '-') {
      for (let j = 1; j < a.length; j++) {
        const s = spec.find((x) => x.short === a[j]);
        if (!s) throw badOption(tool, `unknown option -${a[j]}`);
        if (s.arg === 'none') { opts.push({ flag: s.short }); continue; }
        if (j + 1 < a.length) { opts.push({ flag: s.short, value: a.slice(j + 1) }); break; }
        if (s.arg === 'optional') { opts.push({ flag: s.short }); break; }
        if (k + 1 >= args.length) throw badOption(tool, `option -${s.short} requires an argument`);
        opts.push({ flag: s.short, value: args[++k] });
        break;
      }
      continue;
    }
    operands.push(a);
  }
  return { opts, operands };
}
