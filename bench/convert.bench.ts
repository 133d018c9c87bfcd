/**
 * Benchmark: bhyve argv ↔ domain XML conversions per second over libvirt's conformance corpus
 * (../shared/conformance/libvirt-bhyve, read in place), both directions, each printed next to
 * a baseline measured in the same run on the same inputs:
 *   from-native (argv → XML)   vs  fast-xml-parser parse + build of the resulting XML
 *   to-native   (XML → argv)   vs  fast-xml-parser parse + build of the input XML
 * and JSON.parse + JSON.stringify of the parsed document for scale. Goal: ≥ 20 000/s each way,
 * judged on conversions per wall-clock second; the rate per CPU-second of this process is
 * printed beside it (it also counts V8's GC and compiler threads, so it reads lower).
 *
 * Run: npm run build && node dist/bench/convert.bench.js   (or `npm run bench:convert`)
 * BENCH_SECONDS=N changes the time per measurement (default 3 s).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { domainXMLFromNative, domainXMLToNative } from '../src/core/bhyve/native';

const ROOT = resolve(__dirname, existsSync(resolve(__dirname, '../package.json')) ? '..' : '../..');
const CORPUS = resolve(ROOT, '../shared/conformance/libvirt-bhyve');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const GOAL = 20000;

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** keep the inputs a conversion accepts (the corpus also holds expected-failure cases) */
function converting(inputs: string[], fn: (s: string) => string): string[] {
  return inputs.filter((s) => { try { fn(s); return true; } catch { return false; } });
}

/**
 * conversions per second of fn over inputs, round-robin, for about SECONDS: per wall-clock
 * second, and per second of this process's CPU time (the figure that stays meaningful when
 * the machine is shared and the wall clock includes time spent waiting for a core).
 */
function rate(inputs: string[], fn: (s: string) => unknown): { wall: number; cpu: number } {
  // warm-up long enough for V8 to optimise the whole path: the figure is steady-state throughput
  for (let i = 0; i < 3000; i++) fn(inputs[i % inputs.length]);
  let n = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let k = 0; k < 100; k++) fn(inputs[(n + k) % inputs.length]);
    n += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  const c = process.cpuUsage(cpu0);
  return { wall: n / (Number(elapsed) / 1e9), cpu: n / ((c.user + c.system) / 1e6) };
}

function main(): void {
  if (!existsSync(join(CORPUS, 'CASES.tsv'))) {
    console.log(`convert.bench: corpus not found at ${CORPUS} (../shared absent); nothing measured`);
    return;
  }
  const fromNative = (s: string): string => domainXMLFromNative('bhyve-argv', s, { uuidFor: () => 'c7a5fdbd-edaf-9455-926a-d65c16db1809' });
  const toNative = (s: string): string => domainXMLToNative('bhyve-argv', s);
  const argvInputs = converting([
    ...files(join(CORPUS, 'bhyveargv2xmldata'), '.args'),
    ...files(join(CORPUS, 'bhyvexml2argvdata/x86_64'), '.args'),
  ], fromNative);
  const xmlInputs = converting(files(join(CORPUS, 'bhyvexml2argvdata/x86_64'), '.xml'), toNative);
  const producedXml = argvInputs.map(fromNative);

  const parser = new XMLParser({ ignoreAttributes: false, processEntities: false });
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true });
  const fxp = (s: string): string => builder.build(parser.parse(s)) as string;
  const asJson = xmlInputs.map((s) => JSON.stringify(parser.parse(s)));
  const json = (s: string): string => JSON.stringify(JSON.parse(s));

  const rows: Array<[string, { wall: number; cpu: number }, string]> = [
    [`from-native: bhyve argv → XML (${argvInputs.length} corpus command lines)`, rate(argvInputs, fromNative), 'goal'],
    ['  baseline: fast-xml-parser parse+build of the same XML', rate(producedXml, fxp), 'baseline'],
    [`to-native: XML → bhyve argv (${xmlInputs.length} corpus documents)`, rate(xmlInputs, toNative), 'goal'],
    ['  baseline: fast-xml-parser parse+build of the same XML', rate(xmlInputs, fxp), 'baseline'],
    ['  baseline: JSON.parse+stringify of the same documents as JSON', rate(asJson, json), 'baseline'],
  ];
  console.log(`bhyve argv <-> domain XML conversions per second (Node ${process.version}, ${SECONDS}s each, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`);
  console.log(`${''.padEnd(72)} ${'wall-clock'.padStart(11)} ${'CPU-time'.padStart(11)}`);
  for (const [label, r, kind] of rows) {
    // the goal is conversions per wall-clock second; CPU-time (which also counts V8's GC
    // threads) is printed beside it for runs on a loaded machine
    const mark = kind === 'goal' ? (r.wall >= GOAL ? `  ok (goal ${GOAL}/s)` : `  BELOW goal ${GOAL}/s`) : '';
    console.log(`${label.padEnd(72)} ${Math.round(r.wall).toString().padStart(9)}/s ${Math.round(r.cpu).toString().padStart(9)}/s${mark}`);
  }
}

main();
