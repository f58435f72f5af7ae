/**
 * One typed in-memory world state shared by the chaincode unit tests: sinon stubs of ChaincodeStub and
 * ClientIdentity wired to maps of public state, private collections, key history, transient data and
 * events, inside a real fabric-contract-api Context. Each `invoke` is one transaction: its writes are
 * applied only if the transaction function resolves (as Fabric commits only endorsed results), and the
 * number of write calls is recorded so tests can assert that a rejection wrote nothing.
 */
import { createHash, X509Certificate } from 'node:crypto';

import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';
import * as sinon from 'sinon';

import type { TestIdentity } from './certs';

type Bytes = Uint8Array;
const enc = new TextEncoder();

interface HistoryEntry {
  txId: string;
  timestamp: { seconds: number; nanos: number };
  value: Bytes;
  isDelete: boolean;
}

export interface TxOptions {
  transient?: Record<string, string | Bytes>;
  /** Defaults to the world clock, which advances one second per transaction. */
  time?: Date;
  /** The MSP of the peer running the chaincode (stub.getMspID); defaults to the caller's own org. */
  peerMspId?: string;
  /** Endorse only: run the transaction, return what a proposal response would show, commit nothing. */
  endorseOnly?: boolean;
}

/** What an endorsed proposal shows its client besides the result: keys and ranges read, values written. */
export interface ReadWriteSet {
  readonly reads: readonly string[];
  readonly ranges: readonly (readonly [string, string])[];
  readonly writes: readonly (readonly [string, string | null])[];
}

export interface TxResult<T> {
  readonly value?: T;
  readonly error?: Error;
  readonly writes: number;
  readonly event?: { name: string; payload: unknown };
  readonly txId: string;
  readonly rwset: ReadWriteSet;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function iterator(entries: { key: string; value: Bytes }[]): AsyncIterable<{ key: string; value: Bytes }> & {
  next(): Promise<{ done: boolean; value: { key: string; value: Bytes } }>;
  close(): Promise<void>;
} {
  let i = 0;
  const it = {
    next: () => {
      const entry = entries[i++];
      return Promise.resolve(
        entry ? { done: false, value: entry } : { done: true, value: undefined as unknown as { key: string; value: Bytes } },
      );
    },
    close: () => Promise.resolve(),
    [Symbol.asyncIterator]: () => it,
  };
  return it as never;
}

export class FakeWorld {
  readonly state = new Map<string, Bytes>();
  readonly privateData = new Map<string, Map<string, Bytes>>();
  readonly history = new Map<string, HistoryEntry[]>();
  /** Transaction times start here and advance one second per transaction. */
  clock = new Date(Date.now() + 60_000);
  #txCounter = 0;

  collection(name: string): Map<string, Bytes> {
    let c = this.privateData.get(name);
    if (!c) {
      c = new Map();
      this.privateData.set(name, c);
    }
    return c;
  }

  /** Runs one transaction as `identity`. */
  async invoke<T>(identity: TestIdentity, fn: (ctx: Context) => Promise<T>, options: TxOptions = {}): Promise<TxResult<T>> {
    this.#txCounter++;
    const txId = createHash('sha256')
      .update(`tx${String(this.#txCounter)}`)
      .digest('hex');
    const time = options.time ?? new Date(this.clock.getTime() + this.#txCounter * 1000);
    const writes = new Map<string, Bytes | null>();
    const privateWrites: { collection: string; key: string; value: Bytes | null }[] = [];
    let writeCalls = 0;
    let event: { name: string; payload: unknown } | undefined;
    const reads: string[] = [];
    const ranges: [string, string][] = [];
    const readState = (k: string): Bytes => {
      reads.push(k);
      return this.state.get(k) ?? new Uint8Array(0);
    };

    const stub = sinon.createStubInstance(ChaincodeStub);
    stub.getTxID.returns(txId);
    stub.getMspID.returns(options.peerMspId ?? identity.mspId);
    stub.getDateTimestamp.returns(time);
    stub.getTxTimestamp.returns({
      seconds: { low: Math.floor(time.getTime() / 1000), high: 0, unsigned: false },
      nanos: (time.getTime() % 1000) * 1e6,
    } as never);
    stub.getState.callsFake((k: string) => Promise.resolve(readState(k)));
    stub.putState.callsFake((k: string, v: Bytes) => {
      writeCalls++;
      writes.set(k, v);
      return Promise.resolve();
    });
    stub.deleteState.callsFake((k: string) => {
      writeCalls++;
      writes.set(k, null);
      return Promise.resolve();
    });
    const range = (start: string, end: string): { key: string; value: Bytes }[] => {
      ranges.push([start, end]);
      return [...this.state.entries()]
        .filter(([k]) => k >= start && (end === '' || k < end))
        .sort(([a], [b]) => cmp(a, b))
        .map(([key, value]) => ({ key, value }));
    };
    stub.getStateByRange.callsFake(((start: string, end: string) => Promise.resolve(iterator(range(start, end)))) as never);
    stub.getStateByRangeWithPagination.callsFake(((start: string, end: string, pageSize: number, bookmark: string) => {
      const all = range(bookmark !== '' ? bookmark : start, end);
      const page = all.slice(0, pageSize);
      const next = all[pageSize];
      // like the real shim: no metadata at all when the peer's would be all zero values
      const metadata = page.length === 0 && !next ? undefined : { fetchedRecordsCount: page.length, bookmark: next ? next.key : '' };
      return Promise.resolve({ iterator: iterator(page), ...(metadata ? { metadata } : {}) });
    }) as never);
    stub.getHistoryForKey.callsFake(((k: string) =>
      Promise.resolve(
        iterator(
          [...(this.history.get(k) ?? [])]
            .reverse()
            .map((h) => ({ key: k, value: h.value, txId: h.txId, timestamp: h.timestamp, isDelete: h.isDelete }) as never),
        ),
      )) as never);
    stub.getPrivateData.callsFake((c: string, k: string) => Promise.resolve(this.collection(c).get(k) ?? new Uint8Array(0)));
    stub.getPrivateDataHash.callsFake((c: string, k: string) => {
      const v = this.collection(c).get(k);
      return Promise.resolve(v ? new Uint8Array(createHash('sha256').update(v).digest()) : new Uint8Array(0));
    });
    stub.putPrivateData.callsFake((c: string, k: string, v: Bytes) => {
      writeCalls++;
      privateWrites.push({ collection: c, key: k, value: v });
      return Promise.resolve();
    });
    stub.purgePrivateData.callsFake((c: string, k: string) => {
      writeCalls++;
      privateWrites.push({ collection: c, key: k, value: null });
      return Promise.resolve();
    });
    const transient = new Map<string, Bytes>();
    for (const [k, v] of Object.entries(options.transient ?? {})) transient.set(k, typeof v === 'string' ? enc.encode(v) : v);
    stub.getTransient.returns(transient);
    stub.setEvent.callsFake((name: string, payload: Bytes) => {
      event = { name, payload: JSON.parse(new TextDecoder().decode(payload)) as unknown };
    });

    const cid = sinon.createStubInstance(ClientIdentity);
    cid.getMSPID.returns(identity.mspId);
    cid.getIDBytes.returns(enc.encode(identity.certPem));
    cid.getID.returns(`x509::${new X509Certificate(identity.certPem).subject}`);
    cid.getAttributeValue.callsFake((name: string) =>
      name === 'xborder.role' ? identity.role : name === 'xborder.institution' ? identity.institution : null,
    );

    const ctx = new Context();
    ctx.stub = stub;
    ctx.clientIdentity = cid;
    const rwset = (): ReadWriteSet => ({
      reads,
      ranges,
      writes: [...writes.entries()].map(([k, v]) => [k, v === null ? null : new TextDecoder().decode(v)] as const),
    });
    try {
      const value = await fn(ctx);
      if (options.endorseOnly === true) return { value, writes: writeCalls, txId, rwset: rwset() };
      for (const [k, v] of writes) {
        if (v === null) this.state.delete(k);
        else this.state.set(k, v);
        const list = this.history.get(k) ?? [];
        list.push({
          txId,
          timestamp: { seconds: Math.floor(time.getTime() / 1000), nanos: (time.getTime() % 1000) * 1e6 },
          value: v ?? new Uint8Array(0),
          isDelete: v === null,
        });
        this.history.set(k, list);
      }
      for (const w of privateWrites) {
        if (w.value === null) this.collection(w.collection).delete(w.key);
        else this.collection(w.collection).set(w.key, w.value);
      }
      return { value, writes: writeCalls, txId, rwset: rwset(), ...(event ? { event } : {}) };
    } catch (err) {
      return { error: err as Error, writes: writeCalls, txId, rwset: rwset() };
    }
  }

  /** A snapshot of everything, to compare before and after a rejected transaction. */
  snapshot(): string {
    const dump = (m: Map<string, Bytes>): [string, string][] => [...m.entries()].map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
    return JSON.stringify({ state: dump(this.state), pvt: [...this.privateData.entries()].map(([c, m]) => [c, dump(m)]) });
  }

  /** Nothing to undo: the stubs are fresh objects per transaction (kept for symmetry in tests). */
  restore(): void {
    this.privateData.clear();
  }
}
