// Cold start: `bvirsh -c test:///default list --all` against `node -e 0`
// (median of interleaved runs; virsh shown for scale).
'use strict';
const { bvirshBin, compare, rows, hasVirsh, requireCommands } = require('./lib');

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
  const out = rows(`bvirsh -c test:///default list --all (median of ${runs})`, t, 'bvirsh', 'node', 'node -e 0', 1.5);
  if (t.virsh !== undefined) out.push({ name: '  (for scale: virsh list --all)', value: t.virsh.wall, baseline: t.node.wall, baselineName: 'node -e 0' });
  // NODE_EXTRA_CA_CERTS makes node read a certificate file at every start,
  // which inflates the baseline: measure without it too.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const u = compare({ node: { ...cmds.node, env }, bvirsh: { ...cmds.bvirsh, env } }, runs);
    out.push(...rows('  same, NODE_EXTRA_CA_CERTS unset', u, 'bvirsh', 'node', 'node -e 0', 1.5));
  }
  return out;
};
