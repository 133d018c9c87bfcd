/**
 * capabilities XML of the test driver, as `virsh -c test:///… capabilities`
 * prints it (i686 host, testSecurity model, hvm and xen guests).
 */
import type { TestCell } from './node';

export function testCapabilitiesXML(cells: TestCell[]): string {
  const cellXML = cells.map((c, i) => {
    const cpus = c.cpus.map((p) =>
      `            <cpu id='${p.id}' socket_id='${p.socket}' die_id='0' core_id='${p.core}' siblings='${p.id}'/>\n`).join('');
    const firstPage = i === 1 ? 8 : 4;
    return `        <cell id='${i}'>\n` +
      `          <memory unit='KiB'>${c.memory}</memory>\n` +
      `          <pages unit='KiB' size='${firstPage}'>${Math.floor(c.memory / firstPage)}</pages>\n` +
      `          <pages unit='KiB' size='2048'>0</pages>\n` +
      `          <pages unit='KiB' size='1048576'>0</pages>\n` +
      `          <cpus num='${c.cpus.length}'>\n${cpus}          </cpus>\n` +
      `        </cell>\n`;
  }).join('');
  const guest = (osType: string): string => `  <guest>
    <os_type>${osType}</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/test-hv</emulator>
      <domain type='test'/>
    </arch>
    <features>
      <pae/>
      <nonpae/>
    </features>
  </guest>

`;
  return `<capabilities>

  <host>
    <cpu>
      <arch>i686</arch>
      <features>
        <pae/>
        <nonpae/>
      </features>
      <pages unit='KiB' size='4'/>
      <pages unit='KiB' size='8'/>
      <pages unit='KiB' size='2048'/>
      <pages unit='KiB' size='1048576'/>
    </cpu>
    <power_management/>
    <iommu support='no'/>
    <topology>
      <cells num='${cells.length}'>
${cellXML}      </cells>
    </topology>
    <secmodel>
      <model>testSecurity</model>
      <doi></doi>
    </secmodel>
  </host>

${guest('hvm')}${guest('xen')}</capabilities>
`;
}
