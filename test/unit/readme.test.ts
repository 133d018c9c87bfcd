/**
 * README.md's command table is generated from the command metadata
 * (`npm run man`); this fails when it is out of date or a command does not
 * say which libvirt call it implements.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withReadmeTable } from '../../src/cli/man';
import { libvirtCalls } from '../../src/cli/libvirt-calls';
import { visibleCommands } from '../../src/cli/manifest';

const root = path.resolve(__dirname, '../../..');

describe('README', () => {
  it('has the current command table', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    assert.ok(withReadmeTable(readme) === readme, 'README.md command table is stale: run `npm run man` and commit it');
  });

  it('names a libvirt call for every command', () => {
    const without = visibleCommands().filter((c) => c.pluginType === 'core' && libvirtCalls(c).length === 0).map((c) => c.id);
    assert.deepEqual(without, []);
  });

  it('keeps the two set-up commands of .ci/run', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    assert.match(readme, /\nnpm install {5}# /);
    assert.match(readme, /\nnpm test {8}# /);
    assert.match(ci, /\nnpm test\n/);
  });
});
