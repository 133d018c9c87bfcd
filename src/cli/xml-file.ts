/**
 * Reading the XML file named on the command line (define, create), with
 * virsh's errors when it cannot be read. virsh reads at most 10 MiB.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { VirError } from '../core/errors';

const MAX_XML_FILE = 10 * 1024 * 1024;

function why(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    default: return err.message;
  }
}

export function readXMLFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new VirError('VIR_ERR_SYSTEM_ERROR', `Failed to open file '${file}': ${why(e as NodeJS.ErrnoException)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new VirError('VIR_ERR_SYSTEM_ERROR', `Failed to read file '${file}': Is a directory`);
    if (st.size > MAX_XML_FILE) {
      throw new VirError('VIR_ERR_SYSTEM_ERROR', `Failed to read file '${file}': Value too large for defined data type`);
    }
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof VirError) throw e;
    throw new VirError('VIR_ERR_SYSTEM_ERROR', `Failed to read file '${file}': ${why(e as NodeJS.ErrnoException)}`);
  } finally {
    closeSync(fd);
  }
}
