/**
 * The start-up bundle (scripts/bundle.js): dist/bvirsh.js, its V8 code cache
 * and the command index built into it. A rejected cache or a stale index
 * would not break any command — only make every start slower or miss a
 * command — so they are checked here.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'dist', 'bvirsh.js');

describe('start-up bundle', function () {
  before(function () {
    if (!existsSync(bundle)) this.skip(); // built without esbuild: bin/run.js loads dist/src
  });

  it('V8 accepts the code cache in a fresh node, compiled as bin/run.js compiles it', () => {
    // a fresh process: the cache depends on V8's flags, and mocha's own are not bin/run.js's
    const probe = `
      const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module');
      const b = ${JSON.stringify(bundle)};
      const s = new vm.Script(Module.wrap(fs.readFileSync(b, 'latin1')), { filename: b, cachedData: fs.readFileSync(b + '.cache') });
      process.stdout.write(String(s.cachedDataRejected));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'false');
  });

  it('the built-in command index names the manifest\'s commands, files and aliases', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, { id: string; relativePath?: string[]; aliases?: string[]; hidden?: boolean; pluginType?: string }>;
    };
    const m = /globalThis\.__bvirshIndex = \{ root: .*?, commands: (\{.*\}) \};\n/.exec(readFileSync(bundle, 'latin1'));
    assert.ok(m, 'the bundle sets globalThis.__bvirshIndex');
    const index = JSON.parse(m[1]) as Record<string, unknown>;
    const expected = Object.fromEntries(Object.values(manifest.commands)
      .filter((c) => c.pluginType === 'core' && c.relativePath)
      .map((c) => [c.id, { id: c.id, relativePath: c.relativePath, aliases: c.aliases ?? [], hidden: !!c.hidden }]));
    assert.deepEqual(index, expected);
    assert.ok(Object.keys(index).length >= 40);
  });
});
