/**
 * console --devname on bhyve (bhyve/console.ts): the names of the one port a
 * session attaches to — com1, else the first <serial> — are accepted; other
 * serial ports and unknown names are refused, never silently swapped for com1.
 */
import assert from 'node:assert/strict';
import { checkDeviceName } from '../../src/core/bhyve/console';
import { parseDomainXML } from '../../src/core/conf/xml-parse';

const def = (serials: string) => parseDomainXML(
  `<domain type='bhyve'><name>c</name><memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${serials}</devices></domain>`);
const serial = (port: number) => `<serial type='nmdm'><source master='/dev/nmdm${port}A' slave='/dev/nmdm${port}B'/><target port='${port}'/></serial>`;

describe('console --devname (bhyve)', () => {
  it('serialN (its index among the <serial>s) and console0 name the port the session attaches to', () => {
    const d = def(serial(0) + serial(1));
    for (const ok of ['serial0', 'console0']) assert.doesNotThrow(() => checkDeviceName(d, ok), ok);
    assert.throws(() => checkDeviceName(d, 'serial1'), {
      code: 'VIR_ERR_ARGUMENT_UNSUPPORTED',
      message: 'argument unsupported: character device serial1 cannot be opened: only the first serial port (serial0) has a console',
    });
    // com1 listed second is still the console: it is serial1 here
    const swapped = def(serial(1) + serial(0));
    assert.doesNotThrow(() => checkDeviceName(swapped, 'serial1'));
    assert.throws(() => checkDeviceName(swapped, 'serial0'), { message: /only the first serial port \(serial1\) has a console/ });
  });

  it('unknown names, and any name on a guest without serial ports: libvirt\'s "cannot find character device"', () => {
    for (const [d, name] of [[def(serial(0)), 'serial2'], [def(serial(0)), 'channel0'], [def(serial(0)), 'console1'], [def(''), 'serial0'], [def(''), 'console0']] as const) {
      assert.throws(() => checkDeviceName(d, name), { code: 'VIR_ERR_INTERNAL_ERROR', message: `internal error: cannot find character device ${name}` }, name);
    }
  });
});
