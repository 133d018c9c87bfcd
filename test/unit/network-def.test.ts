/**
 * The network XML model (src/core/network): parse → format keeps what libvirt
 * keeps and writes it as libvirt does; validation gives libvirt's words;
 * hostile or malformed XML is refused by the shared safe reader.
 */
import { strict as assert } from 'node:assert';
import { parseNetworkXML, ipPrefix } from '../../src/core/network/def';
import { formatNetworkXML } from '../../src/core/network/format';
import { isVirError } from '../../src/core/errors';
import { validateNetworkXML } from '../../src/core/network/validate';

function fails(xml: string, code: string, message: string): void {
  assert.throws(() => parseNetworkXML(xml), (e: unknown) => {
    assert.ok(isVirError(e), String(e));
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

describe('network XML model', () => {
  it('formats an isolated network as libvirt does (stp/delay filled in, <ip> always closed)', () => {
    const def = parseNetworkXML(`<network><name>iso</name><uuid>AAAAAAAA-0000-0000-0000-000000000001</uuid>
      <bridge name='bvirbr5' stp='off'/><mac address='52:54:00:AA:00:01'/>
      <ip address='10.0.5.1' prefix='24'><dhcp><range start='10.0.5.10' end='10.0.5.20'/><host mac='52:54:00:00:00:01' ip='10.0.5.7'/></dhcp></ip>
      <ip family='ipv6' address='fd00::1' prefix='64'/><dns><host ip='1.2.3.4'/></dns></network>`);
    assert.equal(formatNetworkXML(def), `<network>
  <name>iso</name>
  <uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid>
  <bridge name='bvirbr5' stp='off' delay='0'/>
  <mac address='52:54:00:aa:00:01'/>
  <ip address='10.0.5.1' prefix='24'>
    <dhcp>
      <range start='10.0.5.10' end='10.0.5.20'/>
      <host mac='52:54:00:00:00:01' ip='10.0.5.7'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00::1' prefix='64'>
  </ip>
</network>
`);
    assert.equal(def.forward.mode, 'none');
  });

  it('bridge mode: no stp/delay; route with a device: <interface> inside <forward>; <forward/> means nat', () => {
    assert.equal(formatNetworkXML(parseNetworkXML("<network><name>b</name><uuid>aaaaaaaa-0000-0000-0000-000000000002</uuid><forward mode='bridge'/><bridge name='bridge0' stp='on'/></network>")),
      "<network>\n  <name>b</name>\n  <uuid>aaaaaaaa-0000-0000-0000-000000000002</uuid>\n  <forward mode='bridge'/>\n  <bridge name='bridge0'/>\n</network>\n");
    assert.equal(formatNetworkXML(parseNetworkXML("<network><name>r</name><uuid>aaaaaaaa-0000-0000-0000-000000000003</uuid><forward mode='route' dev='em0'/></network>")),
      "<network>\n  <name>r</name>\n  <uuid>aaaaaaaa-0000-0000-0000-000000000003</uuid>\n  <forward dev='em0' mode='route'>\n    <interface dev='em0'/>\n  </forward>\n  <bridge stp='on' delay='0'/>\n</network>\n");
    assert.equal(parseNetworkXML('<network><name>n</name><forward/></network>').forward.mode, 'nat');
  });

  it('a round trip is stable, and a missing UUID is generated', () => {
    const def = parseNetworkXML("<network><name>x</name><ip address='10.1.0.1' netmask='255.255.0.0'/></network>");
    assert.match(def.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const text = formatNetworkXML(def);
    assert.equal(formatNetworkXML(parseNetworkXML(text)), text);
    assert.equal(ipPrefix(def.ips[0]), 16);
  });

  it('refuses invalid definitions with libvirt\'s words', () => {
    fails('<domain/>', 'VIR_ERR_XML_ERROR', "XML error: expecting root element of 'network', not 'domain'");
    fails('<network/>', 'VIR_ERR_NO_NAME', 'missing name information');
    fails('<network><name>a/b</name></network>', 'VIR_ERR_XML_ERROR', 'invalid char in name: /');
    fails('<network><name>u</name><uuid>nope</uuid></network>', 'VIR_ERR_INTERNAL_ERROR', 'internal error: malformed uuid element');
    fails("<network><name>m</name><forward mode='isolated'/></network>", 'VIR_ERR_CONFIG_UNSUPPORTED', "unsupported configuration: unknown forwarding type 'isolated'");
    fails("<network><name>d</name><bridge delay='x'/></network>", 'VIR_ERR_XML_ERROR', "XML error: Invalid delay value in network 'd'");
    fails("<network><name>c</name><mac address='01:00:00:00:00:01'/></network>", 'VIR_ERR_XML_ERROR', "XML error: Invalid multicast bridge mac address '01:00:00:00:00:01' in network 'c'");
    fails("<network><name>i</name><ip address='10.0.0.300'/></network>", 'VIR_ERR_XML_ERROR', "XML error: Invalid address '10.0.0.300' in network 'i'");
    fails("<network><name>p</name><ip address='10.0.0.1' prefix='33'/></network>", 'VIR_ERR_CONFIG_UNSUPPORTED', "unsupported configuration: Invalid IPv4 prefix '33' in network 'p'");
    fails("<network><name>p</name><ip address='fd00::1' family='ipv6' prefix='129'/></network>", 'VIR_ERR_CONFIG_UNSUPPORTED', "unsupported configuration: Invalid IPv6 prefix '129' in network 'p'");
    fails("<network><name>r</name><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.9' end='10.0.0.2'/></dhcp></ip></network>",
      'VIR_ERR_INTERNAL_ERROR', 'internal error: range 10.0.0.9 - 10.0.0.2 is reversed ');
    fails("<network><name>o</name><forward mode='open'/></network>", 'VIR_ERR_XML_ERROR', "XML error: open forwarding requested, but no IP address provided for network 'o'");
  });

  it('refuses DOCTYPE/entities and malformed XML', () => {
    assert.throws(() => parseNetworkXML('<!DOCTYPE network [<!ENTITY x "y">]><network><name>&x;</name></network>'), /DOCTYPE and entity declarations are not allowed/);
    assert.throws(() => parseNetworkXML('<network><name>bad</name>\n'), /Premature end of data in tag network/);
    assert.throws(() => parseNetworkXML(`<network><name>${'x'.repeat(33 * 1024 * 1024)}</name></network>`), /is larger than/);
  });

  it('--validate: libvirt\'s structure on test:///, exactly bvirsh\'s model on bhyve', () => {
    const schema = "XML document failed to validate against schema: Unable to validate doc against bvirsh's network model\n";
    const withDns = "<network><name>d</name><dns><host ip='10.0.0.2'/></dns><ip address='10.0.0.1' prefix='24'/></network>";
    validateNetworkXML(withDns, 'libvirt');
    assert.throws(() => validateNetworkXML(withDns, 'bhyve'), (e: unknown) => isVirError(e) && e.code === 'VIR_ERR_XML_INVALID_SCHEMA' &&
      e.message === `${schema}Element network has extra content: dns\n`);
    for (const model of ['libvirt', 'bhyve'] as const) {
      assert.throws(() => validateNetworkXML("<network><name>t</name><bridge nme='x'/></network>", model),
        (e: unknown) => isVirError(e) && e.message === `${schema}Invalid attribute nme for element bridge\n`);
      assert.throws(() => validateNetworkXML("<network><name>t</name><ip address='10.0.0.1'><dhcp><rnge/></dhcp></ip></network>", model),
        (e: unknown) => isVirError(e) && e.message === `${schema}Element dhcp has extra content: rnge\n`);
      assert.throws(() => validateNetworkXML('<domain/>', model), (e: unknown) => isVirError(e) && e.message === `${schema}Expecting element network, got domain\n`);
      validateNetworkXML("<network ipv6='yes'><name>f</name><uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid><forward mode='nat' dev='em0'><interface dev='em0'/><nat><port start='1' end='2'/></nat></forward>" +
        "<bridge name='b' stp='on' delay='0'/><mac address='52:54:00:00:00:01'/><domain name='x'/><ip family='ipv4' address='10.0.0.1' netmask='255.0.0.0'><dhcp><range start='10.0.0.2' end='10.0.0.3'/><host mac='52:54:00:00:00:02' name='h' ip='10.0.0.4'/></dhcp></ip></network>", model);
    }
  });
});
