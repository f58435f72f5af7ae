import type { CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import type { peer } from '@hyperledger/fabric-protos';

import { XborderError } from './errors';

/** The validation outcome of one transaction, from the block it was committed in. */
export interface CommitOutcome {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** Fabric TxValidationCode: 0 is VALID, 11 MVCC_READ_CONFLICT. */
  readonly code: number;
  readonly successful: boolean;
}

const VALID = 0;
/** Outcomes kept for transactions nobody waits for yet (other clients' transactions arrive too). */
const EARLY_LIMIT = 10_000;

/**
 * Learns the commit status of many transactions from one filtered-block event stream instead of one
 * signed commit-status call per transaction: for clients that keep hundreds of transactions in flight
 * this removes a third of the client's signatures and gRPC calls. Start it before submitting (it reads
 * blocks from the next one on), `wait` for each transaction id, `close` when done.
 *
 * @example
 * const watcher = await CommitWatcher.start(network);
 * const submitted = await contract.submitAsync('SubmitIntel', { arguments: [...] });
 * const outcome = await watcher.wait(submitted.getTransactionId());
 */
export class CommitWatcher {
  readonly #events: CloseableAsyncIterable<peer.FilteredBlock>;
  readonly #waiting = new Map<string, { resolve: (o: CommitOutcome) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Outcomes that arrived before anyone waited (a fast commit, or another client's transaction); the oldest go first. */
  readonly #early = new Map<string, CommitOutcome>();
  #failure: Error | undefined;
  #closed = false;

  private constructor(events: CloseableAsyncIterable<peer.FilteredBlock>) {
    this.#events = events;
  }

  /** Opens the filtered-block stream of `network`'s gateway peer, from the next block. */
  static async start(network: Network): Promise<CommitWatcher> {
    const watcher = new CommitWatcher(await network.getFilteredBlockEvents());
    void watcher.#pump();
    return watcher;
  }

  async #pump(): Promise<void> {
    try {
      for await (const block of this.#events) {
        const blockNumber = BigInt(block.getNumber());
        for (const tx of block.getFilteredTransactionsList()) {
          const code = tx.getTxValidationCode();
          const outcome: CommitOutcome = { transactionId: tx.getTxid(), blockNumber, code, successful: code === VALID };
          const waiter = this.#waiting.get(outcome.transactionId);
          if (waiter) {
            clearTimeout(waiter.timer);
            this.#waiting.delete(outcome.transactionId);
            waiter.resolve(outcome);
          } else {
            this.#early.set(outcome.transactionId, outcome);
            if (this.#early.size > EARLY_LIMIT) {
              const oldest = this.#early.keys().next().value;
              if (oldest !== undefined) this.#early.delete(oldest);
            }
          }
        }
      }
    } catch (err) {
      if (!this.#closed)
        this.#fail(
          new XborderError('COMMIT_EVENTS_FAILED', `the block event stream ended: ${err instanceof Error ? err.message : String(err)}`),
        );
    }
  }

  #fail(err: Error): void {
    this.#failure = err;
    for (const [id, w] of this.#waiting) {
      clearTimeout(w.timer);
      w.reject(err);
      this.#waiting.delete(id);
    }
  }

  /** Resolves with the transaction's outcome once its block arrives; rejects after `timeoutMs`. */
  wait(transactionId: string, timeoutMs = 60_000): Promise<CommitOutcome> {
    const early = this.#early.get(transactionId);
    if (early) {
      this.#early.delete(transactionId);
      return Promise.resolve(early);
    }
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new XborderError('COMMIT_EVENTS_FAILED', 'the commit watcher is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transactionId);
        reject(new XborderError('COMMIT_TIMEOUT', `no block carried transaction ${transactionId} within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.#waiting.set(transactionId, { resolve, reject, timer });
    });
  }

  /** Stops the stream; pending waits are rejected. */
  close(): void {
    this.#closed = true;
    this.#events.close();
    this.#fail(new XborderError('COMMIT_EVENTS_FAILED', 'the commit watcher is closed'));
    this.#early.clear();
  }
}
