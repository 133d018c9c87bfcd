// 1000 × `dominfo test` read from stdin (one process, one connection)
// against the same script through virsh.
'use strict';
const { bvirshBin, compare, rows, hasVirsh, requireCommands } = require('./lib');

exports.name = 'stdin script';
exports.run = async () => {
  requireCommands('dominfo');
  if (!hasVirsh()) throw new Error('virsh not installed (Debian: libvirt-clients): no baseline');
  const n = 1000;
  const input = 'dominfo test\n'.repeat(n);
  const runs = Number(process.env.BENCH_RUNS_SLOW || 5);
  const t = compare({
    bvirsh: { argv: [process.execPath, bvirshBin, '-c', 'test:///default'], input },
    virsh: { argv: ['virsh', '-c', 'test:///default'], input },
  }, runs);
  return rows(`${n} x dominfo test via stdin (median of ${runs})`, t, 'bvirsh', 'virsh', 'virsh', 1.0);
};
