/**
 * The start-up fast path (bin/run.js, bin/dev.js): make `require('@oclif/core')`
 * from bvirsh's own files load src/cli/oclif-lite instead of the real package
 * (which costs ~100 ms to load). Requests from anywhere else (oclif plugins,
 * oclif-lite itself when it needs the real parser) are left alone.
 */
import Module from 'node:module';
import * as path from 'node:path';

type Resolve = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

let installed = false;

/** Redirect '@oclif/core' for modules under `ownDir` (dist/src or src). */
export function installFastRequire(ownDir: string = path.resolve(__dirname, '..')): void {
  if (installed) return;
  installed = true;
  const M = Module as unknown as { _resolveFilename: Resolve };
  const original = M._resolveFilename;
  const lite = require.resolve('./oclif-lite');
  const prefix = ownDir + path.sep;
  M._resolveFilename = function resolveLite(this: unknown, request, parent, ...rest) {
    if (request === '@oclif/core' && parent?.filename && parent.filename.startsWith(prefix) && parent.filename !== lite) {
      return lite;
    }
    return original.call(this, request, parent, ...rest);
  };
}
