// 1000 × `dominfo test` read from stdin (one process, one connection)
// against the same script through virsh; and, for scale, a 10 000-line
// script (src/cli/script-tuning.ts delays V8's optimising compiler in long
// scripts: short ones gain, very long ones pay a little — shown here).
'use strict';
const { bvirshBin, compare, rows, hasVirsh, requireCommands } = require('./lib');

exports.name = 'stdin script';
exports.run = async () => {
  requireCommands('dominfo');
  if (!hasVirsh()) throw new Error('virsh not installed (Debian: libvirt-clients): no baseline');
  const runs = Number(process.env.BENCH_RUNS_SLOW || 5);
  // NODE_EXTRA_CA_CERTS makes node itself read a certificate file before any of our code
  // runs (about 70 ms here), which virsh does not pay: measured without it too, same runs.
  const plain = process.env.NODE_EXTRA_CA_CERTS ? { ...process.env } : undefined;
  if (plain) delete plain.NODE_EXTRA_CA_CERTS;
  const script = (n, withPlain) => {
    const input = 'dominfo test\n'.repeat(n);
    const cmds = {
      bvirsh: { argv: [process.execPath, bvirshBin, '-c', 'test:///default'], input },
      virsh: { argv: ['virsh', '-c', 'test:///default'], input },
    };
    if (withPlain && plain) cmds.bvirshPlain = { argv: cmds.bvirsh.argv, input, env: plain };
    return compare(cmds, runs);
  };
  const t = script(1000, true);
  const out = rows(`1000 x dominfo test via stdin (median of ${runs})`, t, 'bvirsh', 'virsh', 'virsh', 1.0);
  if (t.bvirshPlain) out.push(...rows('  same, NODE_EXTRA_CA_CERTS unset', t, 'bvirshPlain', 'virsh', 'virsh', 1.0));
  const long = script(10000, false);
  out.push({ name: `  (for scale: 10 000 lines, median of ${runs})`, value: long.bvirsh.wall, baseline: long.virsh.wall, baselineName: 'virsh' });
  return out;
};
