/**
 * The command metadata bvirsh runs from: oclif.manifest.json at the project
 * root, generated at build time by scripts/build-manifest.js (oclif's own
 * Config/Plugin APIs), so start-up never scans or loads command files.
 *
 * Used by the dispatcher (which file implements a command), help, the REPL's
 * completion, the man page and the README command table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  /** Options the command cannot run without (a command's `static requiredOptions`). */
  requiredOptions?: string[];
  /** The command's virsh ARGV option, whose values are its extra words (a command's `static argvOption`). */
  argvOption?: string;
  /** The libvirt API call(s) the command implements (a command's `static libvirt`). */
  libvirt?: string | string[];
  [k: string]: unknown;
}

export interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

/** What dispatching a command needs to know of it. */
export interface CommandEntry {
  id: string;
  relativePath?: string[];
  aliases?: string[];
  hidden?: boolean;
}

/** Set by the bundle's entry (scripts/bundle.js): the project root and the
 *  command index, known at build time, so a command's start-up reads neither
 *  package.json nor the 80 KB manifest. */
const bundled = (globalThis as { __bvirshIndex?: { root: string; commands: Record<string, CommandEntry> } }).__bvirshIndex;

const roots = new Map<string, string>();

/** The project root: the directory holding bvirsh's package.json. */
export function projectRoot(from: string = __dirname): string {
  if (bundled && from === __dirname) return bundled.root;
  const known = roots.get(from);
  if (known) return known;
  const found = findRoot(from);
  roots.set(from, found);
  return found;
}

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'bvirsh') return dir;
      } catch { /* keep looking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`bvirsh: cannot find the project root above ${from}`);
    dir = up;
  }
}

let cached: Manifest | undefined;

/** Read oclif.manifest.json (once). */
export function loadManifest(root: string = projectRoot()): Manifest {
  if (cached) return cached;
  const file = join(root, 'oclif.manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`bvirsh: ${file} is missing; run \`npm run build\``);
  }
  cached = JSON.parse(text) as Manifest;
  return cached;
}

/** Every command by id: the bundle's built-in index, else the manifest's entries. */
export function commandIndex(): Record<string, CommandEntry> {
  return bundled ? bundled.commands : loadManifest().commands;
}

/** A command by name or alias in a table of commands by id. */
function byNameOrAlias<T extends CommandEntry>(commands: Record<string, T>, name: string): T | undefined {
  // (own properties only: a name such as `constructor` is no command)
  if (Object.prototype.hasOwnProperty.call(commands, name)) return commands[name];
  return Object.values(commands).find((c) => c.aliases?.includes(name));
}

/** Find a command to run by name or alias (see commandIndex()). */
export function findCommandEntry(name: string): CommandEntry | undefined {
  return byNameOrAlias(commandIndex(), name);
}

/** Commands users can run (not hidden), sorted by name. */
export function visibleCommands(m: Manifest = loadManifest()): ManifestCommand[] {
  return Object.values(m.commands).filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id));
}

/** Find a command by name or alias. */
export function findCommand(name: string, m: Manifest = loadManifest()): ManifestCommand | undefined {
  return byNameOrAlias(m.commands, name);
}
