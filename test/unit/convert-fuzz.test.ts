/**
 * Bounded fuzzing of both conversions (seeded, reproducible; a few thousand inputs, seconds):
 *  - mutated bhyve command lines → domxml-from-native: only VirError may be thrown; the XML
 *    produced must parse again and already be canonical (parse + format gives the same text); converted back it must be a bhyve line the independent
 *    allowlist (test/helpers/bhyve-allowlist.ts) accepts;
 *  - mutated domain XML → domxml-to-native: only VirError; every generated bhyve / loader
 *    line passes the allowlist.
 * Seeds: the corpus files when ../shared is present, plus built-in lines and documents.
 * Set BVIRSH_FUZZ_SEED / BVIRSH_FUZZ_N to explore further by hand.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainXMLFromNative } from '../../src/core/bhyve/native';
import { buildBhyveCommand } from '../../src/core/bhyve/command';
import { parseDomainXML } from '../../src/core/conf/xml-parse';
import { formatDomainXML } from '../../src/core/conf/xml-format';
import { applyBhyveDefaults } from '../../src/core/conf/postparse';
import { VirError } from '../../src/core/errors';
import { bhyveArgvProblems, loaderArgvProblems } from '../helpers/bhyve-allowlist';
import { CORPUS_DIR } from '../conformance/corpus';
import { prng } from '../helpers/prng';

const SEED = Number(process.env.BVIRSH_FUZZ_SEED ?? 20261125);
const N = Number(process.env.BVIRSH_FUZZ_N ?? 2000);


const BUILTIN_ARGS = [
  "bhyve -c 2 -m 1G -AHPuw -s 0,hostbridge -s 31,lpc -l com1,/dev/nmdm0A -l bootrom,/usr/local/share/uefi-firmware/BHYVE_UEFI.fd \\\n -s 3,virtio-net,tap0,mac=58:9c:fc:00:00:01 -s 4,ahci,hd:/vm/a.img,cd:/vm/b.iso -s 5,nvme,/vm/c.img,maxq=2 \\\n -s 29,fbuf,tcp=0.0.0.0:5900,w=1024,h=768,wait -s 30,xhci,tablet vm1",
  "/usr/sbin/bhyveload -m 512M -d /vm/disk.img vm2\n/usr/sbin/bhyve -c cpus=4,sockets=2,cores=2,threads=1 -m 512M -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-blk,/vm/disk.img,ro -s 6,virtio-rnd -s 7,virtio-9p,share=/srv/share,ro -s 8,hda,play=/dev/dsp0 -s 9,passthru,2/0/0 -s 10,virtio-console,org.qemu.guest_agent.0=/var/run/a.sock -p 0:1 -U 2a793ea6-8e52-440a-8458-355e98492e17 -o bios.vendor=X vm2",
  "grub-bhyve --root hd0,msdos1 --device-map /vm/device.map --memory 256 vm3 && bhyve -m 256 -HP -s 0,hostbridge -s 2,e1000,slirp vm3",
];

const BUILTIN_XML = [
  "<domain type='bhyve'><name>f1</name><memory unit='MiB'>512</memory><vcpu>2</vcpu><os><type>hvm</type><loader readonly='yes' type='pflash'>/fw/BHYVE_UEFI.fd</loader></os><clock offset='utc'/><devices><disk type='file' device='disk'><source file='/vm/a.img'/><target dev='vda' bus='virtio'/></disk><disk type='file' device='cdrom'><source file='/vm/b.iso'/><target dev='sda' bus='sata'/></disk><interface type='bridge'><source bridge='bridge0'/><model type='virtio'/></interface><serial type='nmdm'><source master='/dev/nmdm0A' slave='/dev/nmdm0B'/></serial><graphics type='vnc' port='5900'/><video><model type='gop'/></video></devices></domain>",
];

function corpusSeeds(): { args: string[]; xml: string[] } {
  const args: string[] = [], xml: string[] = [];
  if (!existsSync(CORPUS_DIR)) return { args, xml };
  const a = join(CORPUS_DIR, 'bhyveargv2xmldata');
  for (const f of readdirSync(a)) if (f.endsWith('.args')) args.push(readFileSync(join(a, f), 'utf8'));
  for (const arch of ['x86_64', 'aarch64']) {
    const d = join(CORPUS_DIR, 'bhyvexml2argvdata', arch);
    for (const f of readdirSync(d)) {
      if (f.endsWith('.xml')) xml.push(readFileSync(join(d, f), 'utf8'));
      if (f.endsWith('.args')) args.push(readFileSync(join(d, f), 'utf8'));
    }
  }
  return { args, xml };
}

const TOKENS = ['-s', '-l', '-c', '-m', '-o', '-p', '-U', '-S', '-A', '-H', '-P', '-u', '-w', '-x', '-D', '-n', '-G', '-k', '-Z', '--',
  '1:0,lpc', '31,lpc', '2:0,virtio-net,tap0', '3,e1000,slirp,hostfwd=tcp::22-:22', '4,ahci,hd:/a,cd:/b,nmrr=1', '5,fbuf,tcp=[::1]:5900,w=800,h=600',
  '6,passthru,ppt0', '7,nvme,ram=1024', '0:0,amd_hostbridge', '8,uart,stdio', 'com3,tcp=127.0.0.1:4444', 'com1,stdio', 'bootrom,/fw.fd,/vars.fd',
  'tpm,swtpm,/sock', 'fwcfg,bhyve', 'cpus=3,sockets=1,cores=3', 'cores=2,threads=2', '0:7', 'pci.0.0.0.vendor=1', 'name=x',
  "'quoted arg'", '"double $HOME"', '\\\n', '#comment', ';', '&&', '|', '>', '$(x)', '`x`', '~', 'a,b,,c', ':::', '0x100000', '512k', '4T', '1048576',
  'vm', 'x'.repeat(40), '', '=', ',', '/usr/sbin/bhyve', 'bhyveload', '-m 64 -d /a vm', 'timeout -k 5s 20s bhyveload'];

function mutateText(text: string, rnd: () => number): string {
  const words = text.split(/(\s+)/);
  const pick = (arr: string[]): string => arr[Math.floor(rnd() * arr.length)];
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rnd() * words.length);
    switch (Math.floor(rnd() * 7)) {
      case 0: words.splice(i, 1); break;
      case 1: words.splice(i, 0, pick(TOKENS), ' '); break;
      case 2: words[i] = pick(TOKENS); break;
      case 3: { const w = words[i] ?? ''; const p = Math.floor(rnd() * (w.length + 1)); words[i] = w.slice(0, p) + pick([',', '=', ':', '\'', '"', '\\', '$', '0', '/', 'A', '-', ' ']) + w.slice(p); break; }
      case 4: { const j = Math.floor(rnd() * words.length); [words[i], words[j]] = [words[j], words[i]]; break; }
      case 5: words.splice(i, 0, words[Math.floor(rnd() * words.length)] ?? '', ' '); break;
      default: return words.join('').slice(0, Math.floor(rnd() * text.length));
    }
  }
  return words.join('');
}

const XML_JUNK = ['<', '>', '&', "'", '"', '-1', '0', '4294967296', '99999999999999999999', 'a,b', 'x\ny', '/dev/nmdm0', '..', 'yes', 'no',
  'sata', 'nvme', 'virtio', 'scsi', 'e1000', 'cdrom', 'pci', 'drive', '0x1f', '0x20', 'tcp', 'unix', 'nmdm', 'efi', 'utc', 'bhyve', 'x'.repeat(33)];

function mutateXml(xml: string, rnd: () => number): string {
  let out = xml;
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const values = [...out.matchAll(/(['"])([^'"<>]*)\1|>([^<>]+)</g)];
    const r = Math.floor(rnd() * 5);
    if (r <= 1 && values.length > 0) {
      const m = values[Math.floor(rnd() * values.length)];
      const q = m[1] ?? '';
      const rep = q ? `${q}${XML_JUNK[Math.floor(rnd() * XML_JUNK.length)].replace(q === "'" ? /'/g : /"/g, '')}${q}` : `>${XML_JUNK[Math.floor(rnd() * XML_JUNK.length)]}<`;
      out = out.slice(0, m.index) + rep + out.slice((m.index ?? 0) + m[0].length);
    } else if (r === 2) {
      const lines = out.split('\n');
      lines.splice(Math.floor(rnd() * lines.length), 1);
      out = lines.join('\n');
    } else if (r === 3) {
      const lines = out.split('\n');
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)]);
      out = lines.join('\n');
    } else {
      const p = Math.floor(rnd() * out.length);
      out = out.slice(0, p) + XML_JUNK[Math.floor(rnd() * XML_JUNK.length)] + out.slice(p + Math.floor(rnd() * 3));
    }
  }
  return out;
}

function expectOnlyVirError(fn: () => void, input: string): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirError) return;
    assert.fail(`non-VirError ${(e as Error)?.stack ?? String(e)}\n--- input ---\n${input}`);
  }
}

/** to-native the way the driver does it, checking every generated line */
function toNativeChecked(xml: string, fromArgv: boolean): void {
  const def = parseDomainXML(xml);
  applyBhyveDefaults(def, { macGenerator: () => '52:54:00:00:00:01', firmwareList: () => ['BHYVE_UEFI.fd'] });
  const plan = buildBhyveCommand(def, {});
  let argv = plan.bhyve;
  const extra = def.bhyveCommandline?.args ?? [];
  if (!fromArgv && extra.length > 0) {
    // <bhyve:commandline> arguments written by hand go to bhyve verbatim (libvirt's own corpus has
    // non-options there); they sit just before the VM name — check the rest of the line.
    assert.deepEqual(argv.slice(-1 - extra.length, -1), extra);
    argv = [...argv.slice(0, -1 - extra.length), argv[argv.length - 1]];
  }
  const problems = bhyveArgvProblems(argv);
  assert.deepEqual(problems, [], `bhyve line ${JSON.stringify(plan.bhyve)}\n--- from ---\n${xml}`);
  if (plan.loader && !def.bootloader && def.bootloaderArgs === undefined) {
    assert.deepEqual(loaderArgvProblems(plan.loader.argv), [], `loader line ${JSON.stringify(plan.loader.argv)}\n--- from ---\n${xml}`);
  }
}

describe('fuzz: argv ↔ XML conversions', function () {
  const seeds = corpusSeeds();
  const argSeeds = [...BUILTIN_ARGS, ...seeds.args];
  const xmlSeeds = [...BUILTIN_XML, ...seeds.xml];

  it(`${N} mutated command lines: VirError or XML that converts back to an allowed bhyve line (seed ${SEED})`, () => {
    const rnd = prng(SEED);
    let converted = 0;
    for (let k = 0; k < N; k++) {
      const input = mutateText(argSeeds[k % argSeeds.length], rnd);
      let xml: string | undefined;
      expectOnlyVirError(() => { xml = domainXMLFromNative('bhyve-argv', input, { uuidFor: () => 'c7a5fdbd-edaf-9455-926a-d65c16db1809' }); }, input);
      if (xml === undefined) continue;
      converted++;
      // our own XML must be accepted by our own XML parser
      let reparsed: string | undefined;
      try { reparsed = formatDomainXML(parseDomainXML(xml)); } catch (e) { assert.fail(`from-native produced XML the parser rejects: ${(e as Error).message}\n--- input ---\n${input}\n--- xml ---\n${xml}`); }
      // and it is already canonical: define + dumpxml would print the same document
      assert.equal(reparsed, xml, `from-native XML is not canonical\n--- input ---\n${input}`);
      expectOnlyVirError(() => toNativeChecked(xml!, true), input);
    }
    assert.ok(converted > N / 10, `too few mutated lines converted (${converted}); the mutator is too destructive to test much`);
  });

  it(`${N} mutated domain XML documents: VirError or allowed bhyve/loader lines (seed ${SEED + 1})`, () => {
    const rnd = prng(SEED + 1);
    let converted = 0;
    for (let k = 0; k < N; k++) {
      const input = mutateXml(xmlSeeds[k % xmlSeeds.length], rnd);
      let ok = false;
      expectOnlyVirError(() => { toNativeChecked(input, false); ok = true; }, input);
      if (ok) converted++;
    }
    assert.ok(converted > N / 10, `too few mutated documents converted (${converted})`);
  });
});
