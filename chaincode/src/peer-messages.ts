import { BinaryReader, BinaryWriter } from 'google-protobuf';

/**
 * Wire encodings of the Fabric 3.1 chaincode messages fabric-shim 2.5 does not know, from
 * fabric-protos `peer/chaincode_shim.proto` and `peer/chaincode.proto`. Encoded by hand because the
 * generated classes of two fabric-protos versions share one global namespace in a process, and the
 * shim's older one wins (its ChaincodeMessage.Type has no WRITE_BATCH_STATE).
 */

/** ChaincodeMessage.Type values. */
export const MessageType = { READY: 4, WRITE_BATCH_STATE: 24, GET_STATE_MULTIPLE: 25 } as const;

/** WriteRecord.Type values (they reuse the PUT_STATE / DEL_STATE message numbers). */
const RecordType = { PUT_STATE: 9, DEL_STATE: 10 } as const;

/** What the peer announced in READY (ChaincodeAdditionalParams). */
export interface PeerCapabilities {
  readonly writeBatch: boolean;
  readonly maxWriteBatch: number;
  readonly getMultiple: boolean;
  readonly maxGetMultiple: number;
}

/** One write: a put (value set) or a delete (value undefined); collection '' is public state. */
export interface StateWrite {
  readonly collection: string;
  readonly key: string;
  readonly value: Uint8Array | undefined;
}

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

/** WriteBatchState { repeated WriteRecord rec = 1 }; WriteRecord { key = 1, value = 2, collection = 3, type = 5 }. */
export function encodeWriteBatch(writes: readonly StateWrite[]): Uint8Array {
  const batch = new BinaryWriter();
  for (const w of writes) {
    const rec = new BinaryWriter();
    rec.writeString(1, w.key);
    if (w.value !== undefined && w.value.length > 0) rec.writeBytes(2, w.value);
    if (w.collection !== '') rec.writeString(3, w.collection);
    rec.writeEnum(5, w.value === undefined ? RecordType.DEL_STATE : RecordType.PUT_STATE);
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
