import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { Contract } from '@hyperledger/fabric-gateway';

import {
  ATTESTATION_PURPOSE,
  canonicalize,
  CONFIRMATION_PURPOSE,
  parseAttestation,
  parseConfirmation,
  sealContent,
  VALIDATION_CODES,
} from '@xborder/protocol';
import type { PartyValues, PaymentFields } from '@xborder/protocol';
import { submitToOrderers } from '@xborder/sdk';
import type { CommitWatcher, SignedIntel, XborderClient } from '@xborder/sdk';
import { signLowS } from '@xborder/sdk/signing';

import type { TxOutcome } from './load';

/** A STIX indicator of realistic size (about 600 bytes canonical), unique per call. */
export function benchIndicator(i: number): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-25T00:00:00.000Z',
    modified: '2026-11-25T00:00:00.000Z',
    name: `Benchmark phishing URL ${String(i)}`,
    description: 'Look-alike FPS / PromptPay payment page collecting one-time passwords.',
    indicator_types: ['malicious-activity'],
    pattern: `[url:value = 'https://pay-${randomBytes(6).toString('hex')}.example/otp']`,
    pattern_type: 'stix',
    valid_from: '2026-11-25T00:00:00Z',
    labels: ['phishing'],
    confidence: 70,
    object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
  };
}

/** What the scenarios need of a contract: `submitAsync`, whose result reports its commit status. */
export interface LoadContract {
  submitAsync(
    fn: string,
    options: { arguments: string[]; transientData?: Record<string, Uint8Array> },
  ): Promise<{ getStatus(): Promise<{ successful: boolean; code: number }> }>;
}

/**
 * Submits as the SDK does (endorse, then send to the orderers again when they could not take the
 * transaction, see submitToOrderers); commit status by a call per transaction, or from the watcher's
 * block event stream when one is given.
 */
export function throughSdk(contract: Contract, watcher?: CommitWatcher): LoadContract {
  return {
    async submitAsync(fn, options) {
      const submitted = await submitToOrderers(await contract.newProposal(fn, options).endorse());
      if (!watcher) return submitted;
      const id = submitted.getTransactionId();
      return { getStatus: () => watcher.wait(id) };
    },
  };
}

/** Submits and waits for the commit; maps the validation code. */
export async function submitAndWait(
  contract: LoadContract,
  fn: string,
  args: string[],
  transient?: Record<string, Uint8Array>,
  objects = 1,
): Promise<TxOutcome> {
  const submitted = await contract.submitAsync(fn, { arguments: args, ...(transient ? { transientData: transient } : {}) });
  const status = await submitted.getStatus();
  if (status.successful) return { ok: true, objects };
  return {
    ok: false,
    kind: status.code === VALIDATION_CODES.MVCC_READ_CONFLICT ? 'mvcc' : 'failed',
    message: `validation code ${String(status.code)}`,
  };
}

export function baselineTx(contract: LoadContract): (i: number) => Promise<TxOutcome> {
  const prefix = randomBytes(4).toString('hex');
  return (i) => submitAndWait(contract, 'CreateAsset', [`asset-${prefix}-${String(i)}`, 'blue', 'Victoria Harbour Bank', '5', '1300']);
}

export function intelTx(client: XborderClient, contract: LoadContract): (i: number) => Promise<TxOutcome> {
  return (i) => {
    const s = client.intel.sign(benchIndicator(i));
    return submitAndWait(contract, 'SubmitIntel', [s.statementJson, s.signature], {
      content: sealContent(s.prepared.salt, s.prepared.canonical),
    });
  };
}

export function intelBatchTx(client: XborderClient, contract: LoadContract, size: number): (i: number) => Promise<TxOutcome> {
  return (i) => {
    const signed: SignedIntel[] = Array.from({ length: size }, (_, k) => client.intel.sign(benchIndicator(i * size + k)));
    const transient: Record<string, Uint8Array> = {};
    signed.forEach((s, k) => (transient[`content${String(k)}`] = sealContent(s.prepared.salt, s.prepared.canonical)));
    const items = JSON.stringify(signed.map((s) => ({ statement: s.statementJson, signature: s.signature })));
    return submitAndWait(contract, 'SubmitIntelBatch', [items], transient, size);
  };
}

/**
 * An HK->TH payment by hk-bank-a to th-bank-a, with a payer of its own (daily caps stay clear); the
 * same UETR and date give the same fields, so the receiver can rebuild its own view of the payment.
 */
export function benchPayment(date: string, uetr: string = randomUUID()): PaymentFields {
  return {
    uetr,
    endToEndId: `BENCH-${uetr.slice(0, 8)}`,
    instrId: null,
    txId: null,
    msgId: `BENCH-${uetr.slice(9, 13)}`,
    msgType: 'pacs.008.001.08',
    scheme: 'FPSxPromptPay',
    corridor: 'HK-TH',
    amount: { value: '100.00', currency: 'HKD' },
    settlementAmount: { value: '435.00', currency: 'THB' },
    settlementDate: date,
    exchangeRate: '4.35',
    chargeBearer: 'SLEV',
    charges: [],
    debtorAgent: { bic: 'VHBKHKHHXXX', clearingSystem: null, clearingMemberId: null },
    creditorAgent: { bic: 'CPCBTHBKXXX', clearingSystem: null, clearingMemberId: null },
    payer: { proxyType: 'mobile' },
    payee: { proxyType: 'mobile' },
    messageHash: createHash('sha256').update(uetr).digest('hex'),
  };
}

/** A payer and payee of the payment's own, derived from its UETR. */
export function benchPartyValues(uetr: string): PartyValues {
  const digits = BigInt(`0x${uetr.replace(/-/g, '').slice(0, 12)}`)
    .toString()
    .slice(0, 9);
  return { payer: { value: `+8529${digits}`, account: null }, payee: { value: `+6689${digits}` } };
}

/** The payment's payer and payee as the transient data sent to the operators' chaincode. */
function benchParties(uetr: string): Record<string, Uint8Array> {
  return { parties: Buffer.from(canonicalize(benchPartyValues(uetr))) };
}

function signedJson(client: XborderClient, value: unknown): [string, string] {
  const json = canonicalize(value);
  const key = client.signingKey;
  return [json, Buffer.from(signLowS(key, Buffer.from(json))).toString('base64')];
}

export function attestTx(
  client: XborderClient,
  contract: LoadContract,
  date: string,
  attested: PaymentFields[],
): (i: number) => Promise<TxOutcome> {
  return async () => {
    const fields = benchPayment(date);
    const attestation = parseAttestation(
      { ...fields, purpose: ATTESTATION_PURPOSE, institution: client.profile.institution, mspId: client.profile.mspId },
      null,
    );
    const outcome = await submitAndWait(contract, 'AttestPayment', signedJson(client, attestation), benchParties(fields.uetr));
    if (outcome.ok) attested.push(fields);
    return outcome;
  };
}

export function confirmTx(client: XborderClient, contract: LoadContract, attested: PaymentFields[]): (i: number) => Promise<TxOutcome> {
  return async () => {
    const fields = attested.pop();
    if (!fields) return { ok: false, kind: 'failed', message: 'no attested payment left to confirm' };
    const confirmation = parseConfirmation({
      purpose: CONFIRMATION_PURPOSE,
      fields,
      status: 'ACSC',
      reasonCode: null,
      statusMessageHash: createHash('sha256').update(`pacs.002 ${fields.uetr}`).digest('hex'),
      institution: client.profile.institution,
      mspId: client.profile.mspId,
    });
    return submitAndWait(contract, 'ConfirmPayment', signedJson(client, confirmation), benchParties(fields.uetr));
  };
}
