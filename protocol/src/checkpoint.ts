/**
 * Checkpoints: what an operator signs about the chain it holds, shared by the chaincode (which records
 * them) and the SDK (which makes and checks them).
 */
import { isSha256Hex } from './hash';

export const CHECKPOINT_PURPOSE = 'xborder/checkpoint/v2';

/**
 * An operator's view of the channel: it had `height` blocks, the last one's header hash was
 * `blockHash`, and `validity` is the validity chain over blocks 0..height-1 (header hashes and
 * validation flags, see the SDK's audit/validity), all read from its own peer.
 */
export interface CheckpointStatement {
  readonly purpose: typeof CHECKPOINT_PURPOSE;
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly validity: string;
  readonly mspId: string;
}

/** A recorded checkpoint: the statement as signed, the signature and the signing certificate. */
export interface CheckpointRecord extends CheckpointStatement {
  readonly statement: string;
  readonly signature: string;
  readonly certificate: string;
  readonly txId: string;
  readonly txTime: string;
}

const FIELDS = ['blockHash', 'channel', 'height', 'mspId', 'purpose', 'validity'];

/** Heights are block counts; Number keeps them exact far beyond any real channel. */
export const MAX_CHECKPOINT_HEIGHT = Number.MAX_SAFE_INTEGER;

/** Reads a statement from untrusted input; returns the reason it is not one, or the statement. */
export function readCheckpointStatement(value: unknown): CheckpointStatement | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the checkpoint statement is not an object';
  const s = value as Record<string, unknown>;
  if (Object.keys(s).sort().join(',') !== FIELDS.join(',')) return `the checkpoint statement needs exactly ${FIELDS.join(', ')}`;
  if (s.purpose !== CHECKPOINT_PURPOSE) return `purpose must be ${CHECKPOINT_PURPOSE}`;
  if (typeof s.height !== 'number' || !Number.isSafeInteger(s.height) || s.height < 1) return 'height must be a positive integer';
  if (typeof s.blockHash !== 'string' || !isSha256Hex(s.blockHash)) return 'blockHash must be 64 lowercase hex digits';
  if (typeof s.validity !== 'string' || !isSha256Hex(s.validity)) return 'validity must be 64 lowercase hex digits';
  if (typeof s.channel !== 'string' || s.channel === '') return 'channel must be a channel name';
  if (typeof s.mspId !== 'string' || s.mspId === '') return 'mspId must be an MSP id';
  return checkpointStatement({ channel: s.channel, height: s.height, blockHash: s.blockHash, validity: s.validity, mspId: s.mspId });
}

/**
 * Exactly the signed fields of a checkpoint, from a statement being built or from a record that
 * carries one: the one definition the chaincode, the SDK and the proof checker sign and verify.
 */
export function checkpointStatement(c: Omit<CheckpointStatement, 'purpose'>): CheckpointStatement {
  return {
    purpose: CHECKPOINT_PURPOSE,
    channel: c.channel,
    height: c.height,
    blockHash: c.blockHash,
    validity: c.validity,
    mspId: c.mspId,
  };
}
