/**
 * The start-up fast path stays fast: running a command loads neither
 * @oclif/core (bin/run.js gives commands src/cli/oclif-lite instead) nor an
 * oclif plugin, nor the table/prompt libraries unless the command needs
 * them; plugin commands (autocomplete) still work, through the real oclif.
 * (Speed itself is measured by `npm run bench`, not here.)
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin', 'run.js');
const preload = path.join(root, 'test', 'fixtures', 'print-loaded-modules.js');

function loadedModules(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['-r', preload, bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  return String(r.output[3]).split('\n').filter((l) => l !== '');
}

describe('start-up fast path', () => {
  for (const cmd of [['list', '--all'], ['dominfo', 'test'], ['domstate', 'test', '--reason'], ['nodeinfo'], ['list; dominfo test']]) {
    it(`${cmd.join(' ')} loads no oclif, no plugin, no prompt or table library`, () => {
      const heavy = loadedModules(['-c', 'test:///default', ...cmd])
        .filter((m) => /^(@oclif\/|@inquirer\/|cli-table3\/|ansis\/|ejs\/)/.test(m));
      assert.deepEqual(heavy, []);
    });
  }

  it('loads the CLI, the command and the core from the one bundle file', () => {
    const own = loadedModules(['-c', 'test:///default', 'list', '--all']).filter((m) => !m.includes('/') || m.startsWith('dist/') || m.startsWith('bin/'));
    assert.deepEqual(own.filter((m) => m.startsWith('dist/')), ['dist/bvirsh.js']);
  });

  it('--help on a command needs no oclif either', () => {
    assert.deepEqual(loadedModules(['list', '--help']).filter((m) => m.startsWith('@oclif/')), []);
  });

  it('autocomplete runs through the real oclif and its plugin', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-ac-'));
    try {
      const env = { ...process.env, HOME: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache') };
      const setup = spawnSync(process.execPath, [bin, 'autocomplete', 'script', 'bash'], { encoding: 'utf8', env });
      assert.equal(setup.status, 0, setup.stderr);
      const setupPath = path.join(tmp, 'cache', 'bvirsh', 'autocomplete', 'bash_setup');
      assert.equal(setup.stdout, `\nBVIRSH_AC_BASH_SETUP_PATH=${setupPath} && test -f $BVIRSH_AC_BASH_SETUP_PATH && source $BVIRSH_AC_BASH_SETUP_PATH; # bvirsh autocomplete setup\n\n`);
      const build = spawnSync(process.execPath, [bin, 'autocomplete', 'bash'], { encoding: 'utf8', env });
      assert.equal(build.status, 0, build.stderr);
      const fn = fs.readFileSync(path.join(tmp, 'cache', 'bvirsh', 'autocomplete', 'functions', 'bash', 'bvirsh.bash'), 'utf8');
      assert.match(fn, /\ndominfo --json --connect --readonly --quiet --domain\n/);
      assert.match(fn, /\nlist --json --connect --readonly --quiet --inactive --all /);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
