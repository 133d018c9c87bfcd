/**
 * argv-values: the value grammars of bhyve(8) options, as bhyve itself reads them.
 *
 *   parseMemSize(text)      -m / bhyveload -m: vm_parse_memsize rules → bytes (bigint-safe number)
 *   parseTopology(text)     -c N | cpus=,sockets=,cores=,threads= with bhyve's consistency rule
 *   parsePciSlot(text)      slot | slot:func | bus:slot:func
 *   isValidMac / normalizeMac, isValidUUID
 *   splitConf(text)         comma list of options (bhyve splits -s conf on every comma)
 *
 * Every function throws VirError('VIR_ERR_INVALID_ARG', …) naming the offending text.
 */
import { VirError } from '../errors';

const MiB = 1024 * 1024;
const UNIT: Record<string, number> = { k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB, p: 1024 ** 5, e: 1024 ** 6 };

function invalid(msg: string): VirError {
  return new VirError('VIR_ERR_INVALID_ARG', `invalid argument: ${msg}`);
}

/** strtoul(…, 0) over the whole string: decimal, 0x hex, leading-0 octal; undefined if not a number. */
export function parseCInteger(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) v = parseInt(text, 8);
  else if (/^[1-9][0-9]*$/.test(text)) v = Number(text);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Guest memory as bhyve reads `-m`: a plain number below 1 MiB is MiB, a plain number at or
 * above it is bytes; otherwise expand_number(3) syntax with a K/M/G/T/P/E suffix (either case).
 * Returns bytes. `what` names the option in the error ("-m", "bhyveload -m").
 */
export function parseMemSize(text: string, what = '-m'): number {
  let bytes: number | undefined;
  const plain = parseCInteger(text);
  if (plain !== undefined) {
    bytes = plain < MiB ? plain * MiB : plain;
  } else {
    const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtTpPeE])[bB]?$/.exec(text);
    if (m) {
      const num = parseCInteger(m[1]) ?? (/^[0-9]+$/.test(m[1]) ? Number(m[1]) : undefined);
      if (num !== undefined) bytes = num * UNIT[m[2].toLowerCase()];
    }
  }
  if (bytes === undefined || !Number.isSafeInteger(bytes)) {
    throw invalid(`cannot parse memory size '${text}' given to ${what}`);
  }
  if (bytes === 0) throw invalid(`memory size given to ${what} must not be zero`);
  if (bytes % 1024 !== 0) throw invalid(`memory size '${text}' given to ${what} is not a whole number of KiB`);
  return bytes;
}

export interface Topology {
  cpus: number;
  /** present when the option named any of sockets/cores/threads */
  sockets?: number;
  cores?: number;
  threads?: number;
}

/** `-c`: a bare count, or cpus=,sockets=,cores=,threads= (last key wins), bhyve's rules. */
export function parseTopology(text: string): Topology {
  if (text === '') return { cpus: 1 };
  const num = (v: string, key: string): number => {
    const n = parseCInteger(v);
    if (n === undefined || n < 1 || n > 65535) throw invalid(`invalid ${key} '${v}' in -c ${text} (1..65535)`);
    return n;
  };
  if (!text.includes('=')) return { cpus: num(text, 'vCPU count') };
  const keys: Record<string, number> = {};
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (eq < 0 || !['cpus', 'sockets', 'cores', 'threads'].includes(key)) {
      throw invalid(`invalid item '${item}' in -c ${text} (expected cpus=, sockets=, cores=, threads=)`);
    }
    keys[key] = num(item.slice(eq + 1), key);
  }
  const named = keys.sockets !== undefined || keys.cores !== undefined || keys.threads !== undefined;
  if (!named) return { cpus: keys.cpus ?? 1 };
  const sockets = keys.sockets ?? 1;
  const cores = keys.cores ?? 1;
  const threads = keys.threads ?? 1;
  const product = sockets * cores * threads;
  if (keys.cpus !== undefined && keys.cpus !== product) {
    throw invalid(`-c ${text}: topology (${sockets} sockets × ${cores} cores × ${threads} threads = ${product}) does not match cpus=${keys.cpus}`);
  }
  if (product > 65535) throw invalid(`-c ${text}: too many vCPUs (${product})`);
  return { cpus: product, sockets, cores, threads };
}

export interface PciSlot { bus: number; slot: number; func: number }

/** `-s` slot part: slot, slot:func or bus:slot:func (bus 0-255, slot 0-31, func 0-7). */
export function parsePciSlot(text: string): PciSlot {
  const parts = text.split(':');
  const nums = parts.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : NaN));
  let bus = 0, slot: number, func = 0;
  if (nums.length === 1) [slot] = nums;
  else if (nums.length === 2) [slot, func] = nums;
  else if (nums.length === 3) [bus, slot, func] = nums;
  else throw invalid(`invalid PCI slot '${text}' (expected slot, slot:function or bus:slot:function)`);
  if (!(bus >= 0 && bus <= 255) || !(slot >= 0 && slot <= 31) || !(func >= 0 && func <= 7)) {
    throw invalid(`invalid PCI slot '${text}' (bus 0-255, slot 0-31, function 0-7)`);
  }
  return { bus, slot, func };
}

export function isValidMac(text: string): boolean {
  return /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text);
}

/** lower-case, two digits per octet */
export function normalizeMac(text: string): string {
  return text.split(':').map((o) => o.toLowerCase().padStart(2, '0')).join(':');
}

export function isValidUUID(text: string): boolean {
  return /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(text);
}

/** canonical 8-4-4-4-12 lower-case form */
export function normalizeUUID(text: string): string {
  const h = text.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** key=value → [key, value]; a bare word → [word, undefined] */
export function splitKV(item: string): [string, string | undefined] {
  const eq = item.indexOf('=');
  return eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
}

/** 0x-hex for formatted addresses */
export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}
