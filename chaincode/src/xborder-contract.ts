import { type Context, Contract } from 'fabric-contract-api';

import { batchingFor } from './peer-batching';
import { checkTxTime } from './tx-time';

/**
 * The base of every xborder contract: a proposal whose timestamp is too far from the endorser's clock
 * is refused (tx-time.ts); a transaction's writes reach the peer in one batch, sent when the
 * transaction function has returned (see peer-batching.ts); a function that throws sends nothing.
 */
export class XborderContract extends Contract {
  override beforeTransaction(ctx: Context): Promise<void> {
    checkTxTime(ctx);
    batchingFor(ctx.stub).startWriteBatch();
    return Promise.resolve();
  }

  override async afterTransaction(ctx: Context): Promise<void> {
    await batchingFor(ctx.stub).finishWriteBatch();
  }
}
