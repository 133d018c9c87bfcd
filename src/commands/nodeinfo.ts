/** nodeinfo: node information (virNodeGetInfo). */
import { BaseCommand } from '../cli/base';
import { keyValue } from '../cli/output';
import type { NodeInfo } from '../core/api';

export default class Nodeinfo extends BaseCommand {
  static override summary = 'node information';
  static override strict = false; // no positional arguments: see BaseCommand

  async run(): Promise<NodeInfo> {
    const n = await (await this.conn()).getNodeInfo();
    this.out(keyValue([
      ['CPU model:', n.model], ['CPU(s):', n.cpus], ['CPU frequency:', `${n.mhz} MHz`], ['CPU socket(s):', n.sockets],
      ['Core(s) per socket:', n.cores], ['Thread(s) per core:', n.threads], ['NUMA cell(s):', n.nodes],
      ['Memory size:', `${n.memory} KiB`],
    ], 20));
    return n;
  }
}
