// `list --all` on a generated node XML with 1000 domains (test:///FILE.xml)
// against virsh on the same file.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bvirshBin, compare, rows, hasVirsh, requireCommands } = require('./lib');

function nodeXML(n) {
  const doms = [];
  for (let i = 0; i < n; i++) {
    const uuid = `6695eb01-f6a4-8304-79aa-${i.toString(16).padStart(12, '0')}`;
    // Every third domain is defined but shut off.
    const state = i % 3 === 2 ? '<test:runstate>5</test:runstate>' : '';
    doms.push(`  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>vm${String(i).padStart(4, '0')}</name><uuid>${uuid}</uuid>
    <memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>
    ${state}
  </domain>`);
  }
  return `<node>\n  <cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>\n  <memory>8388608</memory>\n${doms.join('\n')}\n</node>\n`;
}

exports.name = 'list 1000 domains';
exports.run = async () => {
  requireCommands('list');
  if (!hasVirsh()) throw new Error('virsh not installed (Debian: libvirt-clients): no baseline');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bvirsh-bench-'));
  try {
    const file = path.join(dir, 'node.xml');
    fs.writeFileSync(file, nodeXML(1000));
    const uri = `test://${file}`;
    const runs = Number(process.env.BENCH_RUNS_SLOW || 5);
    const t = compare({
      bvirsh: { argv: [process.execPath, bvirshBin, '-c', uri, 'list', '--all'] },
      virsh: { argv: ['virsh', '-c', uri, 'list', '--all'] },
    }, runs);
    return rows(`list --all, 1000-domain node XML (median of ${runs})`, t, 'bvirsh', 'virsh', 'virsh', 1.0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
