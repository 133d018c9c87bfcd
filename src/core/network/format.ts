/**
 * formatNetworkXML(): a NetworkDef as libvirt 9 writes it (virsh net-dumpxml):
 * two-space indent, single-quoted attributes, element order name, uuid,
 * forward, bridge, mac, domain, ip. Quirks kept on purpose (awk/xpath scripts
 * written against virsh see the same text): <bridge> carries stp/delay only
 * for modes where libvirt owns the bridge, and an <ip> without <dhcp> is still
 * written with an open and a close tag.
 */
import { ownsBridge, type NetworkDef } from './def';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

function attrs(list: Array<[string, string | number | undefined]>): string {
  return list.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}='${esc(String(v))}'`).join('');
}

export function formatNetworkXML(def: NetworkDef): string {
  let x = `<network${attrs([['ipv6', def.ipv6]])}>\n`;
  x += `  <name>${esc(def.name)}</name>\n  <uuid>${def.uuid}</uuid>\n`;
  const f = def.forward;
  if (f.mode !== 'none') {
    const head = `  <forward${attrs([['dev', f.dev], ['mode', f.mode]])}`;
    const inner = (f.dev !== undefined ? `    <interface dev='${esc(f.dev)}'/>\n` : '') +
      (f.natPorts ? `    <nat>\n      <port start='${esc(f.natPorts.start)}' end='${esc(f.natPorts.end)}'/>\n    </nat>\n` : '');
    x += inner ? `${head}>\n${inner}  </forward>\n` : `${head}/>\n`;
  }
  if (ownsBridge(f.mode)) {
    x += `  <bridge${attrs([['name', def.bridge.name], ['stp', def.bridge.stp ? 'on' : 'off'], ['delay', def.bridge.delay]])}/>\n`;
  } else if (def.bridge.name !== undefined) {
    x += `  <bridge name='${esc(def.bridge.name)}'/>\n`;
  }
  if (def.mac !== undefined) x += `  <mac address='${def.mac}'/>\n`;
  if (def.domainName !== undefined) x += `  <domain name='${esc(def.domainName)}'/>\n`;
  for (const ip of def.ips) {
    x += `  <ip${attrs([['family', ip.family], ['address', ip.address], ['netmask', ip.netmask], ['prefix', ip.prefix]])}>\n`;
    if (ip.dhcp) {
      x += '    <dhcp>\n';
      for (const r of ip.dhcp.ranges) x += `      <range start='${r.start}' end='${r.end}'/>\n`;
      for (const h of ip.dhcp.hosts) x += `      <host${attrs([['mac', h.mac], ['name', h.name], ['ip', h.ip]])}/>\n`;
      x += '    </dhcp>\n';
    }
    x += '  </ip>\n';
  }
  return `${x}</network>\n`;
}
