/**
 * Follows the gateway peer's filtered blocks as one stream (the peer's deliver service: one signed
 * request, then each block's number and transactions' ids, types, validation codes and chaincode
 * actions as it commits) and keeps, for recent heights, the validity chain value, and the newest block
 * that did more than record checkpoints. A continuous checkpointer reads these instead of fetching
 * every full block.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';

import { extendValidity, filteredBlockFlags, flagsHash } from './validity';

const KEPT = 4096;
const MAX_CHECKPOINT_BLOCK = 4;

/**
 * Whether a filtered block only records checkpoints: a few endorser transactions whose chaincode
 * events are all `CheckpointRecorded` (the checkpoint contract emits one per checkpoint).
 */
function onlyCheckpointEvents(block: peer.FilteredBlock): boolean {
  const txs = block.getFilteredTransactionsList();
  if (txs.length === 0 || txs.length > MAX_CHECKPOINT_BLOCK) return false;
  return txs.every((tx) => {
    const actions = tx.getTransactionActions()?.getChaincodeActionsList() ?? [];
    return actions.length > 0 && actions.every((a) => a.getChaincodeEvent()?.getEventName() === 'CheckpointRecorded');
  });
}

export class ChainTracker {
  readonly #validity = new Map<number, string>();
  #height: number;
  #value: string;
  #lastBusy = -1;
  #failure: Error | undefined;
  #close: () => void = () => undefined;

  private constructor(height: number, validity: string) {
    this.#height = height;
    this.#value = validity;
    this.#validity.set(height, validity);
  }

  /** Starts following from `height` (blocks below it are summarised by `validity`, the chain value there). */
  static async start(network: Network, height: number, validity: string): Promise<ChainTracker> {
    const tracker = new ChainTracker(height, validity);
    const events = await network.getFilteredBlockEvents({ startBlock: BigInt(height) });
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

  #add(block: peer.FilteredBlock): void {
    if (block.getNumber() !== this.#height) {
      this.#failure = new Error(`block stream out of order at ${String(block.getNumber())}, expected ${String(this.#height)}`);
      this.#close();
      return;
    }
    this.#value = extendValidity(this.#value, this.#height, flagsHash(filteredBlockFlags(block)));
    this.#height++;
    this.#validity.set(this.#height, this.#value);
    if (!onlyCheckpointEvents(block)) this.#lastBusy = block.getNumber();
    const oldest = this.#validity.keys().next().value;
    if (this.#validity.size > KEPT && oldest !== undefined) this.#validity.delete(oldest);
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

  close(): void {
    this.#close();
  }
}
