/**
 * bvirsh's command line as virsh's: global options before (and -c/-r/-q
 * after) the command, command strings with `;`, scripts on stdin (no
 * terminal), unknown commands, exit statuses; where virsh behaves the same
 * way on test:///default the outputs are compared with virsh's own.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin', 'run.js');
const { version } = require(path.join(root, 'package.json')) as { version: string };

interface Result { stdout: string; stderr: string; status: number | null }

function bvirsh(args: string[], input?: string): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { input: input ?? '', encoding: 'utf8', env: { ...process.env, BVIRSH_DEFAULT_URI: 'test:///default' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const hasVirsh = spawnSync('virsh', ['--version']).status === 0;
function virsh(args: string[]): Result {
  const r = spawnSync('virsh', args, { input: '', encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('command line', () => {
  it('-v and --version print the version number; -V the long version', () => {
    assert.deepEqual(bvirsh(['-v']), { stdout: `${version}\n`, stderr: '', status: 0 });
    assert.deepEqual(bvirsh(['--version']), { stdout: `${version}\n`, stderr: '', status: 0 });
    assert.deepEqual(bvirsh(['--version=short']), { stdout: `${version}\n`, stderr: '', status: 0 });
    assert.equal(bvirsh(['-V']).stdout, `bvirsh command line tool ${version}, for bhyve without libvirtd\n`);
  });

  it('bin/dev.js runs the TypeScript sources the same way', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'dev.js'), '-c', 'test:///default', 'domid test; uri'], { encoding: 'utf8' });
    assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, status: r.status }, { stdout: '1\n\ntest:///default\n\n', stderr: '', status: 0 });
  });

  it('-h prints the usage with the grouped command list', () => {
    const r = bvirsh(['-h']);
    assert.equal(r.status, 0);
    assert.ok(r.stdout.startsWith('\nbvirsh [options]... [<command_string>]\nbvirsh [options]... <command> [args...]\n\n  options:\n    -c | --connect=URI      hypervisor connection URI\n'));
    assert.match(r.stdout, /\n Domain Monitoring \(help keyword 'monitor'\)\n(?: {4}\S+ +.*\n)*? {4}list {26} ?\S.*\n/);
  });

  it('rejects an unknown global option and a missing URI as virsh does', () => {
    assert.deepEqual(bvirsh(['--frob']), { stdout: '', stderr: "error: unsupported option '--frob'. See --help.\n", status: 1 });
    assert.deepEqual(bvirsh(['-c']), { stdout: '', stderr: "error: option '-c'/'--connect' requires an argument\n", status: 1 });
  });

  it('takes -c before or after the command', () => {
    const before = bvirsh(['-c', 'test:///default', 'uri']);
    const after = bvirsh(['uri', '-c', 'test:///default']);
    const attached = bvirsh(['--connect=test:///default', 'uri']);
    for (const r of [before, after, attached]) assert.deepEqual(r, { stdout: 'test:///default\n\n', stderr: '', status: 0 });
  });

  it('-r makes every mutating call fail with the read-only error', () => {
    assert.deepEqual(bvirsh(['-r', '-c', 'test:///default', 'destroy', 'test']), {
      stdout: '\n',
      stderr: "error: Failed to destroy domain 'test'\nerror: operation forbidden: read only access prevents virDomainDestroy\n",
      status: 1,
    });
  });

  it('an unknown command is virsh\'s error and status 1', () => {
    assert.deepEqual(bvirsh(['frobnicate', 'x']), { stdout: '', stderr: "error: unknown command: 'frobnicate'\n", status: 1 });
  });

  it('help shows required positional options as virsh does (<domain>, not [<domain>])', function () {
    if (!hasVirsh) this.skip(); // .ci/run installs virsh
    const positional = (text: string): string => {
      const line = /\n {2}SYNOPSIS\n {4}(.*)\n/.exec(text)?.[1] ?? '';
      return line.split(' [--')[0]; // the command and its positional options
    };
    // (not define: its <file> is optional with bvirsh's --interactive)
    for (const cmd of ['dominfo', 'vncdisplay', 'domxml-from-native', 'cpu-models', 'create', 'domstate', 'undefine', 'list', 'nodeinfo']) {
      const theirs = positional(virsh(['-c', 'test:///default', 'help', cmd]).stdout);
      assert.ok(theirs.startsWith(cmd), `virsh's synopsis of ${cmd}`);
      assert.equal(positional(bvirsh(['help', cmd]).stdout), theirs, cmd);
    }
  });

  it('help shows optional positional options as virsh does ([--devname <string>]), in virsh\'s order: synopsis and option names', function () {
    if (!hasVirsh) this.skip(); // .ci/run installs virsh
    // the synopsis line, and each option's name column (descriptions may say what bvirsh does)
    const shape = (text: string): string[] => [/\n {2}SYNOPSIS\n {4}(.*)\n/.exec(text)?.[1] ?? '',
      ...text.slice(text.indexOf('  OPTIONS')).split('\n').filter((l) => l.startsWith('    ')).map((l) => l.trim().split(/ {2,}/)[0])];
    for (const cmd of ['console', 'domdisplay', 'domxml-to-native', 'domcapabilities', 'start', 'create', 'vncdisplay', 'domstats']) {
      assert.deepEqual(shape(bvirsh(['help', cmd]).stdout), shape(virsh(['-c', 'test:///default', 'help', cmd]).stdout), cmd);
    }
  });

  it('CMD --help and help CMD print the same help', () => {
    const a = bvirsh(['dominfo', '--help']);
    const b = bvirsh(['help', 'dominfo']);
    assert.equal(a.status, 0);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^ {2}NAME\n {4}dominfo - .+\n\n {2}SYNOPSIS\n {4}dominfo <domain>\n\n/);
    assert.match(a.stdout, /\n {2}OPTIONS\n {4}\[--domain\] <string> {2}domain name, id or uuid\n/);
  });

  describe('command strings (one argument, `;` separated)', () => {
    const lines = [
      'domid test; domuuid test',
      'suspend test; domstate test; resume test; domstate test',
      'domid nosuch; domid test',
      'domid test; domid nosuch',
      'domid test; quit; domid test',
      'domid test; frobnicate; domid test',
      'domid test; dominfo a b',
      'domid test; dominfo --bogus',
      'domid "test" # a comment; domid nosuch',
      'domid test; domid "unterminated',
      "domid 'te'st;;domname 1",
      // a required option missing anywhere stops the whole line (nothing runs)
      'suspend test; dominfo',
      'domid test; domxml-from-native',
      'domid test; console; domid test',
      'domxml-from-native bhyve-argv',
      'cpu-models',
    ];
    for (const line of lines) {
      it(`${line}`, function () {
        const ours = bvirsh(['-c', 'test:///default', line]);
        if (!hasVirsh) {
          // Without virsh at least the run must have an exit status of 0 or 1.
          assert.ok(ours.status === 0 || ours.status === 1);
          this.skip();
        }
        assert.deepEqual(ours, virsh(['-c', 'test:///default', line]));
      });
    }

    it('state changes live across the commands of one string', () => {
      assert.deepEqual(bvirsh(['-c', 'test:///default', 'destroy test; list --all']), {
        stdout: "Domain 'test' destroyed\n\n Id   Name   State\n-----------------------\n -    test   shut off\n\n",
        stderr: '',
        status: 0,
      });
    });

    it('several arguments are one command: a `;` there is data', () => {
      assert.deepEqual(bvirsh(['-c', 'test:///default', 'domid', 'test', ';', 'domid', 'test']), {
        stdout: '', stderr: "error: unexpected data ';'\n", status: 1,
      });
    });
  });

  describe('scripts on stdin', () => {
    it('runs each line, reports failures, goes on, and exits 0 as virsh does', () => {
      const script = [
        'domid test',
        '# a comment line',
        '',
        'frobnicate',
        'domid nosuch',
        'suspend test; domstate test',
        'domid "te"st',
      ].join('\n') + '\n';
      assert.deepEqual(bvirsh(['-c', 'test:///default'], script), {
        stdout: "1\n\n\nDomain 'test' suspended\n\npaused\n\n1\n\n",
        stderr: "error: unknown command: 'frobnicate'\nerror: failed to get domain 'nosuch'\n",
        status: 0,
      });
    });

    it('keeps output and errors in order when both go to one file', () => {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" -q -c test:///default 2>&1`], {
        input: 'domid test\ndomid nosuch\ndomid test\n', encoding: 'utf8',
      });
      assert.equal(r.stdout, "1\nerror: failed to get domain 'nosuch'\n1\n");
    });

    it('ends quietly when the reader goes away (| head)', () => {
      for (const mode of ['script', 'command']) {
        const cmd = mode === 'script'
          ? `yes capabilities | head -300 | "${process.execPath}" "${bin}" -c test:///default | head -1; echo "status=\${PIPESTATUS[2]}"`
          : `"${process.execPath}" "${bin}" -c test:///default capabilities | head -1; echo "status=\${PIPESTATUS[0]}"`;
        const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
        assert.deepEqual({ stdout: r.stdout, stderr: r.stderr }, { stdout: '<capabilities>\nstatus=0\n', stderr: '' }, mode);
      }
    });

    it('a long script runs the same past the line where V8 is retuned (script-tuning.ts)', () => {
      // 250 lines: the switch happens at line 100; errors go through the
      // direct stderr and keep their place between the outputs
      const lines: string[] = [];
      let expected = '';
      for (let i = 1; i <= 250; i++) {
        if (i % 50 === 0) {
          lines.push('domid nosuch');
          expected += "error: failed to get domain 'nosuch'\n";
        } else {
          lines.push(i % 2 ? 'domid test' : 'domstate test');
          expected += i % 2 ? '1\n' : 'running\n';
        }
      }
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" -q -c test:///default 2>&1`], {
        input: lines.join('\n') + '\n', encoding: 'utf8',
      });
      assert.equal(r.status, 0);
      assert.equal(r.stdout, expected);
    });

    it('stops at quit', () => {
      assert.deepEqual(bvirsh(['-q', '-c', 'test:///default'], 'domid test\nquit\ndomid test\n'), { stdout: '1\n', stderr: '', status: 0 });
    });

    it('keeps one connection: connect switches it for the following lines', () => {
      assert.deepEqual(bvirsh(['-c', 'test:///default'], 'destroy test\nconnect test:///default\nlist --all --name\n'), {
        stdout: "Domain 'test' destroyed\n\ntest\n\n",
        stderr: '',
        status: 0,
      });
    });
  });
});
