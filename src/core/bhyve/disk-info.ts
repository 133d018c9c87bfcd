/**
 * Sizes of a guest's disk backing on the host (virDomainGetBlockInfo, the
 * block group of domstats): a regular file (raw image) is as large as its
 * size and takes its allocated blocks; a device (a zvol, a disk) on a real
 * host is measured with diskinfo(8) (untested: no FreeBSD here).
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import type { BlockInfo } from '../api';
import { VirError } from '../errors';
import type { BhyveHost } from './host';

export function diskSizes(host: BhyveHost, path: string): BlockInfo {
  let st;
  try {
    st = statSync(path, { bigint: true });
  } catch (e) {
    throw new VirError('VIR_ERR_SYSTEM_ERROR', `cannot stat file '${path}': ${describe(e)}`);
  }
  if (st.isFile()) return { capacity: st.size, allocation: st.blocks * 512n, physical: st.size };
  if (host.kind === 'real' && (st.isCharacterDevice() || st.isBlockDevice())) {
    // diskinfo DEV: "DEV sectorsize mediasize-in-bytes mediasize-in-sectors ..."
    const r = spawnSync('/usr/sbin/diskinfo', [path], { encoding: 'utf8' });
    const bytes = (r.stdout ?? '').trim().split(/\s+/)[2];
    if (r.status === 0 && bytes && /^\d+$/.test(bytes)) {
      const size = BigInt(bytes);
      return { capacity: size, allocation: size, physical: size };
    }
    throw new VirError('VIR_ERR_INTERNAL_ERROR', `internal error: cannot read the size of '${path}': ${(r.stderr ?? '').trim() || 'diskinfo failed'}`);
  }
  throw new VirError('VIR_ERR_INVALID_ARG', `invalid argument: '${path}' is neither a disk image file nor a disk device`);
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  return (e as Error).message;
}
