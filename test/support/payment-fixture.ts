import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PaymentContract } from '@xborder/chaincode';
import { ATTESTATION_PURPOSE, canonicalize, CONFIRMATION_PURPOSE, parseAttestation, parseConfirmation } from '@xborder/protocol';
import type { Pacs002Status, PartyValues, PaymentFields } from '@xborder/protocol';

import type { TestIdentity } from './certs';

export const payment = new PaymentContract();

/**
 * The operators' party-commitment key of the unit tests, installed the way the network installs it
 * for chaincode servers: an owner-only file named by XB_PARTY_KEYS_FILE.
 */
export const PARTY_KEY = { id: 'pk-test', from: '2000-01-01', secret: createHash('sha256').update('xborder unit-test party key').digest() };

export function installPartyKeys(keys: readonly { id: string; from: string; secret: Buffer }[] = [PARTY_KEY]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xb-party-keys-'));
  const file = path.join(dir, 'party-keys.json');
  fs.writeFileSync(file, JSON.stringify({ keys: keys.map((k) => ({ ...k, secret: k.secret.toString('hex') })) }), { mode: 0o600 });
  process.env.XB_PARTY_KEYS_FILE = file;
  return file;
}
installPartyKeys();

/** The payer and payee values behind `paymentFields()` (sent as transient data, never written). */
export const PARTIES: PartyValues = { payer: { value: '+852 9123 4567', account: null }, payee: { value: '1-1037-00123-45-6' } };

/** Transient data carrying payer and payee values to the chaincode. */
export function partiesTransient(parties: PartyValues = PARTIES): { parties: string } {
  return { parties: canonicalize(parties) };
}

/** An HK->TH payment of HKD 1,000.00 at 4.35 = THB 4,350.00 from hk-bank-a to th-bank-a. */
export function paymentFields(overrides: Partial<Record<keyof PaymentFields, unknown>> = {}): PaymentFields {
  const uetr = randomUUID();
  return {
    uetr,
    endToEndId: `E2E-${uetr.slice(0, 8).toUpperCase()}`,
    instrId: `INSTR-${uetr.slice(0, 6)}`,
    txId: `TX-${uetr.slice(0, 6)}`,
    msgId: `VHBK-${uetr.slice(0, 10)}`,
    msgType: 'pacs.008.001.08',
    scheme: 'FPSxPromptPay',
    corridor: 'HK-TH',
    amount: { value: '1000.00', currency: 'HKD' },
    settlementAmount: { value: '4350.00', currency: 'THB' },
    settlementDate: '2026-11-25',
    exchangeRate: '4.35',
    chargeBearer: 'SLEV',
    charges: [],
    debtorAgent: { bic: 'VHBKHKHHXXX', clearingSystem: null, clearingMemberId: null },
    creditorAgent: { bic: 'CPCBTHBKXXX', clearingSystem: null, clearingMemberId: null },
    payer: { proxyType: 'mobile' },
    payee: { proxyType: 'national-id' },
    messageHash: createHash('sha256').update(`pacs.008 ${uetr}`).digest('hex'),
    ...overrides,
  } as PaymentFields;
}

function signBytes(who: TestIdentity, text: string): string {
  return sign('sha256', Buffer.from(text), createPrivateKey(who.keyPem)).toString('base64');
}

export function signAttestation(fields: PaymentFields, who: TestIdentity): { json: string; signature: string } {
  const attestation = parseAttestation({ ...fields, purpose: ATTESTATION_PURPOSE, institution: who.institution, mspId: who.mspId }, null);
  const json = canonicalize(attestation);
  return { json, signature: signBytes(who, json) };
}

export function signConfirmation(
  fields: PaymentFields,
  status: Pacs002Status,
  who: TestIdentity,
  reasonCode: string | null = null,
): { json: string; signature: string } {
  const confirmation = parseConfirmation({
    purpose: CONFIRMATION_PURPOSE,
    fields,
    status,
    reasonCode,
    statusMessageHash: createHash('sha256').update(`pacs.002 ${fields.uetr} ${status}`).digest('hex'),
    institution: who.institution,
    mspId: who.mspId,
  });
  const json = canonicalize(confirmation);
  return { json, signature: signBytes(who, json) };
}
