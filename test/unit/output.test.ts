/** virsh's layouts (src/cli/output.ts), with texts copied from virsh 9.0 output. */
import { strict as assert } from 'node:assert';
import { cpuRanges, keyValue, stateName, table, versionString } from '../../src/cli/output';

describe('output layouts', () => {
  it('table: padded cells, three-space gaps, a rule of Σ(width+3) dashes, last column unpadded', () => {
    assert.equal(table(['Interface', 'Type', 'Source', 'Model', 'MAC'], [['testnet0', 'network', 'default', '-', 'aa:bb:cc:dd:ee:ff']]),
      ' Interface   Type      Source    Model   MAC\n' +
      '------------------------------------------------------------\n' +
      ' testnet0    network   default   -       aa:bb:cc:dd:ee:ff\n');
    assert.equal(table(['Id', 'Name', 'State'], []), ' Id   Name   State\n--------------------\n');
  });

  it('table without heading (virsh -q) sizes columns by the rows alone', () => {
    assert.equal(table(['Id', 'Name', 'State'], [['1', 'test', 'running'], ['-', 'longer', 'shut off']], { header: false }),
      ' 1   test     running\n -   longer   shut off\n');
  });

  it('keyValue pads the key to the width and keeps empty values', () => {
    assert.equal(keyValue([['Id:', 1], ['Security DOI:', '']]), 'Id:             1\nSecurity DOI:   \n');
    assert.equal(keyValue([['CPU model:', 'i686']], 20), 'CPU model:           i686\n');
  });

  it('cpu sets as libvirt bitmaps', () => {
    assert.equal(cpuRanges([true, true, true, false, true, false, true, true]), '0-2,4,6-7');
    assert.equal(cpuRanges([false, false]), '');
  });

  it('versions and state names as virsh prints them', () => {
    assert.equal(versionString(9000000), '9.0.0');
    assert.equal(versionString(2), '0.0.2');
    assert.deepEqual([0, 1, 3, 5, 6, 7].map(stateName), ['no state', 'running', 'paused', 'shut off', 'crashed', 'pmsuspended']);
  });
});
