import type { Network } from '@hyperledger/fabric-gateway';
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

/** A block stream as the watcher reads it. */
interface BlockStream {
  [Symbol.asyncIterator](): AsyncIterator<peer.FilteredBlock>;
  close(): void;
}

/** The part of a fabric-gateway Network the watcher uses. */
export type BlockEventSource = Pick<Network, 'getFilteredBlockEvents'>;

/** Options of {@link CommitWatcher.start}. */
export interface CommitWatcherOptions {
  /** Reopen attempts after the stream breaks, in a row (default 5); a block received resets the count. */
  readonly maxReconnects?: number;
  /** Pause before the n-th reopen attempt: n times this (default 200 ms). */
  readonly reconnectBackoffMs?: number;
}

/**
 * Learns the commit status of many transactions from one filtered-block event stream instead of one
 * signed commit-status call per transaction: for clients that keep hundreds of transactions in flight
 * this removes a third of the client's signatures and gRPC calls. Start it before submitting (it reads
 * blocks from the next one on), `wait` for each transaction id, `close` when done. When the stream
 * breaks (peer restart, network), it is reopened from the block after the last one seen, so no commit
 * is missed; waits fail with COMMIT_EVENTS_FAILED only when reopening keeps failing.
 *
 * @example
 * const watcher = await CommitWatcher.start(network);
 * const submitted = await contract.submitAsync('SubmitIntel', { arguments: [...] });
 * const outcome = await watcher.wait(submitted.getTransactionId());
 */
export class CommitWatcher {
  readonly #source: BlockEventSource;
  readonly #maxReconnects: number;
  readonly #backoffMs: number;
  #events: BlockStream;
  /** The block after the last one seen; undefined until the first block arrives. */
  #nextBlock: bigint | undefined;
  readonly #waiting = new Map<string, { resolve: (o: CommitOutcome) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Outcomes that arrived before anyone waited (a fast commit, or another client's transaction); the oldest go first. */
  readonly #early = new Map<string, CommitOutcome>();
  #failure: Error | undefined;
  #closed = false;

  private constructor(source: BlockEventSource, events: BlockStream, options: CommitWatcherOptions) {
    this.#source = source;
    this.#events = events;
    this.#maxReconnects = options.maxReconnects ?? 5;
    this.#backoffMs = options.reconnectBackoffMs ?? 200;
  }

  /** Opens the filtered-block stream of `network`'s gateway peer, from the next block. */
  static async start(network: BlockEventSource, options: CommitWatcherOptions = {}): Promise<CommitWatcher> {
    const watcher = new CommitWatcher(network, await network.getFilteredBlockEvents(), options);
    void watcher.#pump();
    return watcher;
  }

  async #pump(): Promise<void> {
    let failures = 0;
    for (;;) {
      let reason: unknown = 'the peer ended the stream';
      try {
        for await (const block of this.#events) {
          failures = 0;
          this.#take(block);
        }
      } catch (err) {
        reason = err;
      }
      if (this.#closed) return;
      failures++;
      const why = reason instanceof Error ? reason.message : String(reason);
      if (failures > this.#maxReconnects) {
        this.#fail(new XborderError('COMMIT_EVENTS_FAILED', `the block event stream broke and could not be reopened: ${why}`));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.#backoffMs * failures));
      if (this.#isClosed()) return;
      try {
        this.#events = await this.#source.getFilteredBlockEvents(this.#nextBlock !== undefined ? { startBlock: this.#nextBlock } : {});
      } catch (err) {
        // counted as a failure by the next round, which reads from the broken stream and ends at once
        this.#events = failedStream(err);
      }
    }
  }

  /** A method, so the check after an await is not narrowed away by the one before it. */
  #isClosed(): boolean {
    return this.#closed;
  }

  #take(block: peer.FilteredBlock): void {
    const blockNumber = BigInt(block.getNumber());
    this.#nextBlock = blockNumber + 1n;
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

/** A stream that fails as soon as it is read (when reopening the real one failed). */
function failedStream(err: unknown): BlockStream {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err instanceof Error ? err : new Error(String(err))) }),
    close: () => undefined,
  };
}
