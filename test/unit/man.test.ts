/**
 * man/bvirsh.1 is generated from the command metadata and committed: this
 * fails when it is stale (run `npm run man` and commit the result).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('man page', () => {
  it('man/bvirsh.1 is what `npm run man` generates now', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-man-'));
    try {
      const fresh = path.join(tmp, 'bvirsh.1');
      execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-man.js'), '--out', fresh], { stdio: 'pipe' });
      const committed = fs.readFileSync(path.join(root, 'man', 'bvirsh.1'), 'utf8');
      assert.ok(committed === fs.readFileSync(fresh, 'utf8'), 'man/bvirsh.1 is stale: run `npm run man` and commit it');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('documents every command the CLI has', () => {
    const page = fs.readFileSync(path.join(root, 'man', 'bvirsh.1'), 'utf8');
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { hidden?: boolean }> };
    const ids = Object.entries(manifest.commands).filter(([, c]) => !c.hidden).map(([id]) => id);
    assert.ok(ids.length > 0);
    const missing = ids.filter((id) => !page.includes(`\n.B ${id.replace(/-/g, '\\-')}`));
    assert.deepEqual(missing, []);
  });
});
