/**
 * The load of the fault suite and its checker, run by one client: closed loops of intel submits,
 * payment attestations (sender) or confirmations (receiver) and reads, each reported as an event;
 * afterwards the checker reads what was acknowledged (and what failed) back through this client's peer.
 */
import { randomUUID } from 'node:crypto';

import { toXborderError } from '@xborder/sdk';
import type { XborderClient } from '@xborder/sdk';

import { benchIndicator, benchPartyValues, benchPayment } from './scenarios';

/** What a loop does: submit intel, attest a payment (HK sender), confirm one (TH receiver), or read. */
export type LoadOp = 'intel' | 'attest' | 'confirm' | 'read';

export const LOAD_OPS: readonly LoadOp[] = ['intel', 'attest', 'confirm', 'read'];

/** One finished call: acknowledged (`ms` its latency) or failed after the SDK's retries. */
export type LoadEvent =
  | { readonly kind: 'ack'; readonly op: LoadOp; readonly id: string; readonly at: number; readonly ms: number }
  | { readonly kind: 'fail'; readonly op: LoadOp; readonly id: string; readonly at: number; readonly error: string };

export interface LoadOptions {
  /** Operations each loop cycles through (a loop starts at its own offset). */
  readonly mix: readonly LoadOp[];
  /** Concurrent closed loops. */
  readonly loops: number;
  /** Settlement date of the payments (UTC, YYYY-MM-DD). */
  readonly date: string;
  readonly shouldStop: () => boolean;
  readonly emit: (event: LoadEvent) => void;
}

/** Payments waiting for this receiver's confirmation, found by listing the ATTESTED ones of the day. */
class ConfirmQueue {
  readonly #client: XborderClient;
  readonly #date: string;
  readonly #seen = new Set<string>();
  #waiting: { uetr: string; date: string }[] = [];
  #listing: Promise<void> | undefined;

  constructor(client: XborderClient, date: string) {
    this.#client = client;
    this.#date = date;
  }

  /**
   * Puts a payment back that the other operator's peer does not hold yet (PAYMENT_NOT_FOUND at its
   * endorsement while the receiver's own peer listed it): a receiver tries again a little later.
   */
  later(waiting: { uetr: string; date: string }): void {
    this.#waiting.push(waiting);
  }

  /** The next payment to confirm, or undefined when none is waiting now. */
  async next(): Promise<{ uetr: string; date: string } | undefined> {
    if (this.#waiting.length === 0) {
      this.#listing ??= this.#list().finally(() => (this.#listing = undefined));
      await this.#listing;
    }
    return this.#waiting.shift();
  }

  async #list(): Promise<void> {
    const page = await this.#client.payments.list({
      filter: 'status',
      value: 'ATTESTED',
      fromDate: this.#date,
      toDate: this.#date,
      pageSize: 50,
    });
    for (const r of page.items) {
      // only the suite's own payments: their fields (and the receiver's view) follow from the UETR
      if (this.#seen.has(r.uetr) || !r.endToEndId.startsWith('BENCH-') || r.corridor !== 'HK-TH') continue;
      this.#seen.add(r.uetr);
      this.#waiting.push({ uetr: r.uetr, date: r.settlementDate });
    }
  }
}

/** Wall-clock milliseconds that a shifted `Date` (a skewed client) does not move. */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Runs `options.loops` closed loops until `shouldStop()`, emitting an event per finished call. */
export async function runLoad(client: XborderClient, options: LoadOptions): Promise<void> {
  const confirmations = new ConfirmQueue(client, options.date);
  const readable: string[] = [];
  let n = 0;
  const call = async (op: LoadOp): Promise<void> => {
    let id = '';
    const started = wallNow();
    try {
      switch (op) {
        case 'intel': {
          const object = benchIndicator(n++);
          id = object.id as string;
          await client.intel.submit(object);
          readable.push(id);
          break;
        }
        case 'attest': {
          id = randomUUID();
          await client.payments.attest(benchPayment(options.date, id), benchPartyValues(id));
          break;
        }
        case 'confirm': {
          const waiting = await confirmations.next();
          if (!waiting) {
            await call('read'); // nothing to confirm yet: read instead
            return;
          }
          id = waiting.uetr;
          try {
            await client.payments.confirm(benchPayment(waiting.date, id), benchPartyValues(id), {
              status: 'ACSC',
              reasonCode: null,
              statusMessageHash: 'a'.repeat(64),
            });
          } catch (err) {
            if (toXborderError(err).code !== 'PAYMENT_NOT_FOUND') throw err;
            confirmations.later(waiting);
            await call('read');
            return;
          }
          break;
        }
        case 'read': {
          id = readable[readable.length - 1] ?? '';
          if (id === '') await client.audit.chainInfo();
          else await client.intel.get(id);
          break;
        }
      }
      options.emit({ kind: 'ack', op, id, at: wallNow(), ms: wallNow() - started });
    } catch (err) {
      const e = toXborderError(err);
      options.emit({ kind: 'fail', op, id, at: wallNow(), error: `${e.code}: ${e.message.split('\n')[0] ?? ''}`.slice(0, 300) });
    }
  };
  const loop = async (offset: number): Promise<void> => {
    for (let i = offset; !options.shouldStop(); i++) await call(options.mix[i % options.mix.length] as LoadOp);
  };
  await Promise.all(Array.from({ length: options.loops }, (_, k) => loop(k)));
}

/** A write to look for on the ledger, and whether the SDK acknowledged it. */
export interface Written {
  readonly op: Exclude<LoadOp, 'read'>;
  readonly id: string;
  readonly acknowledged: boolean;
}

/** What one operator's peer holds of the writes. */
export interface CheckResult {
  /** Acknowledged writes this peer does not hold. */
  readonly missing: string[];
  /** Writes held more than once (acknowledged or not). */
  readonly duplicated: string[];
  /** Writes not acknowledged that are on the ledger anyway (a reply lost on its way back, or a leak). */
  readonly unacknowledgedPresent: string[];
  /** Acknowledged intel whose private content this peer cannot return. */
  readonly contentMissing: string[];
  readonly height: number;
  readonly blockHash: string;
}

/** How many times the write is on the ledger as this client's peer sees it (0 when absent). */
async function timesOnLedger(client: XborderClient, w: Written): Promise<number> {
  const absent = (err: unknown): number => {
    if (/_NOT_FOUND$/.test(toXborderError(err).code)) return 0;
    throw err;
  };
  switch (w.op) {
    case 'intel':
      return client.intel.history(w.id).then((h) => h.length, absent);
    case 'attest':
      return client.payments.get(w.id).then(() => 1, absent);
    case 'confirm':
      return client.payments.get(w.id).then((p) => p.confirmations.length, absent);
  }
}

/** Reads every write back through this client's peer: once if acknowledged, never twice, intel content present. */
export async function checkWrites(client: XborderClient, writes: readonly Written[]): Promise<CheckResult> {
  const missing: string[] = [];
  const duplicated: string[] = [];
  const contentMissing: string[] = [];
  const unacknowledgedPresent: string[] = [];
  for (const w of writes) {
    const times = await timesOnLedger(client, w);
    if (w.acknowledged && times === 0) missing.push(`${w.op} ${w.id}`);
    if (!w.acknowledged && times > 0) unacknowledgedPresent.push(`${w.op} ${w.id}`);
    if (times > 1) duplicated.push(`${w.op} ${w.id}`);
    if (w.op === 'intel' && w.acknowledged && times > 0) {
      const [first] = await client.intel.history(w.id);
      const ok = await client.intel.content(w.id, first?.modified ?? '').then(
        () => true,
        () => false,
      );
      if (!ok) contentMissing.push(w.id);
    }
  }
  const chain = await client.audit.chainInfo();
  return { missing, duplicated, unacknowledgedPresent, contentMissing, height: chain.height, blockHash: chain.blockHash };
}
