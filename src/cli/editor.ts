/**
 * Editing text in the user's editor ($VISUAL, else $EDITOR, else vi), the
 * way virsh edit does: a temporary file, the editor on the terminal, the
 * result read back. The temporary directory is removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVirError, VirError } from '../core/errors';

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

/**
 * virsh's edit loop (edit, net-edit): open `original` in the editor and hand the result to
 * `save` until it is accepted. Returns the saved object's name, or undefined when nothing
 * changed. A rejected edit is `failed` (context line) with the driver's message; on a
 * terminal the user is asked whether to edit again, without one nothing is saved.
 */
export async function editUntilSaved(original: string, fileName: string, save: (xml: string) => Promise<string>, failed: string): Promise<string | undefined> {
  let text = original;
  for (;;) {
    const edited = editText(text, fileName);
    if (edited === original) return undefined;
    try {
      return await save(edited);
    } catch (e) {
      if (!isVirError(e)) throw e;
      const error = new VirError(e.code, failed, { detail: e.message });
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw error;
      process.stderr.write(`error: ${e.message}\n`);
      const { confirm } = await import('@inquirer/prompts');
      if (!(await confirm({ message: 'Failed. Try again?', default: true }))) throw error;
      text = edited;
    }
  }
}
