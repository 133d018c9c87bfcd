/**
 * Test helpers for the simulated bhyve host: fresh sim roots, starting the sim
 * tools (native/build/Release) as processes, awaiting states with a bound.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nativeBuildDir, VmHandle } from '../../src/core/vmm';

export const GPA_GUEST_STATUS = 0x8000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
export interface Proc {
  child: ChildProcess;
  exited: Promise<Exit>;
  out(): string;
  err(): string;
}

const started: ChildProcess[] = [];
const roots: string[] = [];

export function mkSimRoot(): string {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-sim-'));
  roots.push(r);
  return r;
}

export function tool(name: string): string {
  return path.join(nativeBuildDir(), name);
}

export function startTool(root: string, name: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(tool(name), args, {
    env: { ...process.env, BVIRSH_SIM_ROOT: root, BVIRSH_SIM_GUEST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => out, err: () => err };
}

export async function runTool(
  root: string,
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const p = startTool(root, name, args, env);
  const e = await p.exited;
  return { ...e, stdout: p.out(), stderr: p.err() };
}

/** Poll `probe` until it returns a value other than undefined/false; fail after `ms`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** The sim guest's status block (key=value lines at GPA 0x8000). */
export async function guestStatus(h: VmHandle): Promise<Record<string, string>> {
  const b = await h.readMemory(GPA_GUEST_STATUS, 512);
  const text = b.subarray(0, b.indexOf(0)).toString();
  const r: Record<string, string> = {};
  for (const l of text.split('\n').slice(1)) if (l.includes('=')) r[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  return r;
}

/** A bootable UEFI-style command line for VM `name`. */
export function bhyveArgs(name: string, extra: string[] = [], opts: { cpus?: string; mem?: string } = {}): string[] {
  return ['-c', opts.cpus ?? '2', '-m', opts.mem ?? '512M', '-s', '0,hostbridge', '-s', '31,lpc',
    '-l', 'bootrom,/dev/null', ...extra, name];
}

export function cleanupSim(): void {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
}
