/**
 * Follows the gateway peer's blocks as one stream (the peer's deliver service: one signed request,
 * then every block as it commits) and keeps, for recent heights, the last header hash and the
 * validity chain value, and the newest block that did more than record checkpoints. A continuous
 * checkpointer reads these instead of asking the peer for every block, which would cost the peer a
 * signed query per block.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';

import { blockHeaderHash, parseTransaction } from './ledger';
import { extendWithBlock } from './validity';

/** Ledger keys of recorded checkpoints start with this (the chaincode's state keys). */
const CHECKPOINT_KEY_PREFIX = 'checkpoint\u0001';
const KEPT = 4096;

/** Whether every transaction of a block only records checkpoints (so it needs no checkpoint of its own). */
export function onlyCheckpoints(block: common.Block, chaincode: string): boolean {
  const txs = (block.getData()?.getDataList_asU8() ?? []).map((d) => parseTransaction(d));
  return (
    txs.length > 0 &&
    txs.every((tx) => tx.writes.length > 0 && tx.writes.every((w) => w.namespace === chaincode && w.key.startsWith(CHECKPOINT_KEY_PREFIX)))
  );
}

export class ChainTracker {
  readonly #chaincode: string;
  readonly #validity = new Map<number, string>();
  readonly #headers = new Map<number, string>();
  #height: number;
  #value: string;
  #lastBusy = -1;
  #failure: Error | undefined;
  #close: () => void = () => undefined;

  private constructor(chaincode: string, height: number, validity: string) {
    this.#chaincode = chaincode;
    this.#height = height;
    this.#value = validity;
    this.#validity.set(height, validity);
  }

  /** Starts following from `height` (blocks below it are summarised by `validity`, the chain value there). */
  static async start(network: Network, chaincode: string, height: number, validity: string): Promise<ChainTracker> {
    const tracker = new ChainTracker(chaincode, height, validity);
    const events = await network.getBlockEvents({ startBlock: BigInt(height) });
    tracker.#close = () => {
      events.close();
    };
    void (async () => {
      try {
        for await (const block of events) tracker.#add(block);
      } catch (err) {
        tracker.#failure = err instanceof Error ? err : new Error(String(err));
      }
    })();
    return tracker;
  }

  #add(block: common.Block): void {
    const header = block.getHeader();
    if (!header || header.getNumber() !== this.#height) {
      this.#failure = new Error(`block stream out of order at ${String(header?.getNumber())}, expected ${String(this.#height)}`);
      this.#close();
      return;
    }
    this.#value = extendWithBlock(this.#value, block);
    this.#height++;
    this.#validity.set(this.#height, this.#value);
    this.#headers.set(this.#height, blockHeaderHash(header).toString('hex'));
    if (!onlyCheckpoints(block, this.#chaincode)) this.#lastBusy = header.getNumber();
    for (const map of [this.#validity, this.#headers]) {
      const oldest = map.keys().next().value;
      if (map.size > KEPT && oldest !== undefined) map.delete(oldest);
    }
  }

  /** Blocks seen so far (the height reached). */
  get height(): number {
    return this.#height;
  }

  /** The newest block that did more than record checkpoints, or -1. */
  get lastBusyBlock(): number {
    return this.#lastBusy;
  }

  /** Why the stream stopped, if it did. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  validityAt(height: number): string | undefined {
    return this.#validity.get(height);
  }

  /** Header hash of block `height - 1`. */
  headerHashBelow(height: number): string | undefined {
    return this.#headers.get(height);
  }

  close(): void {
    this.#close();
  }
}
