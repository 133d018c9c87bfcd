/**
 * parse: bhyve command lines (shell syntax) → DomainDef — the core of domxml-from-native.
 *
 *   parseBhyveArgv(text, opts?): DomainDef
 *   parseBhyveArgvWithWarnings(text, opts?): { def, warnings }
 *
 * Input: one bhyve(8) command and at most one boot-loader command (bhyveload, grub-bhyve or
 * any other program), in either order, in sh(1) syntax (quotes, backslash-newline, comments,
 * `;`/`&&` separators, `/usr/sbin/` or any other directory prefix). `bhyvectl` lines (typical
 * `bhyvectl --destroy` cleanup in scripts) are skipped with a warning; `timeout … bhyveload` and
 * `daemon -p PIDFILE … bhyve` wrappers are unwrapped with a warning.
 *
 * Options (all optional):
 *   macFor(slot, func, vmname)  MAC for a NIC without mac=. Default: the MAC bhyve itself
 *                               derives (OUI 00:a0:98 + MD5 of "slot-func-vmname"), so the guest
 *                               keeps its MAC after import.
 *   uuidFor(vmname)             UUID without -U. Default: a random UUID (bhyve derives its own
 *                               from the original host's name, which the command line lacks).
 *   warn(message)               called for every warning; parseBhyveArgvWithWarnings collects them.
 *
 * Errors: VirError (VIR_ERR_INVALID_ARG for text bhyve would refuse, VIR_ERR_CONFIG_UNSUPPORTED
 * for what bvirsh cannot represent). Nothing else is thrown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { VirError } from '../errors';
import type { DomainDef } from '../conf/domain';
import { splitShellCommands } from './shell-words';
import { parseBhyveLine, type BhyveParseContext } from './argv-bhyve';
import { applyLoaderLine, basename } from './argv-loader';
import { bsdGetopt } from './argv-getopt';

export interface ParseBhyveArgvOptions {
  macFor?: (slot: number, func: number, vmname: string) => string;
  uuidFor?: (vmname: string) => string;
  warn?: (message: string) => void;
}

/** bhyve's net_genmac: 00:a0:98 followed by the first three bytes of MD5("slot-func-name"). */
export function bhyveDefaultMac(slot: number, func: number, vmname: string): string {
  const d = createHash('md5').update(`${slot}-${func}-${vmname}`).digest();
  return ['00', 'a0', '98', ...[d[0], d[1], d[2]].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** daemon(8)'s options (FreeBSD 13-15), so `daemon -p /var/run/vm.pid bhyve …` can be unwrapped */
const DAEMON_OPTSTRING = 'cfHl:m:o:p:P:rR:s:St:T:u:';

function unwrapDaemon(words: string[]): string[] {
  const { operands } = bsdGetopt(words.slice(1), DAEMON_OPTSTRING, 'daemon');
  return operands;
}

/** `timeout [--foreground] [--verbose] [-k D|--kill-after=D] [-s SIG] DURATION cmd…` → cmd… */
function unwrapTimeout(words: string[]): string[] {
  let k = 1;
  while (k < words.length && words[k].startsWith('-')) {
    const w = words[k];
    k += (w === '-k' || w === '-s') ? 2 : 1;
  }
  return words.slice(k + 1); // skip DURATION
}

export function parseBhyveArgvWithWarnings(text: string, opts: ParseBhyveArgvOptions = {}): { def: DomainDef; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (m: string): void => { warnings.push(m); opts.warn?.(m); };
  const ctx: BhyveParseContext = {
    macFor: opts.macFor ?? bhyveDefaultMac,
    uuidFor: opts.uuidFor ?? (() => randomUUID()),
    warn,
  };
  let bhyve: string[] | undefined;
  let loader: string[] | undefined;
  for (let words of splitShellCommands(text)) {
    if (basename(words[0]) === 'timeout') {
      words = unwrapTimeout(words);
      if (words.length === 0) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: timeout without a command');
      warn(`'timeout' around ${basename(words[0])} dropped: the loader timeout is bvirsh configuration, not domain XML`);
    }
    if (basename(words[0]) === 'daemon') {
      words = unwrapDaemon(words);
      if (words.length === 0) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: daemon without a command');
      warn(`daemon(8) around ${basename(words[0])} dropped: bvirsh supervises bhyve itself`);
    }
    const tool = basename(words[0]);
    if (tool === 'bhyve') {
      if (bhyve) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: more than one bhyve command');
      bhyve = words;
    } else if (tool === 'bhyvectl') {
      warn(`skipped '${words.join(' ')}': bhyvectl does not describe the VM`);
    } else {
      if (loader) throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: more than one command besides bhyve ('${basename(loader[0])}' and '${tool}'); expected at most one boot loader`);
      loader = words;
    }
  }
  if (!bhyve) throw new VirError('VIR_ERR_INVALID_ARG', 'invalid argument: no bhyve command found');
  const def = parseBhyveLine(bhyve, ctx);
  if (loader) applyLoaderLine(def, loader, def.memory * 1024, warn);
  return { def, warnings };
}

export function parseBhyveArgv(text: string, opts: ParseBhyveArgvOptions = {}): DomainDef {
  return parseBhyveArgvWithWarnings(text, opts).def;
}
