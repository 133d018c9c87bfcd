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
  const script = (n) => {
    const input = 'dominfo test\n'.repeat(n);
    return compare({
      bvirsh: { argv: [process.execPath, bvirshBin, '-c', 'test:///default'], input },
      virsh: { argv: ['virsh', '-c', 'test:///default'], input },
    }, runs);
  };
  const out = rows(`1000 x dominfo test via stdin (median of ${runs})`, script(1000), 'bvirsh', 'virsh', 'virsh', 1.0);
  const long = script(10000);
  out.push({ name: `  (for scale: 10 000 lines, median of ${runs})`, value: long.bvirsh.wall, baseline: long.virsh.wall, baselineName: 'virsh' });
  return out;
};
