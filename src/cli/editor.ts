/**
 * Editing text in the user's editor ($VISUAL, else $EDITOR, else vi), the
 * way virsh edit does: a temporary file, the editor on the terminal, the
 * result read back. The temporary directory is removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirError } from '../core/errors';

export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL || env.EDITOR || 'vi';
}

/** Open `text` in the editor; returns the edited text. */
export function editText(text: string, fileName: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bvirsh-edit-'));
  const file = join(dir, fileName);
  try {
    writeFileSync(file, text, { mode: 0o600 });
    const editor = editorCommand();
    // through sh, so EDITOR='emacs -nw' works as it does for virsh
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (r.error || r.status !== 0) {
      throw new VirError('VIR_ERR_OPERATION_FAILED', `${editor}: command failed${r.status !== null ? ` with exit status ${r.status}` : ''}`);
    }
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
