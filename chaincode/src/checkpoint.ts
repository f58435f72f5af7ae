import { X509Certificate } from 'node:crypto';

import { Context, Info, Returns, Transaction } from 'fabric-contract-api';

import { XborderContract } from './xborder-contract';
import { requireRole } from './caller';
import { ChaincodeError } from './shared/errors';
import { isSha256Hex, verifyWithCertificate } from './shared/hash';
import { canonicalBytes, canonicalize } from './shared/jcs';
import { getRecord, key, pageSize, prefixRange, putRecord, rangePage, txTime, decodeText } from './state';

export const CHECKPOINT_PURPOSE = 'xborder/checkpoint/v1';

/** What an operator signs: the channel had `height` blocks and the last one's header hash was `blockHash`. */
export interface CheckpointStatement {
  readonly purpose: typeof CHECKPOINT_PURPOSE;
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  readonly mspId: string;
}

export interface CheckpointRecord extends CheckpointStatement {
  readonly statement: string;
  readonly signature: string;
  /** The signing certificate, so anyone can verify the signature offline. */
  readonly certificate: string;
  readonly txId: string;
  readonly txTime: string;
}

const checkpointKey = (height: number, mspId: string): string => key('checkpoint', String(height).padStart(12, '0'), mspId);

/**
 * Operators periodically sign (height, block hash) of the chain they hold. Once both operators have
 * signed a height, neither can later present a shorter or different history up to that height
 * without contradicting its own signature.
 */
@Info({ title: 'CheckpointContract', description: 'Chain checkpoints signed by each operator' })
export class CheckpointContract extends XborderContract {
  constructor() {
    super('checkpoint');
  }

  /** An operator admin records its signed view of the chain. The same checkpoint again is a no-op. */
  @Transaction()
  @Returns('string')
  async RecordCheckpoint(ctx: Context, statementJson: string, signature: string): Promise<string> {
    const who = requireRole(ctx, ['admin'], true);
    let parsed: unknown;
    try {
      parsed = JSON.parse(statementJson);
    } catch {
      throw new ChaincodeError('INVALID_ARGUMENT', 'the checkpoint statement is not JSON');
    }
    const s = parsed as Partial<CheckpointStatement> | null;
    if (typeof s !== 'object' || s === null || Object.keys(s).sort().join(',') !== 'blockHash,channel,height,mspId,purpose') {
      throw new ChaincodeError('INVALID_ARGUMENT', 'the checkpoint statement needs exactly purpose, channel, height, blockHash, mspId');
    }
    if (s.purpose !== CHECKPOINT_PURPOSE) throw new ChaincodeError('INVALID_ARGUMENT', `purpose must be ${CHECKPOINT_PURPOSE}`);
    if (typeof s.height !== 'number' || !Number.isInteger(s.height) || s.height < 1 || s.height > 1e12)
      throw new ChaincodeError('INVALID_ARGUMENT', 'height must be a positive integer');
    if (typeof s.blockHash !== 'string' || !isSha256Hex(s.blockHash))
      throw new ChaincodeError('INVALID_ARGUMENT', 'blockHash must be 64 lowercase hex digits');
    if (s.channel !== ctx.stub.getChannelID()) throw new ChaincodeError('INVALID_ARGUMENT', `channel must be ${ctx.stub.getChannelID()}`);
    if (s.mspId !== who.mspId) throw new ChaincodeError('ACCESS_DENIED', `a ${who.mspId} admin signs for ${who.mspId} only`);
    const statement: CheckpointStatement = {
      purpose: CHECKPOINT_PURPOSE,
      channel: s.channel,
      height: s.height,
      blockHash: s.blockHash,
      mspId: s.mspId,
    };
    const certificate = new X509Certificate(decodeText(ctx.clientIdentity.getIDBytes())).toString();
    if (
      !/^[A-Za-z0-9+/]+={0,2}$/.test(signature) ||
      !verifyWithCertificate(certificate, canonicalBytes(statement), Buffer.from(signature, 'base64'))
    ) {
      throw new ChaincodeError('INVALID_ARGUMENT', "the checkpoint signature does not verify with the caller's certificate");
    }
    const k = checkpointKey(statement.height, statement.mspId);
    const existing = await getRecord<CheckpointRecord>(ctx, k);
    if (existing) {
      if (existing.blockHash !== statement.blockHash)
        throw new ChaincodeError(
          'INVALID_ARGUMENT',
          `${statement.mspId} already signed height ${String(statement.height)} with another hash`,
        );
      return JSON.stringify(existing);
    }
    const record: CheckpointRecord = {
      ...statement,
      statement: canonicalize(statement),
      signature,
      certificate,
      txId: ctx.stub.getTxID(),
      txTime: txTime(ctx),
    };
    await putRecord(ctx, k, record);
    ctx.stub.setEvent(
      'CheckpointRecorded',
      Buffer.from(canonicalize({ height: statement.height, blockHash: statement.blockHash, mspId: statement.mspId })),
    );
    return JSON.stringify(record);
  }

  /** Checkpoints in height order, one page at a time. */
  @Transaction(false)
  @Returns('string')
  async ListCheckpoints(ctx: Context, size: string, bookmark: string): Promise<string> {
    requireRole(ctx, ['submitter', 'auditor', 'admin'], false);
    const page = await rangePage(ctx, prefixRange('checkpoint'), pageSize(size), bookmark, (_k, value) =>
      Promise.resolve(JSON.parse(decodeText(value)) as CheckpointRecord),
    );
    return JSON.stringify(page);
  }
}
