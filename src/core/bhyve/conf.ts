/**
 * The driver's door to the domain XML layer (src/core/conf/*, bhyve/command.ts):
 * parse, canonical format, bhyve post-parse defaults (UUID, MACs, addresses —
 * assigned once: the driver saves them in the definition), XML → argv.
 */
import type { DomainDef } from '../conf/domain';
import { parseDomainXML } from '../conf/xml-parse';
import { formatDomainXML } from '../conf/xml-format';
import { applyBhyveDefaults as applyDefaults } from '../conf/postparse';
import { buildBhyveCommand, type BhyvePlan } from './command';

export { parseDomainXML, formatDomainXML, buildBhyveCommand };
export type BhyvePlanOut = BhyvePlan;

export function applyBhyveDefaults(def: DomainDef): DomainDef {
  return applyDefaults(def);
}
