/**
 * What a test:/// domain command loads: its start-up is a speed goal (bench/),
 * and a static import in the wrong place silently drags a large part of the
 * core into every command (it happened: --validate's checks pulled in the bhyve
 * XML parser, networks pulled in four modules). Checked on the unbundled
 * modules in a fresh node, by what ends up in require.cache — not by timing.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('start-up: modules a test:/// domain command loads', () => {
  it('list and dominfo load no converter, network, validation, stats or bhyve driver code', () => {
    const probe = `
      require(${JSON.stringify(path.join(root, 'dist/src/cli/main.js'))})
        .main(['-c', 'test:///default', 'list --all; dominfo test'])
        .then(() => process.stderr.write(JSON.stringify(Object.keys(require.cache))));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const loaded = (JSON.parse(r.stderr) as string[]).map((f) => path.relative(path.join(root, 'dist/src'), f));
    assert.ok(loaded.includes(path.join('core', 'test', 'driver.js')), `the probe ran the command: ${r.stdout}`);
    const unwanted = loaded.filter((f) => /^core\/(conf|bhyve|network)\/|^core\/(domain-stats|display)\.js$|^core\/test\/(network|validate)\.js$/.test(f));
    assert.deepEqual(unwanted, []);
  });
});
