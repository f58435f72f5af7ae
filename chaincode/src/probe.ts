import { Context, Info, Returns, Transaction } from 'fabric-contract-api';

import { XborderContract } from './xborder-contract';
import { caller, requireRole } from './caller';
import { canonicalBytes, ChaincodeError, TRANSACTIONS } from '@xborder/protocol';
import type { Assert, Implements } from '@xborder/protocol';

const decoder = new TextDecoder();

/**
 * Diagnostics that prove the deployment path end to end: who am I (as the chaincode sees the
 * certificate), and a put/get pair restricted to operator institutions.
 */
@Info({ title: 'ProbeContract', description: 'Network diagnostics: identity echo and a put/get pair' })
export class ProbeContract extends XborderContract {
  constructor() {
    super('probe');
  }

  /** The caller's MSP, role and institution, and the transaction time. */
  @Transaction(false)
  @Returns('string')
  async WhoAmI(ctx: Context): Promise<string> {
    const who = caller(ctx);
    const ts = ctx.stub.getDateTimestamp();
    return Promise.resolve(
      decoder.decode(
        canonicalBytes({ mspId: who.mspId, role: who.role ?? null, institution: who.institution ?? null, txTime: ts.toISOString() }),
      ),
    );
  }

  /** Writes a probe value (a network check); the operators' admins only, so members cannot write free-form data. */
  @Transaction()
  async PutProbe(ctx: Context, key: string, value: string): Promise<void> {
    const who = requireRole(ctx, ['admin'], true);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw new ChaincodeError('INVALID_ARGUMENT', 'probe key must be 1-64 of A-Z a-z 0-9 _ . -');
    if (value.length > 1024) throw new ChaincodeError('INVALID_ARGUMENT', 'probe value longer than 1024 characters');
    const record = { key, value, writer: who.institution ?? null, mspId: who.mspId, txId: ctx.stub.getTxID() };
    await ctx.stub.putState(ctx.stub.createCompositeKey('probe', [key]), canonicalBytes(record));
  }

  /** Reads a probe value written by PutProbe. */
  @Transaction(false)
  @Returns('string')
  async GetProbe(ctx: Context, key: string): Promise<string> {
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey('probe', [key]));
    if (bytes.length === 0) throw new ChaincodeError('NOT_FOUND', `no probe ${key}`);
    return decoder.decode(bytes);
  }
}

/** Compiles only while ProbeContract implements exactly the `probe` transactions of protocol/src/transactions.ts. */
export type ProbeContractMatchesProtocol = Assert<Implements<ProbeContract, typeof TRANSACTIONS.probe>>;
