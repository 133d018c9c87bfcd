// Cold start: `bvirsh -c test:///default list --all` against `node -e 0`
// (median of interleaved runs; virsh shown for scale).
'use strict';
const { bvirshBin, compare, hasVirsh, requireCommands } = require('./lib');

exports.name = 'cold start';
exports.run = async () => {
  requireCommands('list');
  const runs = Number(process.env.BENCH_RUNS || 21);
  const cmds = {
    node: { argv: [process.execPath, '-e', '0'] },
    bvirsh: { argv: [process.execPath, bvirshBin, '-c', 'test:///default', 'list', '--all'] },
  };
  if (hasVirsh()) cmds.virsh = { argv: ['virsh', '-c', 'test:///default', 'list', '--all'] };
  const t = compare(cmds, runs);
  const rows = [{ name: `bvirsh -c test:///default list --all (median of ${runs})`, value: t.bvirsh, baseline: t.node, baselineName: 'node -e 0', goal: 1.5 }];
  if (t.virsh !== undefined) rows.push({ name: '  (for scale: virsh list --all)', value: t.virsh, baseline: t.node, baselineName: 'node -e 0' });
  return rows;
};
