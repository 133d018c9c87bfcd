/**
 * The interactive shell through a real pseudo-terminal (script(1)): the
 * banner and prompt, typing commands, tab completion of command names and
 * domain names, help, connect, an unknown command keeping the shell alive,
 * quit, and the history file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pty, hasScript } from '../helpers/pty';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin', 'run.js');
const PROMPT = process.getuid && process.getuid() === 0 ? 'bvirsh # ' : 'bvirsh $ ';

describe('REPL on a terminal', function () {
  let tmp: string;
  let pty: Pty | undefined;

  before(function () {
    if (!hasScript()) {
      console.log('    (script(1) from util-linux not installed: REPL tests skipped)');
      this.skip();
    }
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-repl-'));
  });
  afterEach(() => {
    pty?.kill();
    pty = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function start(args = '-c test:///default'): Pty {
    pty = new Pty(`node ${bin} ${args}`, { ...process.env, HOME: tmp, BVIRSH_HISTORY: path.join(tmp, 'history') });
    return pty;
  }

  /** Type a line and wait for the next prompt; returns what it printed. */
  async function run(p: Pty, line: string): Promise<string> {
    const before = p.count(PROMPT);
    const from = p.screen.length;
    p.type(`${line}\r`);
    await p.waitFor(new RegExp(`(${PROMPT.replace(/[$]/g, '\\$')}[^]*){${before + 1}}`), 0);
    const out = p.screen.slice(from);
    return out.slice(0, out.lastIndexOf(PROMPT));
  }

  it('shows the banner and prompt, runs commands, and quits with status 0', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    assert.ok(p.screen.startsWith("Welcome to bvirsh, the bhyve virtualization interactive terminal.\n\n" +
      "Type:  'help' for help with commands\n       'quit' to quit\n\n"), p.screen);
    assert.equal(await run(p, 'uri'), 'uri\ntest:///default\n\n');
    assert.equal(await run(p, 'echo one; echo "two  words"'), 'echo one; echo "two  words"\none\ntwo  words\n');
    p.type('quit\r');
    assert.equal(await p.exited, 0);
  });

  it('-q drops the banner', async () => {
    const p = start('-q -c test:///default');
    await p.waitFor(PROMPT);
    assert.equal(p.screen, PROMPT);
  });

  /** Type keys one by one, each after the previous one was echoed, as a
   *  person does (readline treats a burst of input as a paste). */
  async function typeKeys(p: Pty, keys: string, from: number): Promise<void> {
    for (const k of keys) {
      const before = p.raw.length;
      p.type(k);
      await p.waitForRaw(before);
    }
    void from;
  }

  it('completes a command name with Tab', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'ur', from);
    p.type('\t');
    await p.waitFor(`${PROMPT}uri`, from - PROMPT.length);
    p.type('\r');
    await p.waitFor(/uri\ntest:\/\/\/default\n\n/, from);
  });

  it('extends to the common prefix, then lists the candidates on a second Tab', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'do', from);
    p.type('\t');
    await p.waitFor(`${PROMPT}dom`, from - PROMPT.length);
    p.type('\t');
    // Every command whose name starts with "dom", as the manifest lists them, in
    // readline's row-major order (sorted), whatever the terminal width wraps.
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as
      { commands: Record<string, { hidden?: boolean }> };
    const dom = Object.keys(manifest.commands).filter((id) => id.startsWith('dom') && !manifest.commands[id].hidden).sort();
    assert.ok(dom.length > 8, 'the manifest lists the dom* commands');
    await p.waitFor(new RegExp(`\\n${dom.map((d) => d.replace(/-/g, '\\-')).join('\\s+')}\\s*\\n`), from);
    p.type('\x15quit\r');
    assert.equal(await p.exited, 0);
  });

  it('completes a domain name from the live connection', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'domid te', from);
    p.type('\t');
    await p.waitFor(`${PROMPT}domid test`, from - PROMPT.length);
    p.type('\r');
    await p.waitFor(/domid test\n1\n\n/, from);
  });

  it('completes a flag of the command being typed', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'list --ina', from);
    p.type('\t');
    await p.waitFor(`${PROMPT}list --inactive`, from - PROMPT.length);
    p.type('\r');
    await p.waitFor(/list --inactive\n Id   Name   State\n-+\n\n/, from);
  });

  it('completes connection URIs after connect', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'connect te', from);
    p.type('\t');
    await p.waitFor(`${PROMPT}connect test:///default`, from - PROMPT.length);
  });

  it('Ctrl-C drops the line being typed and gives a new prompt', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    await typeKeys(p, 'dom', from);
    p.type('\x03');
    await p.waitFor(`dom^C\n${PROMPT}`, from);
    assert.equal(await run(p, 'domid test'), 'domid test\n1\n\n');
  });

  it('keeps going after an unknown command and a quoting error', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    assert.equal(await run(p, 'frobnicate'), "frobnicate\nerror: unknown command: 'frobnicate'\n");
    assert.equal(await run(p, 'echo "open'), 'echo "open\nerror: missing "\n');
    assert.equal(await run(p, 'uri'), 'uri\ntest:///default\n\n');
    p.type('exit\r');
    assert.equal(await p.exited, 0);
  });

  it('help lists the commands; help CMD describes one', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    const all = await run(p, 'help');
    assert.match(all, /^help\nGrouped commands:\n\n/);
    assert.match(all, /\n {4}uri {28}print the hypervisor canonical URI\n/);
    assert.match(all, / Virsh itself \(help keyword 'virsh'\):\n/);
    const one = await run(p, 'help uri');
    assert.equal(one, 'help uri\n  NAME\n    uri - print the hypervisor canonical URI\n\n  SYNOPSIS\n    uri\n\n' +
      '  DESCRIPTION\n    print the hypervisor canonical URI\n\n\n');
    assert.equal(await run(p, 'help nosuch'), "help nosuch\nerror: command or command group 'nosuch' doesn't exist\n");
  });

  it('connect switches the session connection', async () => {
    const node = path.join(tmp, 'node.xml');
    fs.writeFileSync(node, '<node><domain type="test"><name>vm1</name><memory>1024</memory><os><type>hvm</type></os></domain></node>\n');
    const p = start();
    await p.waitFor(PROMPT);
    assert.equal(await run(p, 'uri'), 'uri\ntest:///default\n\n');
    assert.equal(await run(p, `connect test://${node}`), `connect test://${node}\n`);
    assert.equal(await run(p, 'uri'), `uri\ntest://${node}\n\n`);
    assert.equal(await run(p, 'list --all --name'), 'list --all --name\nvm1\n\n');
    assert.equal(await run(p, 'connect --name test:///default --readonly'), 'connect --name test:///default --readonly\n');
    assert.equal(await run(p, 'uri'), 'uri\ntest:///default\n\n');
  });

  it('lets a command prompt on the terminal (edit asks to retry) and goes on', async () => {
    pty = new Pty(`node ${bin} -c test:///default`, {
      ...process.env, HOME: tmp, BVIRSH_HISTORY: path.join(tmp, 'history'), EDITOR: 'sed -i s/domain/dxmain/',
    });
    const p = pty;
    await p.waitFor(PROMPT);
    const from = p.screen.length;
    p.type('edit test\r');
    await p.waitFor('Try again?', from);
    p.type('n');
    p.type('\r');
    await p.waitFor(`Failed. Try again? No`, from);
    await p.waitFor(PROMPT, p.screen.lastIndexOf('Try again? No'));
    const out = await run(p, 'domid test');
    assert.equal(out, 'domid test\n1\n\n');
    const screen = p.screen.slice(from);
    assert.match(screen, /error: XML error: expecting root element of 'domain', not 'dxmain'\n/);
    assert.match(screen, /error: Failed to edit domain 'test'/);
  });

  it('writes the history file on quit and reads it back', async () => {
    const p = start();
    await p.waitFor(PROMPT);
    await run(p, 'uri');
    await run(p, 'echo hi');
    p.type('quit\r');
    assert.equal(await p.exited, 0);
    assert.equal(fs.readFileSync(path.join(tmp, 'history'), 'utf8'), 'uri\necho hi\nquit\n');
    // A new shell recalls the last line with the Up arrow.
    const q = start();
    await q.waitFor(PROMPT);
    const from = q.screen.length;
    q.type('\x1b[A');
    await q.waitFor('quit', from);
    q.type('\x15uri\r'); // Ctrl-U clears the recalled line
    await q.waitFor('test:///default', from);
  });
});
