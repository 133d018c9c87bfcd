/**
 * Locating the libvirt bhyve conformance corpus (../shared/conformance/libvirt-bhyve,
 * read in place) and reading its case files, main tree first, then inferred/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** project root = two levels above dist/test/conformance or test/conformance */
function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '../../..');
}

export const CORPUS_DIR = resolve(projectRoot(), '../shared/conformance/libvirt-bhyve');
export const corpusPresent = existsSync(join(CORPUS_DIR, 'CASES.tsv'));

/** Read a corpus file (relative path inside the corpus), falling back to inferred/. */
export function corpusFile(rel: string): string | undefined {
  for (const p of [join(CORPUS_DIR, rel), join(CORPUS_DIR, 'inferred', rel)]) {
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  return undefined;
}

export interface CaseRow {
  suite: string; arch: string; name: string; macro: string; expectation: string; caps: string; notes: string;
}

export function readCases(): CaseRow[] {
  const text = readFileSync(join(CORPUS_DIR, 'CASES.tsv'), 'utf8');
  const rows: CaseRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const f = line.split('\t');
    rows.push({ suite: f[0], arch: f[1], name: f[2], macro: f[3], expectation: f[4], caps: f[5] ?? '', notes: f[9] ?? '' });
  }
  return rows;
}
