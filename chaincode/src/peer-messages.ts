import { BinaryReader, BinaryWriter } from 'google-protobuf';

/**
 * Wire encodings of the Fabric 3.1 chaincode messages fabric-shim 2.5 does not know, from
 * fabric-protos `peer/chaincode_shim.proto` and `peer/chaincode.proto`. Encoded by hand because the
 * generated classes of two fabric-protos versions share one global namespace in a process, and the
 * shim's older one wins (its ChaincodeMessage.Type has no WRITE_BATCH_STATE).
 */

/** ChaincodeMessage.Type values. */
export const MessageType = { READY: 4, WRITE_BATCH_STATE: 24, GET_STATE_MULTIPLE: 25 } as const;

/** WriteRecord.Type values (they reuse the PUT_STATE, DEL_STATE, PUT_STATE_METADATA, PURGE_PRIVATE_DATA message numbers). */
const RecordType = { PUT_STATE: 9, DEL_STATE: 10, PUT_STATE_METADATA: 21, PURGE_PRIVATE_DATA: 23 } as const;

/** What the peer announced in READY (ChaincodeAdditionalParams). */
export interface PeerCapabilities {
  readonly writeBatch: boolean;
  readonly maxWriteBatch: number;
  readonly getMultiple: boolean;
  readonly maxGetMultiple: number;
}

/**
 * One write of a transaction; collection '' is public state. A `put` sets a value, a `delete` removes
 * it, a `purge` removes private data and its history, a `metadata` write sets one metadata entry of
 * the key (the validation parameter of key-level endorsement).
 */
export type StateWrite =
  | { readonly kind: 'put'; readonly collection: string; readonly key: string; readonly value: Uint8Array }
  | { readonly kind: 'delete' | 'purge'; readonly collection: string; readonly key: string }
  | { readonly kind: 'metadata'; readonly collection: string; readonly key: string; readonly metakey: string; readonly value: Uint8Array };

/** Decodes ChaincodeAdditionalParams; an empty payload (peers before 3.1) announces nothing. */
export function decodeCapabilities(payload: Uint8Array): PeerCapabilities {
  let useWriteBatch = false;
  let maxWriteBatch = 0;
  let useGetMultiple = false;
  let maxGetMultiple = 0;
  const reader = new BinaryReader(payload);
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    switch (reader.getFieldNumber()) {
      case 1:
        useWriteBatch = reader.readBool();
        break;
      case 2:
        maxWriteBatch = reader.readUint32();
        break;
      case 3:
        useGetMultiple = reader.readBool();
        break;
      case 4:
        maxGetMultiple = reader.readUint32();
        break;
      default:
        reader.skipField();
    }
  }
  return {
    writeBatch: useWriteBatch && maxWriteBatch > 0,
    maxWriteBatch,
    getMultiple: useGetMultiple && maxGetMultiple > 0,
    maxGetMultiple,
  };
}

const RECORD_TYPES = {
  put: RecordType.PUT_STATE,
  delete: RecordType.DEL_STATE,
  purge: RecordType.PURGE_PRIVATE_DATA,
  metadata: RecordType.PUT_STATE_METADATA,
} as const;

/**
 * WriteBatchState { repeated WriteRecord rec = 1 };
 * WriteRecord { key = 1, value = 2, collection = 3, metadata = 4 (StateMetadata { metakey = 1, value = 2 }), type = 5 }.
 */
export function encodeWriteBatch(writes: readonly StateWrite[]): Uint8Array {
  const batch = new BinaryWriter();
  for (const w of writes) {
    const rec = new BinaryWriter();
    rec.writeString(1, w.key);
    if (w.kind === 'put' && w.value.length > 0) rec.writeBytes(2, w.value);
    if (w.collection !== '') rec.writeString(3, w.collection);
    if (w.kind === 'metadata') {
      const md = new BinaryWriter();
      md.writeString(1, w.metakey);
      if (w.value.length > 0) md.writeBytes(2, w.value);
      rec.writeBytes(4, md.getResultBuffer());
    }
    rec.writeEnum(5, RECORD_TYPES[w.kind]);
    batch.writeBytes(1, rec.getResultBuffer());
  }
  return batch.getResultBuffer();
}

/** GetStateMultiple { repeated string keys = 1, string collection = 2 }. */
export function encodeGetMultiple(keys: readonly string[], collection: string): Uint8Array {
  const w = new BinaryWriter();
  for (const k of keys) w.writeString(1, k);
  if (collection !== '') w.writeString(2, collection);
  return w.getResultBuffer();
}

/** GetStateMultipleResult { repeated bytes values = 1 }. */
export function decodeGetMultipleResult(payload: Uint8Array): Uint8Array[] {
  const values: Uint8Array[] = [];
  const reader = new BinaryReader(payload);
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() === 1) values.push(reader.readBytes());
    else reader.skipField();
  }
  return values;
}
