/**
 * The start-up fast path's parser (src/cli/oclif-lite.ts) must give what
 * oclif's own Parser.parse gives: the same args/flags/argv for the command
 * lines it parses itself, and oclif's own errors for the rest.
 */
import { strict as assert } from 'node:assert';
import * as oclif from '@oclif/core';
import * as lite from '../../src/cli/oclif-lite';

function defs(F: typeof lite.Flags | typeof oclif.Flags, A: typeof lite.Args | typeof oclif.Args) {
  return {
    flags: {
      connect: F.string({ char: 'c' }),
      readonly: F.boolean({ char: 'r' }),
      all: F.boolean(),
      domain: F.string(),
      count: F.integer(),
      mode: F.string({ options: ['a', 'b'] }),
      file: F.string({ multiple: true }),
      level: F.string({ default: 'low' }),
    },
    args: { domain: A.string(), other: A.string({ default: 'x' }) },
  };
}

describe('oclif-lite parser', () => {
  const liteDefs = defs(lite.Flags, lite.Args);
  const realDefs = defs(oclif.Flags, oclif.Args);
  const same: string[][] = [
    [],
    ['web1'],
    ['web1', 'two'],
    ['--all'],
    ['-c', 'test:///default', 'web1', '-r'],
    ['--connect=test:///default', '--domain', 'x'],
    ['--count', '42', '--mode', 'b'],
    ['--file', 'a', '--file', 'b'],
    ['--', '--all'],
    ['-r', '--level', 'high', 'd'],
  ];
  for (const argv of same) {
    it(`parses ${JSON.stringify(argv)} as oclif does`, async () => {
      const ours = await lite.Parser.parse(argv, { ...liteDefs, strict: true } as any);
      const theirs = await oclif.Parser.parse(argv, { ...realDefs, strict: true } as any);
      assert.deepEqual({ args: ours.args, flags: ours.flags, argv: ours.argv }, { args: theirs.args, flags: theirs.flags, argv: theirs.argv });
    });
  }

  const errors: string[][] = [
    ['--nosuch'],
    ['--domain'],
    ['--count', 'many'],
    ['--mode', 'c'],
    ['--count'],
    ['-x'],
  ];
  for (const argv of errors) {
    it(`rejects ${JSON.stringify(argv)} with oclif's error`, async () => {
      const ours = await lite.Parser.parse(argv, { ...liteDefs, strict: true } as any).then(() => undefined, (e: Error) => e);
      const theirs = await oclif.Parser.parse(argv, { ...realDefs, strict: true } as any).then(() => undefined, (e: Error) => e);
      assert.ok(ours instanceof Error && theirs instanceof Error);
      assert.equal(ours.message, theirs.message);
    });
  }

  it('keeps argv in command-line order for non-strict commands (oclif 4.9 reorders repeated words)', async () => {
    const ours = await lite.Parser.parse(['test', ';', 'domid', 'test'], { ...liteDefs, strict: false } as any);
    assert.deepEqual(ours.argv, ['test', ';', 'domid', 'test']);
    const theirs = await oclif.Parser.parse(['test', ';', 'domid', 'test'], { ...realDefs, strict: false } as any);
    assert.deepEqual(theirs.argv, ['test', 'test', ';', 'domid']);
  });

  it('names the extra words of a command line with too many arguments', async () => {
    const e = await lite.Parser.parse(['a', 'b', 'c', 'd'], { ...liteDefs, strict: true } as any).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof lite.CLIError);
    assert.deepEqual((e as lite.CLIError & { args: string[] }).args, ['c', 'd']);
    assert.equal(e.message, 'Unexpected arguments: c, d\nSee more help with --help');
    assert.equal(e.oclif.exit, 2);
  });

  it('forwards anything else to the real @oclif/core, only when asked for', () => {
    const mod = lite as unknown as Record<string, unknown>;
    assert.equal(mod.then, undefined);
    assert.equal(mod.ux, oclif.ux);
    assert.equal(mod.Config, oclif.Config);
    assert.notEqual(mod.Command, oclif.Command);
  });

  it('Command runs init/run/finally, prints --json results, and maps exit()', async () => {
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    class Hello extends lite.Command {
      static override enableJsonFlag = true;
      static override args = { who: lite.Args.string() };
      async run(): Promise<unknown> {
        const { args } = await this.parse(Hello);
        this.log(`hello ${args.who}`);
        return { who: args.who };
      }
    }
    (process.stdout as { write: unknown }).write = (s: string) => { printed.push(s); return true; };
    try {
      await Hello.run(['web1']);
      await Hello.run(['web1', '--json']);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    assert.deepEqual(printed, ['hello web1\n', '{\n  "who": "web1"\n}\n']);
    class Quits extends lite.Command {
      async run(): Promise<unknown> { return this.exit(3); }
    }
    await assert.rejects(Quits.run([]), (e: unknown) => e instanceof lite.ExitError && e.oclif.exit === 3);
  });
});
