import { type Context, Contract } from 'fabric-contract-api';

import { listenForPeerCapabilities } from './peer-protocol';
import { checkTxTime } from './tx-time';
import { bufferWrites } from './write-buffer';

listenForPeerCapabilities();

const pendingFlushes = new WeakMap<Context, () => Promise<void>>();

/**
 * The base of every xborder contract: a proposal whose timestamp is too far from the endorser's clock
 * is refused (tx-time.ts); a transaction's writes reach the peer in one batch, sent when the
 * transaction function has returned (see write-buffer.ts); a function that throws sends nothing.
 */
export class XborderContract extends Contract {
  override beforeTransaction(ctx: Context): Promise<void> {
    checkTxTime(ctx);
    const flush = bufferWrites(ctx.stub);
    if (flush) pendingFlushes.set(ctx, flush);
    return Promise.resolve();
  }

  override async afterTransaction(ctx: Context): Promise<void> {
    const flush = pendingFlushes.get(ctx);
    pendingFlushes.delete(ctx);
    if (flush) await flush();
  }
}
