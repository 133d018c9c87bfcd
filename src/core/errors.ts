/**
 * VirError: the one error type the core throws. It carries a libvirt-like
 * error code (virErrorNumber names, see libvirt's include/libvirt/virterror.h)
 * and the exact message virsh would print after "error: ".
 *
 * virsh often prints two lines (e.g. "failed to get domain 'x'" followed by
 * the driver's own message); `message` is the first, `detail` the optional
 * second line, printed by the CLI as `error: <detail>` too.
 */
export type VirErrorCode =
  | 'VIR_ERR_INTERNAL_ERROR'
  | 'VIR_ERR_NO_SUPPORT'
  | 'VIR_ERR_INVALID_ARG'
  | 'VIR_ERR_NO_CONNECT'
  | 'VIR_ERR_OPERATION_FAILED'
  | 'VIR_ERR_OPERATION_INVALID'
  | 'VIR_ERR_OPERATION_DENIED'
  | 'VIR_ERR_OPERATION_TIMEOUT'
  | 'VIR_ERR_NO_DOMAIN'
  | 'VIR_ERR_DOM_EXIST'
  | 'VIR_ERR_XML_ERROR'
  | 'VIR_ERR_XML_DETAIL'
  | 'VIR_ERR_XML_INVALID_SCHEMA'
  | 'VIR_ERR_CONFIG_UNSUPPORTED'
  | 'VIR_ERR_SYSTEM_ERROR'
  | 'VIR_ERR_ARGUMENT_UNSUPPORTED'
  | 'VIR_ERR_RESOURCE_BUSY'
  | 'VIR_ERR_NO_NAME'
  | 'VIR_ERR_PARSE_FAILED'
  | 'VIR_ERR_AGENT_UNRESPONSIVE'
  | 'VIR_ERR_NO_NETWORK'
  | 'VIR_ERR_OVERFLOW';

export class VirError extends Error {
  readonly code: VirErrorCode;
  readonly detail?: string;
  /** errno when the failure came from a system call (native addon, fs). */
  readonly errno?: number;
  /** a diagnostic printed as is before the error lines (libxml2's "I/O warning : ...") */
  readonly warning?: string;

  constructor(code: VirErrorCode, message: string, opts: { detail?: string; errno?: number; cause?: unknown; warning?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VirError';
    this.code = code;
    this.detail = opts.detail;
    this.errno = opts.errno;
    this.warning = opts.warning;
  }
}

export function isVirError(e: unknown): e is VirError {
  return e instanceof VirError;
}

/** The read-only refusal every mutating call gives on a `-r` connection, e.g.
 *  readOnlyError('virDomainDestroy'). */
export function readOnlyError(apiName: string): VirError {
  return new VirError('VIR_ERR_OPERATION_DENIED', `operation forbidden: read only access prevents ${apiName}`);
}

/** virDomainGetXMLDesc with VIR_DOMAIN_XML_SECURE on a `-r` connection (libvirt refuses it in its API layer). */
export function secureReadOnlyError(): VirError {
  return new VirError('VIR_ERR_OPERATION_DENIED', 'operation forbidden: virDomainGetXMLDesc with secure flag');
}

/** A disk path or target the domain does not have (virDomainGetBlockInfo and friends). */
export function diskNotAssigned(disk: string): VirError {
  return new VirError('VIR_ERR_INVALID_ARG', `invalid argument: invalid path ${disk} not assigned to domain`);
}

/** libvirt's message prefix for a document its schema rejects (VIR_ERR_XML_INVALID_SCHEMA). */
export const SCHEMA_ERROR_PREFIX = 'XML document failed to validate against schema: Unable to validate doc against';
