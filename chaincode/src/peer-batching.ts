import type { Context } from 'fabric-contract-api';

import type { StateWrite } from './peer-messages';
import { PeerBatchChannel } from './peer-protocol';

/**
 * The batching calls the Go shim has (StartWriteBatch, FinishWriteBatch, GetMultipleStates,
 * GetMultiplePrivateData) for the Node shim, which does not have them yet (fabric-shim 2.5.8). When it
 * does, this module and peer-protocol.ts go, and callers keep these four calls.
 *
 * Between `startWriteBatch` and `finishWriteBatch` every write the stub offers is held: putState,
 * deleteState, setStateValidationParameter, putPrivateData, deletePrivateData, purgePrivateData and
 * setPrivateDataValidationParameter. The last data write of a key wins (a put, a delete or a purge), as
 * does the last metadata write, as in the peer's write set and the Go shim; `finishWriteBatch` sends them
 * in one WRITE_BATCH_STATE (or as few as the peer's limit allows). Reads are unaffected: a Fabric
 * transaction never reads its own writes. Against a peer that did not announce batches (or a stub that
 * is not the shim's, as in unit tests) both are no-ops and the many-key reads fall back to one call per key.
 */
export interface BatchingStub {
  startWriteBatch(): void;
  finishWriteBatch(): Promise<void>;
  getMultipleStates(keys: readonly string[]): Promise<Uint8Array[]>;
  getMultiplePrivateData(collection: string, keys: readonly string[]): Promise<Uint8Array[]>;
}

/** The metadata key of key-level endorsement, as the shims name it. */
const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

type Stub = Context['stub'];
/** Every write the stub offers; all of them are held in a batch. */
type WriteMethod =
  | 'putState'
  | 'deleteState'
  | 'setStateValidationParameter'
  | 'putPrivateData'
  | 'deletePrivateData'
  | 'purgePrivateData'
  | 'setPrivateDataValidationParameter';

function requireCollectionKey(collection: string, key: string): void {
  // the checks the shim makes before it sends a private-data write
  if (!collection || typeof collection !== 'string') throw new Error('collection must be a valid string');
  if (!key || typeof key !== 'string') throw new Error('key must be a valid string');
}

function bytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

class PeerBatchingStub implements BatchingStub {
  readonly #stub: Stub;
  readonly #channel: PeerBatchChannel | undefined;
  #writes: Map<string, StateWrite> | undefined;
  #installed = false;

  constructor(stub: Stub) {
    this.#stub = stub;
    this.#channel = PeerBatchChannel.of(stub);
  }

  #record(write: StateWrite): Promise<void> {
    const writes = this.#writes;
    if (!writes) throw new Error('no write batch is open');
    const id = `${write.kind === 'metadata' ? 'm' : 'd'}\u0000${write.collection}\u0000${write.key}`;
    writes.delete(id); // re-inserted last: the batch keeps the order of the last writes
    writes.set(id, write);
    return Promise.resolve();
  }

  /**
   * Puts the batch in front of every write method once per stub: while a batch is open a write is
   * held, otherwise it goes to the shim's own method. The methods are never removed again, so the
   * stub keeps one shape (deleting properties would slow every later access to it).
   */
  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    const stub = this.#stub;
    const direct = (name: WriteMethod, args: unknown[]): Promise<void> =>
      Reflect.apply(Reflect.get(Object.getPrototypeOf(stub) as object, name) as (...a: unknown[]) => Promise<void>, stub, args);
    const held = (name: WriteMethod, args: unknown[], write: () => StateWrite): Promise<void> =>
      this.#writes ? this.#record(write()) : direct(name, args);
    stub.putState = (key, value) => held('putState', [key, value], () => ({ kind: 'put', collection: '', key, value: bytes(value) }));
    stub.deleteState = (key) => held('deleteState', [key], () => ({ kind: 'delete', collection: '', key }));
    stub.setStateValidationParameter = (key, ep) =>
      held('setStateValidationParameter', [key, ep], () => ({
        kind: 'metadata',
        collection: '',
        key,
        metakey: VALIDATION_PARAMETER,
        value: bytes(ep),
      }));
    stub.putPrivateData = (collection, key, value) => {
      requireCollectionKey(collection, key);
      if (!(value as Uint8Array | undefined)) throw new Error('value must be valid');
      return held('putPrivateData', [collection, key, value], () => ({ kind: 'put', collection, key, value: bytes(value) }));
    };
    stub.deletePrivateData = (collection, key) => {
      requireCollectionKey(collection, key);
      return held('deletePrivateData', [collection, key], () => ({ kind: 'delete', collection, key }));
    };
    stub.purgePrivateData = (collection, key) => {
      requireCollectionKey(collection, key);
      return held('purgePrivateData', [collection, key], () => ({ kind: 'purge', collection, key }));
    };
    stub.setPrivateDataValidationParameter = (collection, key, ep) => {
      requireCollectionKey(collection, key);
      return held('setPrivateDataValidationParameter', [collection, key, ep], () => ({
        kind: 'metadata',
        collection,
        key,
        metakey: VALIDATION_PARAMETER,
        value: bytes(ep),
      }));
    };
  }

  startWriteBatch(): void {
    if (this.#writes || !this.#channel?.capabilities.writeBatch) return;
    this.#install();
    this.#writes = new Map();
  }

  async finishWriteBatch(): Promise<void> {
    const writes = this.#writes;
    if (!writes || !this.#channel) return;
    this.#writes = undefined;
    if (writes.size > 0) await this.#channel.writeBatch([...writes.values()]);
  }

  async getMultipleStates(keys: readonly string[]): Promise<Uint8Array[]> {
    if (this.#channel?.capabilities.getMultiple && keys.length > 1) return this.#channel.getMultiple(keys);
    const out: Uint8Array[] = [];
    for (const k of keys) out.push(await this.#stub.getState(k));
    return out;
  }

  async getMultiplePrivateData(collection: string, keys: readonly string[]): Promise<Uint8Array[]> {
    if (this.#channel?.capabilities.getMultiple && keys.length > 1) return this.#channel.getMultiple(keys, collection);
    const out: Uint8Array[] = [];
    for (const k of keys) out.push(await this.#stub.getPrivateData(collection, k));
    return out;
  }
}

const byStub = new WeakMap<Stub, BatchingStub>();

/** The batching calls for a transaction's stub (one object per stub). */
export function batchingFor(stub: Stub): BatchingStub {
  let b = byStub.get(stub);
  if (!b) {
    b = new PeerBatchingStub(stub);
    byStub.set(stub, b);
  }
  return b;
}

export { installPeerBatching } from './peer-protocol';
