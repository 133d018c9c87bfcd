/**
 * Running bvirsh commands inside the test process, through oclif's command
 * loader and the CLI session — the same code path as bin/run.js minus the
 * process start, with stdout/stderr captured. A list of commands shares one
 * session (and so one test-driver state), like virsh 'a; b; c'.
 */
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');

export interface Result { stdout: string; stderr: string; status: number }

/** Split a virsh-style line into argv (plain words and '…' quotes are all the cases use). */
export function words(cmd: string): string[] {
  return (cmd.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, '$1'));
}

/**
 * A sequence of commands in one process, through oclif's command loader and
 * the CLI session (the state persists between commands, as in virsh 'a; b').
 */
export async function runInProcess(uri: string, commands: string[], cwd: string, opts: { readonly?: boolean; quiet?: boolean } = {}): Promise<Result> {
  const { Config } = await import('@oclif/core');
  const { session } = await import('../../src/cli/session');
  const config = await Config.load(ROOT);
  await session.close();
  session.options = { uri, readonly: !!opts.readonly, quiet: !!opts.quiet };
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  const prevCwd = process.cwd();
  let status = 0;
  process.chdir(cwd);
  (process.stdout as unknown as { write: unknown }).write = (c: string | Uint8Array): boolean => { stdout += c.toString(); return true; };
  (process.stderr as unknown as { write: unknown }).write = (c: string | Uint8Array): boolean => { stderr += c.toString(); return true; };
  try {
    for (const line of commands) {
      const [id, ...argv] = words(line);
      process.exitCode = 0;
      await config.runCommand(id, argv);
      status = Number(process.exitCode ?? 0);
    }
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = 0;
    process.chdir(prevCwd);
    await session.close();
    session.options = { readonly: false, quiet: false };
  }
  return { stdout, stderr, status };
}

