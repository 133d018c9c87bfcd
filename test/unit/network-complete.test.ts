/** The shell's Tab completion offers network names for the net-* commands' <network> argument. */
import { strict as assert } from 'node:assert';
import { complete } from '../../src/cli/repl';
import { session } from '../../src/cli/session';

describe('REPL completion of network names', () => {
  before(async () => {
    await session.close();
    session.options = { uri: 'test:///default', readonly: false, quiet: false };
  });
  after(async () => {
    await session.close();
    session.options = { readonly: false, quiet: false };
  });

  it('completes a network after net-info, net-start --network, not after a file option', async () => {
    assert.deepEqual(await complete('net-info d'), [['default'], 'd']);
    assert.deepEqual(await complete('net-start --network de'), [['default'], 'de']);
    assert.deepEqual(await complete('net-info x'), [[], 'x']);
    assert.deepEqual(await complete('net-define --file d'), [[], 'd']);
    // domain commands still complete domains, not networks
    assert.deepEqual(await complete('dominfo d'), [[], 'd']);
  });
});
