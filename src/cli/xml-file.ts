/**
 * Reading the XML file named on the command line (define, create), with
 * virsh's error when it cannot be read.
 */
import { readFileSync } from 'node:fs';
import { VirError } from '../core/errors';

export function readXMLFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'No such file or directory'
      : err.code === 'EACCES' ? 'Permission denied'
        : err.code === 'EISDIR' ? 'Is a directory' : err.message;
    throw new VirError('VIR_ERR_SYSTEM_ERROR', `Failed to open file '${file}': ${why}`);
  }
}
