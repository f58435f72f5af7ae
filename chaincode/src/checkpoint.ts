import { X509Certificate } from 'node:crypto';

import { Context, Info, Returns, Transaction } from 'fabric-contract-api';

import { XborderContract } from './xborder-contract';
import { requireRole } from './caller';
import {
  canonicalBytes,
  canonicalize,
  ChaincodeError,
  isSignatureBase64,
  readCheckpointStatement,
  TRANSACTIONS,
  verifyWithCertificate,
} from '@xborder/protocol';
import type { Assert, CheckpointRecord, CheckpointStatement, Implements } from '@xborder/protocol';
import { checkAgainstPeer } from './peer-ledger';
import { getRecord, key, pageSize, prefixRange, putRecord, rangePage, txTime, decodeText } from './state';

const checkpointKey = (height: number, mspId: string): string => key('checkpoint', String(height).padStart(12, '0'), mspId);

/**
 * Operators periodically sign (height, block hash, validity chain) of the chain they hold, and every
 * endorsing peer confirms the height and hash from its own ledger. Once both operators have
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
      throw new ChaincodeError('CHECKPOINT_INVALID', 'the checkpoint statement is not JSON');
    }
    const read = readCheckpointStatement(parsed);
    if (typeof read === 'string') throw new ChaincodeError('CHECKPOINT_INVALID', read);
    const statement: CheckpointStatement = read;
    if (statement.channel !== ctx.stub.getChannelID())
      throw new ChaincodeError('CHECKPOINT_INVALID', `channel must be ${ctx.stub.getChannelID()}`);
    if (statement.mspId !== who.mspId) throw new ChaincodeError('ACCESS_DENIED', `a ${who.mspId} admin signs for ${who.mspId} only`);
    const certificate = new X509Certificate(decodeText(ctx.clientIdentity.getIDBytes())).toString();
    if (!isSignatureBase64(signature) || !verifyWithCertificate(certificate, canonicalBytes(statement), Buffer.from(signature, 'base64'))) {
      throw new ChaincodeError('CHECKPOINT_INVALID', "the checkpoint signature does not verify with the caller's certificate");
    }
    const k = checkpointKey(statement.height, statement.mspId);
    const existing = await getRecord<CheckpointRecord>(ctx, k);
    if (existing) {
      if (existing.blockHash !== statement.blockHash || existing.validity !== statement.validity)
        throw new ChaincodeError(
          'CHECKPOINT_MISMATCH',
          `${statement.mspId} already signed height ${String(statement.height)} with another hash or validity chain`,
        );
      return JSON.stringify(existing);
    }
    // every endorsing peer confirms the claim from its own ledger: the height exists and block
    // height-1 has this header hash (so no operator can record a height or hash the chain lacks)
    checkAgainstPeer(statement.height, statement.blockHash);
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
      Buffer.from(
        canonicalize({ height: statement.height, blockHash: statement.blockHash, validity: statement.validity, mspId: statement.mspId }),
      ),
    );
    return JSON.stringify(record);
  }

  /** Checkpoints at `fromHeight` or above, in height order, one page at a time (what followers and provers need). */
  @Transaction(false)
  @Returns('string')
  async ListCheckpointsFrom(ctx: Context, fromHeight: string, size: string, bookmark: string): Promise<string> {
    requireRole(ctx, ['submitter', 'auditor', 'admin'], false);
    if (!/^\d{1,12}$/.test(fromHeight)) throw new ChaincodeError('PAGE_INVALID', 'fromHeight must be a block height of at most 12 digits');
    const all = prefixRange('checkpoint');
    const range = { start: key('checkpoint', fromHeight.padStart(12, '0')), end: all.end };
    const page = await rangePage(ctx, range, pageSize(size), bookmark, (_k, value) =>
      Promise.resolve(JSON.parse(decodeText(value)) as CheckpointRecord),
    );
    return JSON.stringify(page);
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

/** Compiles only while CheckpointContract implements exactly the `checkpoint` transactions of protocol/src/transactions.ts. */
export type CheckpointContractMatchesProtocol = Assert<Implements<CheckpointContract, typeof TRANSACTIONS.checkpoint>>;
