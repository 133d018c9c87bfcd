/**
 * What virsh's net-* commands share: the <network> argument, virsh's network
 * lookup (a 36-character UUID first, then the name; `failed to get network 'x'`
 * over the driver's reason), and the shape of the one-network actions
 * (net-start, net-destroy, net-undefine): look up, one call, virsh's sentence.
 */
import { Args, Flags } from '@oclif/core';
import type { Connection, Network } from '../core/api';
import { isVirError, VirError } from '../core/errors';
import { BaseCommand } from './base';

export const networkArgs = { network: Args.string({ description: 'network name or uuid' }) };
export const networkFlag = { network: Flags.string({ description: 'network name or uuid', helpValue: '<network>' }) };

type NetworkCalls = Required<Pick<Connection, 'listAllNetworks' | 'networkLookupByName' | 'networkLookupByUUIDString' |
  'networkDefineXML' | 'networkCreateXML'>>;

/** The connection's network calls, or libvirt's "not supported" error. */
export function networkCalls(conn: Connection, api = 'virConnectListAllNetworks'): NetworkCalls {
  if (!conn.listAllNetworks || !conn.networkLookupByName || !conn.networkLookupByUUIDString || !conn.networkDefineXML || !conn.networkCreateXML) {
    throw new VirError('VIR_ERR_NO_SUPPORT', `this function is not supported by the connection driver: ${api}`);
  }
  return conn as Connection & NetworkCalls;
}

const UUID36 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** virsh's vshCommandOptNetworkBy: by UUID (36 characters), then by name. */
export async function lookupNetwork(conn: Connection, key: string, by: { uuid?: boolean; name?: boolean } = { uuid: true, name: true }): Promise<Network> {
  const calls = networkCalls(conn, by.name ? 'virNetworkLookupByName' : 'virNetworkLookupByUUIDString');
  let reason: VirError | undefined;
  if (by.uuid && key.length === 36) {
    try { return await calls.networkLookupByUUIDString(key); } catch (e) { if (!isVirError(e)) throw e; reason = e; }
  }
  if (by.name) {
    try { return await calls.networkLookupByName(key); } catch (e) { if (!isVirError(e)) throw e; reason = e; }
  }
  // a key that was no UUID at all (net-name) gets virsh's bare line
  const detail = reason && (by.name || UUID36.test(key)) ? reason.message : undefined;
  throw new VirError('VIR_ERR_NO_NETWORK', `failed to get network '${key}'`, { detail });
}

export abstract class NetworkCommand extends BaseCommand {
  static override args = networkArgs;
  static override requiredOptions = ['network'];
  static override flags = networkFlag;

  protected async networkArg(by?: { uuid?: boolean; name?: boolean }): Promise<Network> {
    const key = this.required('network');
    return lookupNetwork(await this.conn(), key, by);
  }
}

export abstract class NetworkActionCommand extends NetworkCommand {
  /** "start" in "Failed to start network x" */
  protected abstract readonly verb: string;
  /** "started" in "Network x started" */
  protected abstract readonly done: string;
  protected abstract act(net: Network): Promise<void>;

  async run(): Promise<{ network: string; result: string }> {
    const net = await this.networkArg();
    const name = net.getName();
    await this.attempt(`Failed to ${this.verb} network ${name}`, () => this.act(net));
    this.extra(`Network ${name} ${this.done}\n`);
    return { network: name, result: this.done };
  }
}
