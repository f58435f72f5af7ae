/**
 * Checkpoints: what an operator signs about the chain it holds, shared by the chaincode (which records
 * them) and the SDK (which makes and checks them).
 */
import { checkpointStatementShape } from './arguments';
import type { CheckpointStatementShape } from './arguments';
import { ChaincodeError } from './errors';

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

/** Heights are block counts; Number keeps them exact far beyond any real channel. */
export const MAX_CHECKPOINT_HEIGHT = Number.MAX_SAFE_INTEGER;

/** Reads a statement from untrusted input; returns the reason it is not one, or the statement. */
export function readCheckpointStatement(value: unknown): CheckpointStatement | string {
  let s: CheckpointStatementShape;
  try {
    s = checkpointStatementShape(value);
  } catch (err) {
    return err instanceof ChaincodeError ? err.reason : 'the checkpoint statement is malformed';
  }
  if (s.purpose !== CHECKPOINT_PURPOSE) return `purpose must be ${CHECKPOINT_PURPOSE}`;
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
