/**
 * virConnectDomainXMLToNative / virConnectDomainXMLFromNative for bhyve.
 * Every driver's Connection.domainXMLToNative/FromNative delegates here.
 *
 *   domainXMLToNative(format, xml, opts?) -> text
 *     format must be 'bhyve-argv' (else VIR_ERR_INVALID_ARG). The XML is parsed,
 *     given the bhyve post-parse defaults, and converted; the output is what
 *     `virsh domxml-to-native bhyve-argv` prints on a libvirt bhyve host: the
 *     loader command (bhyveload / grub-bhyve / custom) on one line when the
 *     domain has no boot ROM, then the bhyve command on one line, arguments
 *     shell-quoted where needed, joined by '\n' with no trailing newline (as
 *     libvirt returns it; virsh ends the output with one). Conversion is a dry
 *     run: NICs get the tap names the domain names (<target dev>) or tapN,
 *     autoport VNC shows port 5900.
 *   domainXMLFromNative(format, config, opts?) -> XML   (argv parser, from-native.ts / parse.ts)
 *
 * Also exported: formatArgvLines(argv), libvirt's test-suite layout (one word
 * group per line joined by " \\\n"), used by the conformance tests and handy
 * for humans; shellQuote(arg).
 */
import { VirError } from '../errors';
import { parseDomainXML } from '../conf/xml-parse';
import { applyBhyveDefaults, BhyveDefaultsOptions } from '../conf/postparse';
import { buildBhyveCommand, BhyveCommandContext } from './command';
import { domainXMLFromNative as fromNative } from './from-native';
import type { ParseBhyveArgvOptions } from './parse';

export const BHYVE_ARGV_FORMAT = 'bhyve-argv';


/** Quote an argument for a POSIX shell (single quotes, like libvirt). */
export function shellQuote(arg: string): string {
  if (arg !== '' && isShellSafe(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** SHELL_SAFE[c] is 1 for the characters that need no quoting: [A-Za-z0-9_@%+=:,./-] */
const SHELL_SAFE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-') SHELL_SAFE[c.charCodeAt(0)] = 1;

/** an argument made only of shell-safe characters needs no quoting (a table lookup per character: runs for every argument) */
function isShellSafe(arg: string): boolean {
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c >= 128 || SHELL_SAFE[c] === 0) return false;
  }
  return true;
}

/**
 * libvirt's line layout for a command: a new line starts at every option
 * (argument beginning with '-') and after every positional argument; an
 * option's value stays on the option's line. A timeout(1) wrapper keeps its
 * "-k KILL TIME PROGRAM" together, as libvirt prints it.
 */
export function formatArgvLines(argv: readonly string[]): string {
  const lines: string[] = [];
  let cur = shellQuote(argv[0]);
  let prevOpt = false;
  let glue = 0;
  const isTimeout = /(^|\/)timeout$/.test(argv[0]);
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const opt = a.length > 1 && a[0] === '-';
    if (glue > 0) {
      cur += ' ' + shellQuote(a);
      glue--;
      prevOpt = false;
      if (glue === 0) prevOpt = true; // the wrapped program's first option starts a new line anyway
      continue;
    }
    if (opt || !prevOpt) { lines.push(cur); cur = shellQuote(a); } else cur += ' ' + shellQuote(a);
    if (isTimeout && a === '-k') glue = 3;
    prevOpt = opt;
  }
  lines.push(cur);
  return lines.join(' \\\n') + '\n';
}

/** One command on one line, shell-quoted. */
export function formatArgvShell(argv: readonly string[]): string {
  // one concatenation pass (no intermediate array of quoted words)
  let out = argv.length > 0 ? shellQuote(argv[0]) : '';
  for (let i = 1; i < argv.length; i++) out += ' ' + shellQuote(argv[i]);
  return out;
}

export interface ToNativeOptions {
  defaults?: BhyveDefaultsOptions;
  context?: BhyveCommandContext;
}

function checkFormat(format: string): void {
  if (format !== BHYVE_ARGV_FORMAT) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unsupported config type ${format}`);
  }
}

export function domainXMLToNative(format: string, xml: string, opts: ToNativeOptions = {}): string {
  checkFormat(format);
  const def = parseDomainXML(xml);
  // dry run: never touch the host (no firmware directory scan unless the caller provides one)
  applyBhyveDefaults(def, opts.defaults ?? {});
  const plan = buildBhyveCommand(def, opts.context ?? {});
  // like libvirt: lines joined by '\n', no trailing newline (virsh adds one when printing)
  const bhyve = formatArgvShell(plan.bhyve);
  return plan.loader ? `${formatArgvShell(plan.loader.argv)}\n${bhyve}` : bhyve;
}

/** argv -> XML: the argv parser's conversion (from-native.ts; opts: warn callback, MAC/UUID providers). */
export function domainXMLFromNative(format: string, config: string, opts: ParseBhyveArgvOptions = {}): string {
  checkFormat(format);
  return fromNative(format, config, opts);
}
