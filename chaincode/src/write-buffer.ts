import type { Context } from 'fabric-contract-api';

import type { StateWrite } from './peer-messages';
import { PeerBatchChannel } from './peer-protocol';

/**
 * Holds a transaction's writes and sends them to the peer in one WRITE_BATCH_STATE message when the
 * transaction function has returned (see peer-protocol.ts). Reads are unaffected: in Fabric a
 * transaction never reads its own writes, buffered or not. The last write of a key wins, as it does
 * in the peer's write set. A transaction that throws sends nothing.
 *
 * Returns the flush function, or undefined (and leaves the stub alone) when the peer cannot take batches.
 */
export function bufferWrites(stub: Context['stub']): (() => Promise<void>) | undefined {
  const channel = PeerBatchChannel.of(stub);
  if (!channel?.capabilities.writeBatch) return undefined;
  const writes = new Map<string, StateWrite>();
  const record = (collection: string, key: string, value: Uint8Array | undefined): void => {
    const id = `${collection}\u0000${key}`;
    writes.delete(id); // re-inserted last: the order of the batch is the order of the last writes
    writes.set(id, { collection, key, value });
  };
  const bytes = (value: Uint8Array | string): Uint8Array => (typeof value === 'string' ? Buffer.from(value) : value);
  const requireCollection = (collection: string, key: string): void => {
    // the checks the shim makes before it sends a private-data write
    if (!collection || typeof collection !== 'string') throw new Error('collection must be a valid string');
    if (!key || typeof key !== 'string') throw new Error('key must be a valid string');
  };

  stub.putState = (key: string, value: Uint8Array) => {
    record('', key, bytes(value));
    return Promise.resolve();
  };
  stub.deleteState = (key: string) => {
    record('', key, undefined);
    return Promise.resolve();
  };
  stub.putPrivateData = (collection: string, key: string, value: Uint8Array) => {
    requireCollection(collection, key);
    if (!(value as Uint8Array | undefined)) throw new Error('value must be valid');
    record(collection, key, bytes(value));
    return Promise.resolve();
  };
  stub.deletePrivateData = (collection: string, key: string) => {
    requireCollection(collection, key);
    record(collection, key, undefined);
    return Promise.resolve();
  };

  return async () => {
    if (writes.size === 0) return;
    const all = [...writes.values()];
    writes.clear();
    await channel.writeBatch(all);
  };
}
