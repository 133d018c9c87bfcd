import { strict as assert } from 'node:assert';
import { defaultURI, parseURI } from '../../src/core/uri';

describe('uri', () => {
  it('parses driver, transport, user, host and path', () => {
    const u = parseURI('bhyve+ssh://root@host1/system');
    assert.deepEqual([u.scheme, u.transport, u.user, u.host, u.path], ['bhyve', 'ssh', 'root', 'host1', '/system']);
    assert.equal(parseURI('sim:///tmp/x').path, '/tmp/x');
  });

  it('rejects text that is not a URI', () => {
    assert.throws(() => parseURI('not a uri'), /unable to parse URI/);
  });

  it('prefers BVIRSH_DEFAULT_URI, then LIBVIRT_DEFAULT_URI only when the scheme is ours', () => {
    assert.equal(defaultURI({ BVIRSH_DEFAULT_URI: 'test:///default', LIBVIRT_DEFAULT_URI: 'sim:///x' }), 'test:///default');
    assert.equal(defaultURI({ LIBVIRT_DEFAULT_URI: 'sim:///x' }), 'sim:///x');
    assert.equal(defaultURI({ LIBVIRT_DEFAULT_URI: 'qemu:///system' }, (s) => s === 'test'), 'test:///default');
  });
});
