import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

import { canonicalBytes } from '@xborder/protocol';

/**
 * The benchmark baseline: the usual CreateAsset shape (one getState, one putState of about 100 bytes
 * of canonical JSON), deployed next to xborder on the same channel with the same endorsement policy.
 */
@Info({ title: 'BaselineContract', description: 'create-asset baseline for benchmarks' })
export class BaselineContract extends Contract {
  constructor() {
    super('baseline');
  }

  @Transaction()
  async CreateAsset(ctx: Context, id: string, color: string, owner: string, size: number, value: number): Promise<void> {
    const existing = await ctx.stub.getState(id);
    if (existing.length > 0) throw new Error(`ASSET_EXISTS: ${id}`);
    await ctx.stub.putState(id, canonicalBytes({ ID: id, Color: color, Owner: owner, Size: size, AppraisedValue: value }));
  }

  @Transaction(false)
  @Returns('string')
  async ReadAsset(ctx: Context, id: string): Promise<string> {
    const bytes = await ctx.stub.getState(id);
    if (bytes.length === 0) throw new Error(`ASSET_NOT_FOUND: ${id}`);
    return new TextDecoder().decode(bytes);
  }
}

export const contracts: (typeof BaselineContract)[] = [BaselineContract];
