/**
 * Differential test harness: runs the same command lines through the real
 * virsh (Debian libvirt-clients 9.0) and through bvirsh, on test:///default
 * and on a generated node XML, so their stdout, stderr and exit status can be
 * compared. Only values virsh derives from the clock are masked (CPU time).
 *
 * - runVirsh(): `virsh -c URI 'cmd1; cmd2'` (virsh's own sequence syntax)
 * - runBin():   `node bin/run.js ARGS -c URI` — the real entry point, one process per case
 * - runInProcess(): a sequence of commands in ONE process through oclif, so the
 *   session's connection (and the test driver's state) carries over from one
 *   command to the next exactly as in `virsh 'a; b'`.
 * - same() compares two results; sameSession() runs a `;` sequence through both.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import { ROOT, runInProcess, type Result } from '../helpers/cli';

export { ROOT, runInProcess, words, type Result } from '../helpers/cli';

export const BIN = join(ROOT, 'bin', 'run.js');


export function virshAvailable(): boolean {
  const r = spawnSync('virsh', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /^9\./.test(r.stdout.trim());
}

const CLEAN_ENV = { ...process.env, LC_ALL: 'C', LANG: 'C', LIBVIRT_DEFAULT_URI: '', BVIRSH_DEFAULT_URI: '', VIRSH_DEFAULT_CONNECT_URI: '' };

function run(cmd: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd, env: CLEAN_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', rej);
    p.on('close', (code) => res({ stdout, stderr, status: code ?? -1 }));
  });
}

export function runVirsh(uri: string, line: string, cwd: string): Promise<Result> {
  return run('virsh', ['-c', uri, line], cwd);
}

export function runBin(uri: string, argv: string[], cwd: string): Promise<Result> {
  return run(process.execPath, [BIN, ...argv, '-c', uri], cwd);
}

/** Run `fn` over `items` with at most `limit` running at once (2-core machine). */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Values the test driver takes from the clock: dominfo's and vcpuinfo's CPU time. */
export function maskClock(s: string): string {
  return s.replace(/^(CPU time:\s+)\d+\.\d+s$/gm, '$1<clock>s');
}

/**
 * A node XML with domains in every state the test driver can load: running
 * (with disks, a cdrom, NICs, a balloon), paused, shut off, transient, one
 * pulled in by file= reference, and st0…st7 in the other virDomainState values. Every domain has a fixed UUID and MAC so
 * nothing random differs between virsh and bvirsh.
 */
export function makeNodeDir(): { dir: string; nodeFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bvirsh-diff-'));
  // the domain XML fixtures (committed) next to the generated files
  const fixtures = join(ROOT, 'test', 'differential', 'fixtures');
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(dir, f));
  const ns = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'";
  writeFileSync(join(dir, 'ext1.xml'), `<domain type='test'>
  <name>ext1</name>
  <uuid>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
`);
  writeFileSync(join(dir, 'node.xml'), `<node>
  <cpu>
    <mhz>2500</mhz>
    <model>x86_64</model>
    <nodes>1</nodes>
    <sockets>1</sockets>
    <cores>4</cores>
    <threads>2</threads>
    <active>6</active>
  </cpu>
  <memory>16777216</memory>
  <domain type='test' ${ns}>
    <name>web1</name>
    <uuid>11111111-2222-3333-4444-555555555555</uuid>
    <title>web server</title>
    <memory unit='GiB'>1</memory>
    <currentMemory unit='MiB'>768</currentMemory>
    <vcpu current='2'>4</vcpu>
    <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
    <features><acpi/><apic/></features>
    <on_poweroff>destroy</on_poweroff>
    <on_reboot>restart</on_reboot>
    <devices>
      <disk type='file' device='disk'><driver name='file' type='raw'/><source file='/vm/web1.img'/><target dev='vda' bus='virtio'/></disk>
      <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>
      <disk type='block' device='disk'><source dev='/dev/zvol/tank/web1-data'/><target dev='sda' bus='sata'/></disk>
      <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='bridge0'/><model type='virtio'/></interface>
      <interface type='network'><mac address='52:54:00:00:00:02'/><source network='default'/><target dev='vnet7'/></interface>
      <memballoon model='virtio'/>
    </devices>
  </domain>
  <domain type='test' ${ns}>
    <name>db1</name>
    <uuid>22222222-2222-3333-4444-555555555555</uuid>
    <memory>2097152</memory>
    <currentMemory>1048576</currentMemory>
    <vcpu>2</vcpu>
    <os><type>hvm</type></os>
    <devices><memballoon model='virtio'/></devices>
    <test:runstate>3</test:runstate>
  </domain>
  <domain type='test' ${ns}>
    <name>off1</name>
    <uuid>33333333-2222-3333-4444-555555555555</uuid>
    <memory>524288</memory>
    <vcpu>1</vcpu>
    <os><type>hvm</type></os>
    <on_poweroff>destroy</on_poweroff>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test' ${ns}>
    <name>tr1</name>
    <uuid>44444444-2222-3333-4444-555555555555</uuid>
    <memory>524288</memory>
    <vcpu>1</vcpu>
    <os><type>hvm</type></os>
    <on_reboot>destroy</on_reboot>
    <test:transient/>
  </domain>
  <domain file='ext1.xml'/>
${[0, 2, 4, 6, 7].map((n) => `  <domain type='test' ${ns}><name>st${n}</name><uuid>0000000${n}-0000-0000-0000-000000000000</uuid>` +
    `<memory>1024</memory><os><type>hvm</type></os><test:runstate>${n}</test:runstate></domain>\n`).join('')}  <domain type='test' ${ns}><name>ms1</name><uuid>00000000-0000-0000-0000-0000000000aa</uuid><memory>1024</memory><os><type>hvm</type></os><test:runstate>5</test:runstate><test:hasmanagedsave/></domain>
  <domain type='test' ${ns}><name>ms2</name><uuid>00000000-0000-0000-0000-0000000000ab</uuid><memory>1024</memory><os><type>hvm</type></os><test:runstate>5</test:runstate><test:hasmanagedsave/></domain>
</node>
`);
  writeFileSync(join(dir, 'new.xml'), `<domain type='test'>
  <name>new1</name>
  <uuid>55555555-2222-3333-4444-555555555555</uuid>
  <memory>65536</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <interface type='network'><mac address='52:54:00:00:00:09'/><source network='default'/></interface>
    <memballoon model='virtio'/>
  </devices>
</domain>
`);
  writeFileSync(join(dir, 'bad.xml'), "<domain type='test'>\n  <name>bad</name>\n");
  writeFileSync(join(dir, 'empty.xml'), '');
  writeFileSync(join(dir, 'extra.xml'), "<domain type='test'><name>a</name></domain><b/>");
  writeFileSync(join(dir, 'entity.xml'), "<domain type='test'>\n  <name>a&bogus;</name>\n</domain>\n");
  writeFileSync(join(dir, 'dupattr.xml'), "<domain type='test' x='1' x='2'><name>a</name></domain>\n");
  mkdirSync(join(dir, 'adir'));
  // over virsh's 10 MiB limit for an XML file
  writeFileSync(join(dir, 'huge.xml'), Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
  writeFileSync(join(dir, 'mismatch.xml'), "<domain type='test'><name>a</name></domian>\n");
  writeFileSync(join(dir, 'noname.xml'), "<domain type='test'><memory>1024</memory><os><type>hvm</type></os></domain>\n");
  writeFileSync(join(dir, 'clash.xml'), "<domain type='test'><name>test</name><uuid>66666666-2222-3333-4444-555555555555</uuid><memory>1024</memory><os><type>hvm</type></os></domain>\n");
  return { dir, nodeFile: join(dir, 'node.xml') };
}

/** Same stdout (clock values masked), stderr and exit status as virsh. */
export function same(ours: Result, theirs: Result, what: string): void {
  assert.equal(maskClock(ours.stdout), maskClock(theirs.stdout), `stdout of ${what}`);
  assert.equal(ours.stderr, theirs.stderr, `stderr of ${what}`);
  assert.equal(ours.status, theirs.status, `exit status of ${what}`);
}

export interface SessionOptions {
  readonly?: boolean;
  quiet?: boolean;
  /** $EDITOR for both (VISUAL unset: virsh would take an empty one as the editor's name) */
  editor?: string;
  /** the sequence may name domains that do not exist (else virsh not finding one fails the test) */
  lookupFails?: boolean;
}

/** One virsh session (`a; b; c` on one connection) against one bvirsh process running the same commands. */
export async function sameSession(uri: string, cmds: string[], cwd: string, opts: SessionOptions = {}): Promise<void> {
  const flags = [...(opts.readonly ? ['-r'] : []), ...(opts.quiet ? ['-q'] : [])];
  const editor: Record<string, string | undefined> = opts.editor === undefined ? {} : { EDITOR: opts.editor, VISUAL: undefined };
  const env: NodeJS.ProcessEnv = { ...CLEAN_ENV, ...editor };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync('virsh', [...flags, '-c', uri, cmds.join('; ')], { cwd, encoding: 'utf8', env });
  const theirs = { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
  // guard against a vacuous comparison: the fixtures must have what the sequence names
  if (!opts.lookupFails) assert.doesNotMatch(theirs.stderr, /failed to get domain|failed to connect/, 'virsh did not find the fixture');
  const saved = { EDITOR: process.env.EDITOR, VISUAL: process.env.VISUAL };
  for (const [k, v] of Object.entries(editor)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  try {
    same(await runInProcess(uri, cmds, cwd, opts), theirs, cmds.join('; '));
  } finally {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}
