/** cpu-models: CPU models of an architecture (virConnectGetCPUModelNames). An empty list
 *  means the driver accepts any model, printed as virsh does. */
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base';
import { VirError } from '../core/errors';

export default class CpuModels extends BaseCommand {
  static override summary = 'CPU models';
  static libvirt = 'virConnectGetCPUModelNames';
  static override args = { arch: Args.string({ description: 'architecture' }) };
  static override requiredOptions = ['arch'];
  static override flags = { arch: Flags.string({ description: 'architecture', helpValue: '<string>' }) };

  async run(): Promise<{ arch: string; models: string[] }> {
    const arch = this.required('arch');
    const conn = await this.conn();
    const models = await this.attempt('failed to get CPU model names', async () => {
      if (!conn.getCPUModelNames) {
        throw new VirError('VIR_ERR_NO_SUPPORT', 'this function is not supported by the connection driver: virConnectGetCPUModelNames');
      }
      return conn.getCPUModelNames(arch);
    });
    this.out(models.length === 0 ? 'all CPU models are accepted\n' : models.map((m) => `${m}\n`).join(''));
    return { arch, models };
  }
}
