import { GatewayError } from '@hyperledger/fabric-gateway';
import type { Contract, Gateway, Network, Status, SubmittedTransaction, Transaction } from '@hyperledger/fabric-gateway';

import type { ArgsOf, ResultOf, TransactionDescriptor } from '@xborder/protocol';

import { XborderError, toXborderError, validationCodeName } from './errors';
import { GatewayPool } from './gateway-pool';
import { DEFAULT_RETRY, isEndorsementRetryable, isTransient, retrying } from './retry';
import type { RetryPolicy } from './retry';

type AnyTransaction = TransactionDescriptor<readonly string[], unknown>;
type EvaluateTransaction = TransactionDescriptor<readonly string[], unknown, 'evaluate'>;
type SubmitTransaction = TransactionDescriptor<readonly string[], unknown, 'submit'>;
const decoder = new TextDecoder();

/** Decodes a result as its descriptor says (the chaincode validates what it returns; this types it). */
function decodeResult<D extends AnyTransaction>(tx: D, bytes: Uint8Array): ResultOf<D> {
  if (tx.result === 'none') return undefined as ResultOf<D>;
  const text = decoder.decode(bytes);
  return (tx.result === 'text' ? text : JSON.parse(text)) as ResultOf<D>;
}

/** Options of one submitted transaction. */
export interface SubmitRequest {
  readonly args?: readonly string[];
  /** Private inputs: sent to endorsing peers only, never written to the ledger. */
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  /** Restrict endorsement to these orgs (needed when transient data must stay in one org). */
  readonly endorsingOrganizations?: readonly string[];
}

/** Transient data and the orgs whose peers may run an evaluation. */
export interface EvaluateOptions {
  readonly transient?: Readonly<Record<string, Uint8Array>>;
  readonly endorsingOrganizations?: readonly string[];
}

/** The outcome of a committed transaction. */
export interface Submitted {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly result: Uint8Array;
}

const MAX_MVCC_ATTEMPTS = 3;

/**
 * How many times a transaction without a commit status is sent to the orderers again, at least; with
 * adaptive waits, as many more as fit in this many waits at the bound.
 */
const MAX_RESENDS = 6;

/** Default longest wait for a commit status before the same transaction is sent again (see Transactor). */
export const DEFAULT_RESEND_AFTER_MS = 10_000;

/** Recent commits that set the adaptive resend interval, and how many are needed before it applies. */
const LATENCY_WINDOW = 32;
const LATENCY_SAMPLES_NEEDED = 8;
/** The adaptive interval: this many times the slowest tenth of recent commit latencies. */
const RESEND_LATENCY_FACTOR = 2;
/** Resends of one transaction at the base interval before the interval doubles. */
const RESENDS_BEFORE_BACKOFF = 3;

/**
 * Read conflicts with a concurrent transaction (a key or a range changed between endorsement and
 * commit): the same request as a new transaction, endorsed against the new state, may well succeed.
 */
export const RESUBMITTED_CONFLICTS: ReadonlySet<string> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** gRPC codes with which the orderers may not have taken a transaction (e.g. a BFT quorum not reached in time). */
const RETRY_ORDERING = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/**
 * Whether the orderers refused a copy because they hold the transaction already (BFT nodes answer a
 * resend "request already processed"): sending it again is pointless, its commit status will come.
 */
function alreadyOrdering(err: GatewayError): boolean {
  return [err.message, ...err.details.map((d) => d.message)].some((m) => m.includes('request already processed'));
}

/**
 * Sends an endorsed transaction to the orderers; when they could not take it, sends the same signed
 * transaction again with backoff. That is safe: it has the same id, so if an earlier attempt was
 * ordered after all, a later one is refused as a duplicate and the commit status is the first one's.
 * A `copy` (a resend of a transaction sent before) is not retried once orderers answer that they hold it.
 */
export async function submitToOrderers(
  transaction: Pick<Transaction, 'submit'>,
  policy: RetryPolicy = { ...DEFAULT_RETRY, attempts: 3 },
  clock: { random?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  onFailure: (err: unknown) => void = () => undefined,
  copy = false,
): Promise<SubmittedTransaction> {
  // fabric-gateway exports SubmitError as a type only; its instances name themselves
  const ordering = (err: unknown): boolean => {
    onFailure(err);
    return err instanceof GatewayError && err.name === 'SubmitError' && RETRY_ORDERING.has(err.code) && !(copy && alreadyOrdering(err));
  };
  return retrying('submit to the orderers', () => transaction.submit(), ordering, policy, clock);
}

/**
 * Submits and evaluates transactions of one chaincode with error mapping and the only safe retries,
 * each with jittered exponential backoff and a deadline (see retry.ts): a read or an endorsement that
 * could not reach a peer is tried again; a transaction the orderers could not take is sent to them
 * again as it is (same id); a commit status that could not be read is asked again; an MVCC conflict is
 * resubmitted as a new transaction (new id), a bounded number of times. Everything else fails with the
 * transaction id.
 */
export class Transactor {
  readonly #pool: GatewayPool;
  readonly #channel: string;
  readonly #chaincode: string;
  readonly #retry: RetryPolicy;
  readonly #resendAfterMs: number;
  readonly #resendMinMs: number;
  /** Commit latencies (ms) of the last transactions, newest last. */
  readonly #recent: number[] = [];
  readonly #networks = new WeakMap<Gateway, Network>();

  /**
   * @param gateways - one gateway, or a pool of its organisation's gateway peers to fail over between
   * @param resendAfterMs - longest wait for a commit status before the transaction is sent again
   * @param resendMinMs - shortest such wait: between the two, the wait follows recent commit
   *   latencies (twice their slowest tenth); after three resends of one transaction it doubles each time
   */
  constructor(
    gateways: Gateway | GatewayPool,
    channel: string,
    chaincode: string,
    retry: RetryPolicy = DEFAULT_RETRY,
    resendAfterMs = DEFAULT_RESEND_AFTER_MS,
    resendMinMs = resendAfterMs,
  ) {
    this.#resendAfterMs = resendAfterMs;
    this.#resendMinMs = Math.min(resendMinMs, resendAfterMs);
    this.#pool = gateways instanceof GatewayPool ? gateways : GatewayPool.of(gateways);
    this.#channel = channel;
    this.#chaincode = chaincode;
    this.#retry = retry;
  }

  /**
   * How long to wait for a commit status before sending the transaction again (its `resends`-th
   * wait): twice what the slowest tenth of commits take now, so that a transaction an orderer lost (a
   * Raft leader killed with it in its batch, or forwarded to it by a follower that has not noticed
   * yet) is sent again soon after the election, while a slow but working network gets few copies;
   * after three resends of the same transaction the wait doubles each time, never above the bound.
   */
  #resendAfter(resends: number): number {
    let base = this.#resendAfterMs;
    if (this.#resendMinMs < this.#resendAfterMs && this.#recent.length >= LATENCY_SAMPLES_NEEDED) {
      const sorted = [...this.#recent].sort((a, b) => a - b);
      const slow = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? base;
      base = Math.max(this.#resendMinMs, RESEND_LATENCY_FACTOR * slow);
    }
    return Math.min(this.#resendAfterMs, base * 2 ** Math.max(0, resends - RESENDS_BEFORE_BACKOFF + 1));
  }

  #sawCommit(ms: number): void {
    this.#recent.push(ms);
    if (this.#recent.length > LATENCY_WINDOW) this.#recent.shift();
  }

  /** A contract on the current gateway peer, and that gateway (to tell the pool which one failed). */
  #contract(name: string): { contract: Contract; gateway: Gateway } {
    const gateway = this.#pool.current;
    let network = this.#networks.get(gateway);
    if (!network) {
      network = gateway.getNetwork(this.#channel);
      this.#networks.set(gateway, network);
    }
    return { contract: network.getContract(this.#chaincode, name), gateway };
  }

  /** Runs a request on the current gateway peer, retried as `retryable` says, moving to the next peer when this one is unreachable. */
  async #withFailover<T>(
    what: string,
    run: (contract: Contract) => Promise<T>,
    contract: string,
    retryable: (err: unknown) => boolean,
  ): Promise<T> {
    let used: Gateway | undefined;
    return retrying(
      what,
      () => {
        const target = this.#contract(contract);
        used = target.gateway;
        return run(target.contract);
      },
      (err) => {
        this.#pool.failover(err, used);
        return retryable(err);
      },
      this.#retry,
    );
  }

  /** Evaluates a described read-only transaction on one peer and decodes its result. */
  async evaluateTx<D extends EvaluateTransaction>(tx: D, args: ArgsOf<D>, options: EvaluateOptions = {}): Promise<ResultOf<D>> {
    return this.#evaluateDescribed(tx, args, options);
  }

  /**
   * Runs a described write transaction as a dry run on the given orgs' peers only (nothing is ordered
   * or written) and decodes what it would return.
   */
  async dryRunTx<D extends SubmitTransaction>(tx: D, args: ArgsOf<D>, options: EvaluateOptions = {}): Promise<ResultOf<D>> {
    return this.#evaluateDescribed(tx, args, options);
  }

  async #evaluateDescribed<D extends AnyTransaction>(tx: D, args: ArgsOf<D>, options: EvaluateOptions): Promise<ResultOf<D>> {
    return decodeResult(tx, await this.evaluate(tx.contract, tx.name, args, options.transient, options));
  }

  /** Submits a described transaction, waits for its commit and decodes its result. */
  async submitTx<D extends SubmitTransaction>(
    tx: D,
    args: ArgsOf<D>,
    options: Omit<SubmitRequest, 'args'> = {},
  ): Promise<{ value: ResultOf<D>; transactionId: string; blockNumber: bigint }> {
    const r = await this.submit(tx.contract, tx.name, { ...options, args });
    return { value: decodeResult(tx, r.result), transactionId: r.transactionId, blockNumber: r.blockNumber };
  }

  /**
   * Evaluates a function on one peer by name (prefer {@link Transactor.evaluateTx}); returns its raw result.
   * @throws {@link XborderError} with the chaincode's or a client code
   */
  async evaluate(
    contract: string,
    fn: string,
    args: readonly string[] = [],
    transient?: Readonly<Record<string, Uint8Array>>,
    options: { readonly endorsingOrganizations?: readonly string[] } = {},
  ): Promise<Uint8Array> {
    // a read is safe to repeat: a peer that could not be reached is asked again (or another of ours), with backoff
    return this.#withFailover(
      `evaluate ${contract}:${fn}`,
      (c) =>
        c.evaluate(fn, {
          arguments: [...args],
          ...(transient ? { transientData: { ...transient } } : {}),
          // with transient data: which orgs' peers may see it (no other org's peer, even as a fallback)
          ...(options.endorsingOrganizations ? { endorsingOrganizations: [...options.endorsingOrganizations] } : {}),
        }),
      contract,
      isTransient,
    );
  }

  /**
   * Submits a function by name (prefer {@link Transactor.submitTx}) with the safe retries above and waits for its commit.
   * @throws {@link XborderError} with the chaincode's or a client code (MVCC_READ_CONFLICT after the last attempt, ...)
   */
  async submit(contract: string, fn: string, request: SubmitRequest = {}): Promise<Submitted> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#submitOnce(contract, fn, request);
      } catch (err) {
        const mapped = toXborderError(err);
        if (RESUBMITTED_CONFLICTS.has(mapped.code) && attempt < MAX_MVCC_ATTEMPTS) continue;
        throw mapped;
      }
    }
  }

  async #submitOnce(contract: string, fn: string, request: SubmitRequest): Promise<Submitted> {
    // endorsement is safe to repeat while nothing was submitted: a new proposal each attempt
    const endorsed = await this.#withFailover(
      `endorse ${contract}:${fn}`,
      (c) =>
        c
          .newProposal(fn, {
            arguments: [...(request.args ?? [])],
            ...(request.transient ? { transientData: { ...request.transient } } : {}),
            ...(request.endorsingOrganizations ? { endorsingOrganizations: [...request.endorsingOrganizations] } : {}),
          })
          .endorse(),
      contract,
      isEndorsementRetryable,
    );
    // the same signed transaction goes to the orderers through our current peer, or another of ours
    // when that one cannot be reached (same id: a duplicate of an ordered one is refused)
    const endorsedVia = this.#pool.current;
    let submittedVia = endorsedVia;
    const send = (copy = false): Promise<SubmittedTransaction> =>
      submitToOrderers(
        {
          submit: () => {
            submittedVia = this.#pool.current;
            return (submittedVia === endorsedVia ? endorsed : submittedVia.newTransaction(endorsed.getBytes())).submit();
          },
        },
        this.#retry,
        {},
        (err) => {
          this.#pool.failover(err, submittedVia);
        },
        copy,
      );
    const sentAt = Date.now();
    const submitted = await send();
    const first = submittedVia;
    const transactionId = submitted.getTransactionId();
    // the commit status is a read: asked again until it is known (a verdict is never retried), of
    // another of our peers when the one that took the transaction cannot be reached. When no status
    // comes within resendAfterMs, an orderer may have lost the transaction (a Raft leader killed with
    // it in its batch): the same signed transaction goes to the orderers again. That is safe: if the
    // first copy was ordered after all, the second is invalid as a duplicate id and the status is the
    // first one's.
    let asked: Gateway | undefined;
    let resends = 0;
    // the waits so far: short adaptive waits give up no sooner than six waits at the bound would
    let waitedMs = 0;
    const ask = (): Promise<Status> =>
      retrying(
        `commit status of ${transactionId}`,
        () => {
          const gateway = this.#pool.current;
          asked = gateway;
          const wait = this.#resendAfter(resends);
          waitedMs += wait;
          const options = { deadline: Date.now() + wait };
          return asked === first ? submitted.getStatus(options) : gateway.newCommit(submitted.getBytes()).getStatus(options);
        },
        (err) => {
          this.#pool.failover(err, asked);
          return !(err instanceof XborderError) && toXborderError(err).code !== 'DEADLINE_EXCEEDED';
        },
        this.#retry,
      );
    let status: Status | undefined;
    for (; status === undefined; resends++) {
      try {
        status = await ask();
      } catch (err) {
        const mapped = toXborderError(err);
        if (mapped.code !== 'DEADLINE_EXCEEDED' || (resends >= MAX_RESENDS && waitedMs >= MAX_RESENDS * this.#resendAfterMs)) {
          throw new XborderError(mapped.code, `commit status of ${transactionId} unknown: ${mapped.message}`, {
            transactionId,
            cause: err,
          });
        }
        this.#retry.onRetry?.({
          what: `resend ${transactionId} (no commit status)`,
          attempt: resends + 1,
          delayMs: 0,
          code: mapped.code,
          message: mapped.message,
        });
        await send(true).catch(() => undefined);
      }
    }
    this.#sawCommit(Date.now() - sentAt);
    if (!status.successful) {
      const codeName = validationCodeName(status.code);
      throw new XborderError(codeName, `transaction ${transactionId} committed as invalid (validation code ${String(status.code)})`, {
        transactionId,
      });
    }
    return { transactionId, blockNumber: status.blockNumber, result: submitted.getResult() };
  }
}
