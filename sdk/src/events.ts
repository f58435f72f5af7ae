import { checkpointers } from '@hyperledger/fabric-gateway';
import type { ChaincodeEvent, Checkpointer, Gateway } from '@hyperledger/fabric-gateway';

import { toXborderError } from './errors';

/** One chaincode event as the follower prints it (payloads carry ids and hashes only). */
export interface FollowedEvent {
  readonly blockNumber: string;
  readonly transactionId: string;
  readonly eventName: string;
  readonly payload: unknown;
}

/** How {@link followEvents} follows chaincode events: from where, with which checkpoint file, and until when. */
export interface FollowOptions {
  /** Checkpoint file: where to resume after a crash; updated after each event is processed. */
  readonly checkpointFile?: string;
  /**
   * A checkpointer kept by the caller (instead of a file), e.g. an in-memory one shared by successive
   * calls so that a follower whose stream broke resumes where it stopped.
   */
  readonly checkpointer?: Checkpointer;
  /** First block when there is no checkpoint yet. */
  readonly fromBlock?: bigint;
  /** Stop after this many events (for scripts and tests). */
  readonly limit?: number;
  /** Stops the follower gracefully: the event in hand is processed and checkpointed first. */
  readonly signal?: AbortSignal;
}

function decode(event: ChaincodeEvent): FollowedEvent {
  const text = new TextDecoder().decode(event.payload);
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { blockNumber: event.blockNumber.toString(), transactionId: event.transactionId, eventName: event.eventName, payload };
}

/**
 * Follows the chaincode's events in commit order and hands each to `handle`; the checkpoint is written
 * only after `handle` returns, so a follower stopped at any point resumes at the first event it had not
 * finished. Returns how many events were handled.
 */
export async function followEvents(
  gateway: Gateway,
  channel: string,
  chaincode: string,
  handle: (event: FollowedEvent) => Promise<void> | void,
  options: FollowOptions = {},
): Promise<number> {
  const checkpointer: Checkpointer =
    options.checkpointer ??
    (options.checkpointFile !== undefined ? await checkpointers.file(options.checkpointFile) : checkpointers.inMemory());
  const network = gateway.getNetwork(channel);
  let handled = 0;
  try {
    const events = await network.getChaincodeEvents(chaincode, {
      checkpoint: checkpointer,
      ...(options.fromBlock !== undefined ? { startBlock: options.fromBlock } : {}),
    });
    const stop = (): void => {
      events.close();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const event of events) {
        await handle(decode(event));
        await checkpointer.checkpointChaincodeEvent(event);
        handled++;
        if ((options.limit !== undefined && handled >= options.limit) || options.signal?.aborted === true) break;
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      events.close();
    }
  } catch (err) {
    if (options.signal?.aborted === true) return handled;
    throw toXborderError(err);
  }
  return handled;
}
