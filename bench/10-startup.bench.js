// Cold start: `bvirsh -c test:///default list --all` against `node -e 0`
// (medians of interleaved runs; virsh shown for scale).
'use strict';
const { bvirshBin, compare, rows, hasVirsh, requireCommands } = require('./lib');

exports.name = 'cold start';
exports.run = async () => {
  requireCommands('list');
  const runs = Number(process.env.BENCH_RUNS || 21);
  const node = [process.execPath, '-e', '0'];
  const bvirsh = [process.execPath, bvirshBin, '-c', 'test:///default', 'list', '--all'];
  const cmds = { node: { argv: node }, bvirsh: { argv: bvirsh } };
  // NODE_EXTRA_CA_CERTS makes node read a certificate file at every start,
  // which inflates the baseline: measure without it too, in the same runs.
  const plain = process.env.NODE_EXTRA_CA_CERTS ? { ...process.env } : undefined;
  if (plain) {
    delete plain.NODE_EXTRA_CA_CERTS;
    cmds.nodePlain = { argv: node, env: plain };
    cmds.bvirshPlain = { argv: bvirsh, env: plain };
  }
  if (hasVirsh()) cmds.virsh = { argv: ['virsh', '-c', 'test:///default', 'list', '--all'] };
  const t = compare(cmds, runs);
  const out = rows(`bvirsh -c test:///default list --all (median of ${runs})`, t, 'bvirsh', 'node', 'node -e 0', 1.5);
  if (plain) out.push(...rows('  same, NODE_EXTRA_CA_CERTS unset', t, 'bvirshPlain', 'nodePlain', 'node -e 0', 1.5));
  if (t.virsh !== undefined) out.push({ name: '  (for scale: virsh list --all)', value: t.virsh.wall, baseline: t.node.wall, baselineName: 'node -e 0' });
  return out;
};
