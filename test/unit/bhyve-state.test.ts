/**
 * bhyve state files: domain-name rules (checked before any path is built) and
 * atomic writes (readers see the old or the new file, never a part; temp files
 * of a writer killed mid-way are recognised and removed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile, removeDeadTempFiles, validateDomainName } from '../../src/core/bhyve/state';
import { defaultSimRoot, realHost, simHost } from '../../src/core/bhyve/host';

describe('bhyve state files', () => {
  it('accepts names bhyve can use, up to 32 characters', () => {
    for (const n of ['web1', 'a', 'x'.repeat(32), 'db-01_prod.example', 'ünïcode']) assert.doesNotThrow(() => validateDomainName(n), n);
  });

  it('refuses names that could escape the state tree or break bhyve argv', () => {
    const cases: Array<[string, string]> = [
      ['', "invalid argument: domain name '' is empty"],
      ['x'.repeat(33), `invalid argument: domain name '${'x'.repeat(33)}' is longer than 32 characters (bhyve's limit)`],
      ['../x', "invalid argument: domain name '../x' must not contain '/'"],
      ['a/b', "invalid argument: domain name 'a/b' must not contain '/'"],
      ['.x', "invalid argument: domain name '.x' must not start with '.'"],
      ['a\nb', "invalid argument: domain name 'a\\x0ab' must not contain control characters"],
      ['a\x7f', "invalid argument: domain name 'a\\x7f' must not contain control characters"],
      ['a b', "invalid argument: domain name 'a b' must not contain white space or commas (bhyve argv)"],
      ['a,b', "invalid argument: domain name 'a,b' must not contain white space or commas (bhyve argv)"],
    ];
    for (const [n, msg] of cases) assert.throws(() => validateDomainName(n), (e: Error) => e.message === msg, JSON.stringify(n));
  });

  it('writes atomically and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-state-'));
    try {
      const f = join(dir, 'web1.xml');
      atomicWriteFile(f, 'old\n');
      atomicWriteFile(f, 'new\n');
      assert.equal(readFileSync(f, 'utf8'), 'new\n');
      assert.deepEqual(readdirSync(dir), ['web1.xml']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('removes temp files of dead writers only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-state-'));
    try {
      writeFileSync(join(dir, '.web1.xml.tmp.999999999.abcd'), 'partial');
      writeFileSync(join(dir, `.web2.xml.tmp.${process.pid}.abcd`), 'in progress');
      removeDeadTempFiles(dir);
      assert.deepEqual(readdirSync(dir), [`.web2.xml.tmp.${process.pid}.abcd`]);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('bhyve:///system refuses a non-root user with a clear error', () => {
    const real = process.getuid;
    process.getuid = () => 1000;
    try {
      assert.throws(() => realHost(), (e: Error & { detail?: string }) => e.message === 'failed to connect to the hypervisor'
        && e.detail === 'bhyve:///system needs root (bhyve(8) and /dev/vmm are root-only); run bvirsh as root, or use sim:///default');
    } finally { process.getuid = real; }
  });

  it('sim:///default lives under XDG_STATE_HOME (else ~/.local/state); sim:///DIR is rooted at DIR', () => {
    assert.equal(defaultSimRoot({ XDG_STATE_HOME: '/x/state' }), '/x/state/bvirsh/sim/default');
    assert.match(defaultSimRoot({}), /\/\.local\/state\/bvirsh\/sim\/default$/);
    const dir = mkdtempSync(join(tmpdir(), 'bvirsh-simroot-'));
    try {
      const h = simHost(dir);
      assert.equal(h.uri, `sim://${dir}`);
      assert.equal(h.domainsDir, join(dir, 'usr/local/etc/bvirsh/domains'));
      assert.equal(h.toolEnv.BVIRSH_SIM_ROOT, dir);
      assert.deepEqual(readdirSync(join(dir, 'dev/net')), ['bridge0']);
      assert.equal(h.bridgeExists('bridge0'), true);
      assert.equal(h.bridgeExists('bridge9'), false);
      assert.equal(h.bridgeExists('../../etc'), false);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
