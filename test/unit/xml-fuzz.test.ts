/**
 * Bounded fuzz of the XML → bhyve direction: mutated corpus documents (bytes
 * and attribute/text values replaced with hostile ones) through parse,
 * post-parse, command building and formatting. Nothing but VirError may be
 * thrown; a command line that is produced uses only options bhyve knows,
 * has no newline/NUL in any argument, and formats back to stable XML.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { formatDomainXML } from '../../src/core/conf/xml-format';
import { buildBhyveCommand } from '../../src/core/bhyve/command';
import { VirError } from '../../src/core/errors';
import { CORPUS_DIR, corpusPresent } from '../conformance/corpus';
import { prng as rng } from '../helpers/prng';

const BHYVE_OPTS = new Set(['-A', '-c', '-H', '-P', '-S', '-u', '-w', '-m', '-s', '-l', '-o', '-p', '-n', '-M']);
const HOSTILE = ['', '-1', '0', '4294967296', '99999999999999999999', ',', 'a,b', '\n', '&#10;', '&#0;', '0x', 'x'.repeat(300),
  '/a/b,c', '../../etc/passwd', 'é', '&lt;tag&gt;', '1.5', ' 7 ', 'yes', 'no', 'sata', 'virtio', 'nvme', 'cdrom', 'pci', 'drive'];


function mutate(x: string, rand: () => number): string {
  // replace one attribute value or text node with a hostile value
  const spots: Array<[number, number]> = [];
  const re = /='([^']*)'|="([^"]*)"|>([^<]+)</g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(x)) !== null) {
    const start = m.index + (m[3] !== undefined ? 1 : 2);
    const len = (m[1] ?? m[2] ?? m[3]).length;
    spots.push([start, len]);
  }
  if (spots.length === 0 || rand() < 0.2) {
    const at = Math.floor(rand() * x.length);
    return x.slice(0, at) + x.slice(at + 1 + Math.floor(rand() * 6));
  }
  const [s, l] = spots[Math.floor(rand() * spots.length)];
  return x.slice(0, s) + HOSTILE[Math.floor(rand() * HOSTILE.length)] + x.slice(s + l);
}

describe('fuzz: XML -> bhyve argv (bounded)', function () {
  it('2000 mutated documents: only VirErrors, only known options, stable XML', function () {
    if (!corpusPresent) this.skip();
    const dir = join(CORPUS_DIR, 'bhyvexml2argvdata/x86_64');
    const docs = readdirSync(dir).filter(f => f.endsWith('.xml')).map(f => readFileSync(join(dir, f), 'utf8'));
    const rand = rng(7);
    const opts = { macGenerator: () => '52:54:00:00:00:00', firmwareList: () => ['BHYVE_UEFI.fd'] };
    let built = 0, refused = 0;
    for (let i = 0; i < 2000; i++) {
      let x = docs[i % docs.length];
      for (let k = 1 + Math.floor(rand() * 2); k > 0; k--) x = mutate(x, rand);
      try {
        const def = applyBhyveDefaults(parseDomainXML(x), opts);
        const xml = formatDomainXML(def);
        assert.equal(formatDomainXML(applyBhyveDefaults(parseDomainXML(xml), opts)), xml, `unstable:\n${x}`);
        const plan = buildBhyveCommand(def, { tapName: () => 'tap0' });
        const argv = plan.bhyve;
        for (let a = 1; a < argv.length - 1; a++) {
          const arg = argv[a];
          assert.ok(!/[\n\r\0]/.test(arg), `newline in argument ${JSON.stringify(arg)}`);
          if (arg.startsWith('-') && !def.bhyveCommandline) {
            assert.ok(BHYVE_OPTS.has(arg), `unknown option ${arg}`);
            if (arg !== '-A' && arg !== '-H' && arg !== '-P' && arg !== '-S' && arg !== '-u' && arg !== '-w' && arg !== '-M') a++;
          }
        }
        assert.equal(argv[argv.length - 1], def.name);
        for (const a of plan.loader?.argv ?? []) assert.ok(!/[\n\r\0]/.test(a));
        built++;
      } catch (e) {
        if (!(e instanceof VirError)) throw new Error(`non-VirError ${String(e)} for:\n${x}`);
        refused++;
      }
    }
    assert.ok(built > 200 && refused > 200, `weak sample: ${built} built, ${refused} refused`);
  });
});
