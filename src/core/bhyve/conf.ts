/**
 * The driver's door to the domain XML layer (src/core/conf/*, bhyve/command.ts,
 * owned by the XML work): parse, canonical format, bhyve post-parse defaults,
 * and XML → loader/bhyve argv. Loaded on first use so the driver builds and
 * its connection opens even in a tree where a piece is missing; a missing
 * piece is a clear error at the call.
 */
import type { DomainDef } from '../conf/domain';
import { VirError } from '../errors';

export interface BhyvePlanOut {
  loader?: { argv: string[]; deviceMap?: string };
  bhyve: string[];
}

function load<T>(mod: string, fn: string): T {
  let m: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    m = require(mod) as Record<string, unknown>;
  } catch (e) {
    throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${fn} (${mod} is not built)`, { cause: e });
  }
  const f = m[fn];
  if (typeof f !== 'function') throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${fn}`);
  return f as T;
}

export function parseDomainXML(xml: string): DomainDef {
  return load<(x: string) => DomainDef>('../conf/xml-parse', 'parseDomainXML')(xml);
}

export function formatDomainXML(def: DomainDef, opts?: { inactive?: boolean }): string {
  return load<(d: DomainDef, o?: { inactive?: boolean }) => string>('../conf/xml-format', 'formatDomainXML')(def, opts);
}

/** PCI addresses, implicit controllers, MACs (assigned once: they are saved in the definition). */
export function applyBhyveDefaults(def: DomainDef): DomainDef {
  const f = load<(d: DomainDef) => DomainDef | void>('../conf/postparse', 'applyBhyveDefaults');
  return f(def) ?? def;
}

export function buildBhyveCommand(def: DomainDef, ctx: Record<string, unknown>): BhyvePlanOut {
  return load<(d: DomainDef, c: Record<string, unknown>) => BhyvePlanOut>('./command', 'buildBhyveCommand')(def, ctx);
}
