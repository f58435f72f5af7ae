/**
 * Bounded, jittered exponential backoff for the calls that are safe to repeat: a read, an endorsement
 * before anything is submitted, the same signed transaction sent to the orderers again, and a commit
 * status read. Each attempt waits a random time up to `min(maxMs, baseMs * 2^(attempt-1))` ("full
 * jitter", so clients that failed together do not come back together), and the whole call gives up at
 * `attempts` or when the next wait would pass `deadlineMs`, with an error that says how long it tried
 * and which endpoints failed.
 */
import { toXborderError, XborderError } from './errors';

/** One failed attempt that is about to be tried again (for logs and metrics). */
export interface RetryEvent {
  /** The call, e.g. `endorse SubmitIntel`, `submit to the orderers`, `commit status of <txid>`. */
  readonly what: string;
  /** The attempt that failed (1 = the first). */
  readonly attempt: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
  /** The failure's stable code (`UNAVAILABLE`, `DEADLINE_EXCEEDED`, ...) and message. */
  readonly code: string;
  readonly message: string;
}

/** How a call is retried (see the module comment). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly deadlineMs: number;
  /** Told of every failure that is retried (what the caller would otherwise not see). */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** Up to 6 attempts, 100 ms doubling to 2 s, within 20 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 100, maxMs: 2000, deadlineMs: 20_000 };

/** The transient failures: a peer or orderer that could not be reached, or answered too late. */
export function isTransient(err: unknown): boolean {
  const code = toXborderError(err).code;
  return code === 'UNAVAILABLE' || code === 'DEADLINE_EXCEEDED';
}

/**
 * What an endorsement may be tried again for: a transient failure, peers that did not endorse
 * without a chaincode code (a chaincode server or peer that is down), or no peers to satisfy the
 * endorsement policy (an operator's peer is down); nothing was submitted yet. A chaincode's refusal
 * always carries its code and is never retried.
 */
export function isEndorsementRetryable(err: unknown): boolean {
  if (isTransient(err)) return true;
  const x = toXborderError(err);
  // while an operator's peer is down, discovery finds no set of peers that satisfies the policy
  return x.code === 'ENDORSEMENT_FAILED' || (x.grpcStatus === 'FAILED_PRECONDITION' && /no combination of peers/.test(x.message));
}

function gaveUp(err: unknown, what: string, attempts: number, elapsedMs: number): XborderError {
  const x = toXborderError(err);
  if (attempts <= 1) return x;
  const endpoints = x.details.map((d) => d.address).filter((a) => a !== '');
  const where = endpoints.length > 0 ? ` (${[...new Set(endpoints)].join(', ')})` : '';
  return new XborderError(
    x.code,
    `${what}: gave up after ${String(attempts)} attempts in ${(elapsedMs / 1000).toFixed(1)} s${where}: ${x.message}`,
    {
      ...(x.transactionId !== undefined ? { transactionId: x.transactionId } : {}),
      details: x.details,
      ...(x.grpcStatus !== undefined ? { grpcStatus: x.grpcStatus } : {}),
      cause: err,
    },
  );
}

/**
 * Runs `fn` until it succeeds, fails with something `retryable` does not accept, or the policy is
 * spent; `random` and `sleep` are for tests.
 */
export async function retrying<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  retryable: (err: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  clock: { random?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const started = Date.now();
  const random = clock.random ?? Math.random;
  const sleep = clock.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const elapsed = Date.now() - started;
      if (!retryable(err) || attempt >= policy.attempts) throw gaveUp(err, what, attempt, elapsed);
      const delay = Math.floor(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)));
      if (elapsed + delay > policy.deadlineMs) throw gaveUp(err, what, attempt, elapsed);
      if (policy.onRetry) {
        const e = toXborderError(err);
        policy.onRetry({ what, attempt, delayMs: delay, code: e.code, message: e.message });
      }
      await sleep(delay);
    }
  }
}
