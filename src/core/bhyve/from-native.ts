/**
 * from-native: virConnectDomainXMLFromNative for bhyve — bhyve (+ loader) command lines in,
 * domain XML out. Pure conversion (no host access), so every connection can offer it.
 *
 *   domainXMLFromNative(format, config, opts?): string
 *     format must be 'bhyve-argv' (else VIR_ERR_INVALID_ARG, as libvirt);
 *     opts are parseBhyveArgv's (warn callback, MAC/UUID providers for tests).
 *
 * The XML is the parsed definition as formatDomainXML prints it, without bhyve's post-parse
 * defaults (addresses, controllers, MACs are filled in by `define`), as libvirt does.
 * native.ts (virConnectDomainXMLToNative's home) delegates here.
 */
import { VirError } from '../errors';
import { formatDomainXML } from '../conf/xml-format';
import { parseBhyveArgv, type ParseBhyveArgvOptions } from './parse';

export const BHYVE_ARGV_FORMAT = 'bhyve-argv';

export function domainXMLFromNative(format: string, config: string, opts: ParseBhyveArgvOptions = {}): string {
  if (format !== BHYVE_ARGV_FORMAT) {
    throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: unsupported config type ${format}`);
  }
  return formatDomainXML(parseBhyveArgv(config, opts));
}
