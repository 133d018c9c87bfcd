/**
 * `edit` on a terminal: a bad edit asks "Failed. Try again?" (an inquirer
 * confirm); yes opens the editor again, no gives up with nothing changed.
 * Runs bin/run.js under script(1) for a real pseudo-terminal and answers the
 * prompt when it appears on the screen. Skipped when script(1) is missing.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../differential/harness';

const HAVE_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** Run `shellCmd` on a pty; type `answer` once `prompt` is on the screen. */
function onTerminal(shellCmd: string, env: NodeJS.ProcessEnv, prompt: string, answer: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('script', ['-qec', shellCmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let answered = false;
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      if (!answered && screen.includes(prompt)) {
        answered = true;
        p.stdin.write(answer);
      }
    });
    p.on('error', reject);
    p.on('close', () => resolve(screen));
  });
}

(HAVE_SCRIPT ? describe : describe.skip)('edit on a terminal', function () {
  this.timeout(30000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bvirsh-edit-tty-'));
    // breaks the XML (the second test swaps in an editor that also repairs it)
    writeFileSync(join(dir, 'editor.sh'), `#!/bin/sh
touch "${dir}/ran"; cp "$1" "${dir}/orig.xml"; echo '<domain' > "$1"
`);
    chmodSync(join(dir, 'editor.sh'), 0o755);
    env = { ...process.env, EDITOR: join(dir, 'editor.sh'), VISUAL: '', TERM: 'xterm' };
  });
  beforeEach(() => rmSync(join(dir, 'ran'), { force: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('asks again after a bad edit; "no" leaves the domain unchanged', async () => {
    const screen = await onTerminal(`node ${BIN} edit test -c test:///default; echo "rc=$?"`, env, 'Try again?', 'n\r');
    assert.match(screen, /error: \(domain_definition\):2: Couldn't find end of Start Tag domain line 1/);
    assert.match(screen, /error: Failed to edit domain 'test': the edited XML was not saved/);
    assert.match(screen, /rc=1/);
  });

  it('"yes" reopens the editor; the edit is then defined', async () => {
    // the re-edit starts from what the user wrote (as virsh does), so the second run rewrites it whole
    writeFileSync(join(dir, 'editor.sh'), `#!/bin/sh
if [ -f "${dir}/ran" ]; then sed "s/<vcpu placement='static'>2</<vcpu placement='static'>4</" "${dir}/orig.xml" > "$1"
else touch "${dir}/ran"; cp "$1" "${dir}/orig.xml"; echo '<domain' > "$1"; fi
`);
    const screen = await onTerminal(`node ${BIN} 'edit' test -c test:///default; echo "rc=$?"`, env, 'Try again?', 'y\r');
    assert.match(screen, /Domain 'test' XML configuration edited\./);
    assert.match(screen, /rc=0/);
  });
});
