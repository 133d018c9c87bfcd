/**
 * The command metadata bvirsh runs from: oclif.manifest.json at the project
 * root, generated at build time by scripts/build-manifest.js (oclif's own
 * Config/Plugin APIs), so start-up never scans or loads command files.
 *
 * Used by the dispatcher (which file implements a command), help, the REPL's
 * completion, the man page and the README command table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ManifestFlag {
  name: string;
  char?: string;
  type: 'boolean' | 'option';
  description?: string;
  summary?: string;
  helpGroup?: string;
  options?: string[];
  default?: unknown;
  multiple?: boolean;
  required?: boolean;
  allowNo?: boolean;
  hidden?: boolean;
  helpValue?: string;
}

export interface ManifestArg {
  name: string;
  description?: string;
  required?: boolean;
  options?: string[];
  default?: unknown;
}

export interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
  aliases?: string[];
  strict?: boolean;
  enableJsonFlag?: boolean;
  flags: Record<string, ManifestFlag>;
  args: Record<string, ManifestArg>;
  relativePath?: string[];
  pluginName?: string;
  pluginType?: string;
  examples?: Array<string | { description: string; command: string }>;
  /** The libvirt API call(s) the command implements (a command's `static libvirt`). */
  libvirt?: string | string[];
  [k: string]: unknown;
}

export interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

const roots = new Map<string, string>();

/** The project root: the directory holding bvirsh's package.json. */
export function projectRoot(from: string = __dirname): string {
  const known = roots.get(from);
  if (known) return known;
  const found = findRoot(from);
  roots.set(from, found);
  return found;
}

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'bvirsh') return dir;
      } catch { /* keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`bvirsh: cannot find the project root above ${from}`);
    dir = up;
  }
}

let cached: Manifest | undefined;

/** Read oclif.manifest.json (once). */
export function loadManifest(root: string = projectRoot()): Manifest {
  if (cached) return cached;
  const file = path.join(root, 'oclif.manifest.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`bvirsh: ${file} is missing; run \`npm run build\``);
  }
  cached = JSON.parse(text) as Manifest;
  return cached;
}

/** Commands users can run (not hidden), sorted by name. */
export function visibleCommands(m: Manifest = loadManifest()): ManifestCommand[] {
  return Object.values(m.commands).filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
}

/** Find a command by name or alias. */
export function findCommand(name: string, m: Manifest = loadManifest()): ManifestCommand | undefined {
  const direct = m.commands[name];
  if (direct) return direct;
  return Object.values(m.commands).find((c) => c.aliases?.includes(name));
}
