/**
 * The commands through oclif in-process (no virsh needed): exact texts for
 * the layouts, virsh's usage errors, --json documents, conn-info, edit.
 * (Byte-identity with virsh itself is checked in test/differential.)
 */
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli';

const URI = 'test:///default';

describe('commands (in process)', function () {
  this.timeout(30000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'bvirsh-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('list prints virsh\'s table, ends with the empty line virsh adds', async () => {
    const r = await runInProcess(URI, ['list --all'], dir);
    assert.deepEqual(r, { stdout: ' Id   Name   State\n----------------------\n 1    test   running\n\n', stderr: '', status: 0 });
  });

  it('turns oclif\'s parse errors into virsh\'s words, without the trailing empty line', async () => {
    const cases: Array<[string, string]> = [
      ['dominfo', "error: command 'dominfo' requires <domain> option\n"],
      ['dominfo test --foo', "error: command 'dominfo' doesn't support option --foo\n"],
      ['dominfo test extra', "error: unexpected data 'extra'\n"],
      ['dominfo --domain', 'error: expected syntax: --domain <string>\n'],
      ['define', "error: command 'define' requires <file> option\n"],
    ];
    for (const [cmd, err] of cases) {
      assert.deepEqual(await runInProcess(URI, [cmd], dir), { stdout: '', stderr: err, status: 1 }, cmd);
    }
  });

  it('every command without positional arguments parses non-strictly (so `list extra` reaches virsh\'s check)', async () => {
    const { readdirSync } = await import('node:fs');
    const dirCmds = join(__dirname, '..', '..', 'src', 'commands');
    for (const f of readdirSync(dirCmds).filter((x) => x.endsWith('.js'))) {
      const cls = (await import(join(dirCmds, f))).default as { args?: object; strict: boolean };
      assert.equal(cls.strict, Object.keys(cls.args ?? {}).length > 0, f);
    }
  });

  it('reports unknown domains and unreadable files as virsh does, and changes nothing', async () => {
    writeFileSync(join(dir, 'bad.xml'), '<domain\n');
    const r = await runInProcess(URI, ['dominfo nosuch', 'define missing.xml', 'define bad.xml', 'list --all --name'], dir);
    assert.equal(r.stderr, "error: failed to get domain 'nosuch'\n" +
      "error: Failed to open file 'missing.xml': No such file or directory\n" +
      'error: Failed to define domain from bad.xml\n' +
      "error: (domain_definition):2: Couldn't find end of Start Tag domain line 1\n(null)\n^\n");
    assert.equal(r.stdout, '\n\n\ntest\n\n');
    assert.equal(r.status, 0); // the last command of the sequence succeeded
  });

  it('--json prints one document, also for errors', async () => {
    const ok = await runInProcess(URI, ['domstate test --reason --json'], dir);
    assert.deepEqual(JSON.parse(ok.stdout), { state: 'running', reason: 'unknown' });
    assert.equal(ok.status, 0);
    const list = await runInProcess(URI, ['list --all --json'], dir);
    assert.deepEqual(JSON.parse(list.stdout), { domains: [{ id: 1, name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', state: 'running' }] });
    const bad = await runInProcess(URI, ['destroy nosuch --json'], dir);
    assert.deepEqual(JSON.parse(bad.stdout), { error: { code: 'VIR_ERR_NO_DOMAIN', message: "failed to get domain 'nosuch'", detail: null } });
    assert.equal(bad.status, 1);
    const mem = await runInProcess(URI, ['memstat test --json'], dir);
    assert.equal(JSON.parse(mem.stdout).actual, 2097152);
  });

  it('conn-info lists the connection calls virsh has no command for', async () => {
    const { hostname } = await import('node:os');
    const r = await runInProcess(URI, ['conn-info'], dir);
    assert.equal(r.stdout, `URI:            test:///default\nType:           TEST\nHostname:       ${hostname()}\n` +
      'Alive:          yes\nSecure:         yes\nEncrypted:      no\nRead-only:      no\n\n');
    const ro = await runInProcess(URI, ['conn-info --json'], dir, { readonly: true });
    assert.equal(JSON.parse(ro.stdout).readonly, true);
  });

  describe('edit', () => {
    const withEditor = async (script: string, cmds: string[]): Promise<Awaited<ReturnType<typeof runInProcess>>> => {
      const ed = join(dir, 'editor.sh');
      writeFileSync(ed, `#!/bin/sh\n${script}\n`);
      chmodSync(ed, 0o755);
      const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
      delete process.env.VISUAL;
      process.env.EDITOR = ed;
      try {
        return await runInProcess(URI, cmds, dir);
      } finally {
        if (saved.VISUAL !== undefined) process.env.VISUAL = saved.VISUAL;
        if (saved.EDITOR !== undefined) process.env.EDITOR = saved.EDITOR; else delete process.env.EDITOR;
      }
    };

    it('defines what the editor saved', async () => {
      const r = await withEditor("sed -i \"s/<vcpu placement='static'>2</<vcpu placement='static'>4</\" \"$1\"",
        ['edit test', 'vcpucount test --maximum --config']);
      assert.equal(r.stdout, "Domain 'test' XML configuration edited.\n\n4\n\n");
      assert.equal(r.status, 0);
    });

    it('says so when nothing was changed', async () => {
      const r = await withEditor('true', ['edit test']);
      assert.equal(r.stdout, "Domain 'test' XML configuration not changed.\n\n");
    });

    it('without a terminal, a bad edit is an error and the domain stays as it was', async () => {
      const r = await withEditor("echo '<domain' > \"$1\"", ['edit test', 'dumpxml test --inactive']);
      assert.equal(r.stderr, "error: Failed to edit domain 'test': the edited XML was not saved\n" +
        "error: (domain_definition):2: Couldn't find end of Start Tag domain line 1\n(null)\n^\n");
      assert.match(r.stdout, /<vcpu placement='static'>2<\/vcpu>/);
    });
  });
});
