/**
 * The libvirt bhyve test corpus (../shared/conformance/libvirt-bhyve, read in
 * place) through the test driver: for every domain XML, `virsh define` +
 * `dumpxml --inactive` and bvirsh's defineXML + getXMLDesc({inactive}) must
 * give the same document, or the same error. MAC addresses the input leaves
 * to be generated are random on both sides and masked; nothing else is.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from '../../src/core/connect';
import { isVirError } from '../../src/core/errors';
import { pool, ROOT, runVirsh, virshAvailable } from './harness';

const CORPUS = join(ROOT, '..', 'shared', 'conformance', 'libvirt-bhyve', 'bhyvexml2argvdata', 'x86_64');
const READY = virshAvailable() && existsSync(CORPUS);

(READY ? describe : describe.skip)('differential: libvirt bhyve corpus through the test driver', function () {
  this.timeout(120000);

  it('defines and dumps every x86_64 domain XML as virsh does', async () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
    assert.ok(files.length > 50, `corpus has only ${files.length} files`);
    const theirs = await pool(files, 3, (f) => {
      const name = /<name>([^<]*)<\/name>/.exec(readFileSync(join(CORPUS, f), 'utf8'))?.[1] ?? 'x';
      return runVirsh('test:///default', `define ${f}; dumpxml --inactive ${name}`, CORPUS);
    });
    const failures: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const xml = readFileSync(join(CORPUS, files[i]), 'utf8');
      const conn = await open('test:///default');
      let ours: string;
      try {
        ours = await (await conn.defineXML(xml)).getXMLDesc({ inactive: true });
      } catch (e) {
        if (!isVirError(e)) throw e;
        ours = `error: ${e.message}${e.detail ? `\nerror: ${e.detail}` : ''}\n`;
      } finally {
        await conn.close();
      }
      const t = theirs[i];
      // a failed define: virsh's first error line is the context, the second the driver's message
      const expected = t.stderr.includes('Failed to define domain')
        ? `error: ${t.stderr.split('\n')[1].replace(/^error: /, '')}\n`
        : t.stdout.replace(/^Domain .* defined from .*\n\n/, '').replace(/\n\n$/, '\n');
      const maskMac = (s: string): string => (/<mac address=/.test(xml) ? s : s.replace(/<mac address='[^']*'\/>/g, '<mac/>'));
      if (maskMac(ours) !== maskMac(expected)) failures.push(`${files[i]}:\n--- virsh\n${expected}--- bvirsh\n${ours}`);
    }
    assert.equal(failures.length, 0, failures.join('\n'));
  });
});

if (!READY) {
  describe('differential: libvirt bhyve corpus', () => {
    it('is skipped: needs virsh 9 and ../shared/conformance/libvirt-bhyve', function () { this.skip(); });
  });
}
