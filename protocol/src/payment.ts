import { createHmac } from 'node:crypto';

import { UUID4_RE } from './constants';
import { ChaincodeError } from './errors';
import { isSha256Hex } from './hash';
import { canonicalize } from './jcs';
import { canonicalAmount, isCurrency, parseRate, rateMatches } from './money';
import type { Amount } from './money';
import { isInstitutionId, isMspId } from './statement';
import { hasControlChars } from './text';

/**
 * Version 2: payer and payee appear in signed statements by proxy type only; their values travel as
 * transient data to the operators' chaincode, which commits to them with a key no bank holds (version 1
 * carried commitments made by the banks with a key every bank held).
 */
export const ATTESTATION_PURPOSE = 'xborder/payment-attestation/v2';
export const CONFIRMATION_PURPOSE = 'xborder/payment-confirmation/v2';

export const CORRIDORS = ['HK-TH', 'TH-HK'] as const;
export type Corridor = (typeof CORRIDORS)[number];
/** The org whose institution sends (attests) and the one that receives (confirms) on a corridor. */
export const CORRIDOR_SIDES: Readonly<Record<Corridor, { sender: string; receiver: string }>> = {
  'HK-TH': { sender: 'HKMSP', receiver: 'THMSP' },
  'TH-HK': { sender: 'THMSP', receiver: 'HKMSP' },
};
export const CHARGE_BEARERS = ['DEBT', 'CRED', 'SHAR', 'SLEV'] as const;
export const PROXY_TYPES = ['mobile', 'national-id', 'e-wallet', 'account', 'fps-id', 'email'] as const;
export type ProxyType = (typeof PROXY_TYPES)[number];
export const PACS002_STATUSES = ['ACSC', 'ACCC', 'ACSP', 'PDNG', 'RJCT'] as const;
export type Pacs002Status = (typeof PACS002_STATUSES)[number];

export interface Agent {
  readonly bic: string | null;
  readonly clearingMemberId: string | null;
}

/** A payer or payee as signed: the kind of proxy only. Its value goes to the operators as transient data. */
export interface Party {
  readonly proxyType: ProxyType;
}

/** The raw values behind payer and payee (transient data `parties`; never written anywhere). */
export interface PartyValues {
  /** `account`: the debtor's account id when the message has one (the daily cap follows it). */
  readonly payer: { readonly value: string; readonly account: string | null };
  readonly payee: { readonly value: string };
}

/** The operators' keyed commitments to payer and payee, and the key that made them. */
export interface PartyCommitments {
  readonly keyId: string;
  readonly payer: string;
  readonly payee: string;
}

/** The fields of one payment (one CdtTrfTxInf of a pacs.008) that both sides attest. */
export interface PaymentFields {
  readonly uetr: string;
  readonly endToEndId: string;
  readonly instrId: string | null;
  readonly txId: string | null;
  readonly msgId: string;
  readonly msgType: string;
  readonly scheme: 'FPSxPromptPay';
  readonly corridor: Corridor;
  /** Instructed amount (InstdAmt). */
  readonly amount: Amount;
  /** Interbank settlement amount (IntrBkSttlmAmt). */
  readonly settlementAmount: Amount;
  readonly settlementDate: string;
  readonly exchangeRate: string;
  readonly chargeBearer: (typeof CHARGE_BEARERS)[number];
  readonly charges: readonly { amount: Amount; agent: string }[];
  readonly debtorAgent: Agent;
  readonly creditorAgent: Agent;
  readonly payer: Party;
  readonly payee: Party;
  /** SHA-256 of the canonical pacs.008 message. */
  readonly messageHash: string;
}

/** What the sending institution signs. */
export interface PaymentAttestation extends PaymentFields {
  readonly purpose: typeof ATTESTATION_PURPOSE;
  readonly institution: string;
  readonly mspId: string;
}

/** What the receiving institution signs: its own view of the fields and the pacs.002 status. */
export interface PaymentConfirmation {
  readonly purpose: typeof CONFIRMATION_PURPOSE;
  readonly fields: PaymentFields;
  readonly status: Pacs002Status;
  readonly reasonCode: string | null;
  /** SHA-256 of the canonical pacs.002 message. */
  readonly statusMessageHash: string;
  readonly institution: string;
  readonly mspId: string;
}

const ISO_TEXT_RE = /^[A-Za-z0-9/\-?:().,'+ ]{1,35}$/;
const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const CLEARING_RE = /^[A-Za-z0-9-]{2,35}$/;
const MSG_TYPE_RE = /^pacs\.008\.001\.(0[8-9]|1[0-3])$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const REASON_RE = /^[A-Z0-9]{4}$/;

function bad(reason: string): never {
  throw new ChaincodeError('PAYMENT_INVALID', reason);
}

function obj(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function exactKeys(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length > 0) bad(`${what}: unknown fields ${extra.slice(0, 5).join(', ')}`);
  const missing = keys.filter((k) => !(k in o));
  if (missing.length > 0) bad(`${what}: missing ${missing.join(', ')}`);
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ISO_TEXT_RE.test(v) || hasControlChars(v))
    bad(`${what} must be 1-35 characters of the ISO 20022 Latin set`);
  return v;
}

function optionalText(v: unknown, what: string): string | null {
  return v === null ? null : text(v, what);
}

export function isValidDate(v: string): boolean {
  if (!DATE_RE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}

function amount(v: unknown, what: string): Amount {
  const o = obj(v, what);
  exactKeys(o, ['value', 'currency'], what);
  if (typeof o.value !== 'string' || !isCurrency(o.currency)) bad(`${what} needs a decimal string value and a supported ISO 4217 currency`);
  return canonicalAmount({ value: o.value, currency: o.currency }, what);
}

function agent(v: unknown, what: string): Agent {
  const o = obj(v, what);
  exactKeys(o, ['bic', 'clearingMemberId'], what);
  const bic =
    o.bic === null ? null : typeof o.bic === 'string' && BIC_RE.test(o.bic) ? o.bic : bad(`${what}.bic must be an 8 or 11 character BIC`);
  const clearing =
    o.clearingMemberId === null
      ? null
      : typeof o.clearingMemberId === 'string' && CLEARING_RE.test(o.clearingMemberId)
        ? o.clearingMemberId
        : bad(`${what}.clearingMemberId is malformed`);
  if (bic === null && clearing === null) bad(`${what} needs a BIC or a clearing member id`);
  return { bic, clearingMemberId: clearing };
}

function party(v: unknown, what: string): Party {
  const o = obj(v, what);
  exactKeys(o, ['proxyType'], what);
  if (typeof o.proxyType !== 'string' || !(PROXY_TYPES as readonly string[]).includes(o.proxyType))
    bad(`${what}.proxyType must be one of ${PROXY_TYPES.join(', ')}`);
  return { proxyType: o.proxyType as ProxyType };
}

function partyValue(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > 256 || hasControlChars(v))
    bad(`${what} must be 1-256 printable characters`);
  return v;
}

/** Validates the transient `parties` value (payer and payee proxies, the payer's account if known). */
export function parsePartyValues(value: unknown): PartyValues {
  const o = obj(value, 'parties');
  exactKeys(o, ['payer', 'payee'], 'parties');
  const payer = obj(o.payer, 'parties.payer');
  exactKeys(payer, ['value', 'account'], 'parties.payer');
  const payee = obj(o.payee, 'parties.payee');
  exactKeys(payee, ['value'], 'parties.payee');
  return {
    payer: {
      value: partyValue(payer.value, 'parties.payer.value'),
      account: payer.account === null ? null : partyValue(payer.account, 'parties.payer.account'),
    },
    payee: { value: partyValue(payee.value, 'parties.payee.value') },
  };
}

const FIELD_KEYS = [
  'uetr',
  'endToEndId',
  'instrId',
  'txId',
  'msgId',
  'msgType',
  'scheme',
  'corridor',
  'amount',
  'settlementAmount',
  'settlementDate',
  'exchangeRate',
  'chargeBearer',
  'charges',
  'debtorAgent',
  'creditorAgent',
  'payer',
  'payee',
  'messageHash',
] as const;

/**
 * Validates the payment fields (from untrusted JSON) and returns them with canonical amounts. With a
 * tolerance, `amount x exchangeRate` must give `settlementAmount` within that many minor units.
 */
export function parsePaymentFields(value: unknown, toleranceMinor: bigint | null = 1n): PaymentFields {
  const o = obj(value, 'payment');
  const keys: readonly string[] = FIELD_KEYS;
  const extra = Object.keys(o).filter((k) => !keys.includes(k) && !['purpose', 'institution', 'mspId'].includes(k));
  if (extra.length > 0) bad(`unknown fields ${extra.slice(0, 5).join(', ')}`);
  const missing = FIELD_KEYS.filter((k) => !(k in o));
  if (missing.length > 0) bad(`missing ${missing.join(', ')}`);
  if (typeof o.uetr !== 'string' || !UUID4_RE.test(o.uetr)) bad('uetr must be a lowercase UUID v4');
  if (typeof o.msgType !== 'string' || !MSG_TYPE_RE.test(o.msgType)) bad('msgType must be pacs.008.001.08 to pacs.008.001.13');
  if (o.scheme !== 'FPSxPromptPay') bad('scheme must be FPSxPromptPay');
  if (typeof o.corridor !== 'string' || !(CORRIDORS as readonly string[]).includes(o.corridor))
    bad(`corridor must be one of ${CORRIDORS.join(', ')}`);
  if (typeof o.settlementDate !== 'string' || !isValidDate(o.settlementDate)) bad('settlementDate must be a date YYYY-MM-DD');
  if (typeof o.exchangeRate !== 'string') bad('exchangeRate must be a decimal string');
  if (typeof o.chargeBearer !== 'string' || !(CHARGE_BEARERS as readonly string[]).includes(o.chargeBearer))
    bad(`chargeBearer must be one of ${CHARGE_BEARERS.join(', ')}`);
  if (!Array.isArray(o.charges) || o.charges.length > 10) bad('charges must be a list of at most 10');
  if (typeof o.messageHash !== 'string' || !isSha256Hex(o.messageHash)) bad('messageHash must be 64 lowercase hex digits');
  const fields: PaymentFields = {
    uetr: o.uetr,
    endToEndId: text(o.endToEndId, 'endToEndId'),
    instrId: optionalText(o.instrId, 'instrId'),
    txId: optionalText(o.txId, 'txId'),
    msgId: text(o.msgId, 'msgId'),
    msgType: o.msgType,
    scheme: 'FPSxPromptPay',
    corridor: o.corridor as Corridor,
    amount: amount(o.amount, 'amount'),
    settlementAmount: amount(o.settlementAmount, 'settlementAmount'),
    settlementDate: o.settlementDate,
    exchangeRate: o.exchangeRate,
    chargeBearer: o.chargeBearer as PaymentFields['chargeBearer'],
    charges: (o.charges as unknown[]).map((c, i) => {
      const co = obj(c, `charges[${String(i)}]`);
      exactKeys(co, ['amount', 'agent'], `charges[${String(i)}]`);
      return { amount: amount(co.amount, `charges[${String(i)}].amount`), agent: text(co.agent, `charges[${String(i)}].agent`) };
    }),
    debtorAgent: agent(o.debtorAgent, 'debtorAgent'),
    creditorAgent: agent(o.creditorAgent, 'creditorAgent'),
    payer: party(o.payer, 'payer'),
    payee: party(o.payee, 'payee'),
    messageHash: o.messageHash,
  };
  parseRate(fields.exchangeRate);
  if (toleranceMinor !== null) {
    if (fields.amount.currency === fields.settlementAmount.currency) {
      if (fields.amount.value !== fields.settlementAmount.value) bad('same-currency amounts must be equal');
    } else if (!rateMatches(fields.amount, fields.exchangeRate, fields.settlementAmount, toleranceMinor)) {
      bad(`amount x exchangeRate does not give settlementAmount within ${toleranceMinor.toString()} minor unit(s)`);
    }
  }
  const currencies = [fields.amount.currency, fields.settlementAmount.currency];
  if (!currencies.includes('THB') || !(currencies.includes('HKD') || currencies.every((c) => c === 'THB'))) {
    bad('an FPS x PromptPay payment has a THB leg and an HKD or THB leg');
  }
  return fields;
}

export function parseAttestation(value: unknown, toleranceMinor: bigint | null = 1n): PaymentAttestation {
  const o = obj(value, 'attestation');
  if (o.purpose !== ATTESTATION_PURPOSE) bad(`attestation purpose must be ${ATTESTATION_PURPOSE}`);
  if (!isInstitutionId(o.institution) || !isMspId(o.mspId)) bad('attestation needs institution and mspId');
  const fields = parsePaymentFields(o, toleranceMinor);
  return { purpose: ATTESTATION_PURPOSE, ...fields, institution: o.institution, mspId: o.mspId };
}

export function parseConfirmation(value: unknown): PaymentConfirmation {
  const o = obj(value, 'confirmation');
  exactKeys(o, ['purpose', 'fields', 'status', 'reasonCode', 'statusMessageHash', 'institution', 'mspId'], 'confirmation');
  if (o.purpose !== CONFIRMATION_PURPOSE) bad(`confirmation purpose must be ${CONFIRMATION_PURPOSE}`);
  if (typeof o.status !== 'string' || !(PACS002_STATUSES as readonly string[]).includes(o.status))
    bad(`status must be one of ${PACS002_STATUSES.join(', ')}`);
  const reasonCode =
    o.reasonCode === null
      ? null
      : typeof o.reasonCode === 'string' && REASON_RE.test(o.reasonCode)
        ? o.reasonCode
        : bad('reasonCode must be a 4 character ISO code');
  if (o.status === 'RJCT' && reasonCode === null) bad('an RJCT status needs a reason code');
  if (typeof o.statusMessageHash !== 'string' || !isSha256Hex(o.statusMessageHash))
    bad('statusMessageHash must be 64 lowercase hex digits');
  if (!isInstitutionId(o.institution) || !isMspId(o.mspId)) bad('confirmation needs institution and mspId');
  // the receiver's view is compared and disputed, not refused, when its arithmetic differs
  const fields = parsePaymentFields(o.fields, null);
  return {
    purpose: CONFIRMATION_PURPOSE,
    fields,
    status: o.status as Pacs002Status,
    reasonCode,
    statusMessageHash: o.statusMessageHash,
    institution: o.institution,
    mspId: o.mspId,
  };
}

/**
 * Names of the fields whose canonical values differ between two views of a payment; with both sides'
 * party commitments, payer and payee also differ when their committed values do.
 */
export function differingFields(
  a: PaymentFields,
  b: PaymentFields,
  parties?: { readonly a: PartyCommitments; readonly b: PartyCommitments },
): string[] {
  return FIELD_KEYS.filter(
    (k) =>
      canonicalize(a[k]) !== canonicalize(b[k]) ||
      ((k === 'payer' || k === 'payee') && parties !== undefined && parties.a[k] !== parties.b[k]),
  );
}

/** Just the payment fields of an attestation (what the receiver must see identically). */
export function fieldsOf(a: PaymentFields): PaymentFields {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_KEYS) out[k] = a[k];
  return out as unknown as PaymentFields;
}

/**
 * Keyed commitment to a payer or payee proxy: HMAC-SHA256 under a key only the operators' chaincode
 * servers hold, over a domain tag, the proxy type and the normalised value. A plain hash of a phone
 * number or national id could be reversed by trying every number; without the key it cannot.
 */
export function partyCommitment(key: Uint8Array, proxyType: ProxyType, value: string): string {
  return createHmac('sha256', key)
    .update(`xborder/party/v2\u0000${proxyType}:${normaliseProxy(proxyType, value)}`)
    .digest('hex');
}

/**
 * The payer as the daily cap sees it: the debtor's account when known, else the proxy value, spelled
 * the same whatever proxy type it was sent under, so one payer cannot reset the cap by relabelling.
 */
export function payerIdentity(key: Uint8Array, payer: PartyValues['payer']): string {
  const source = payer.account ?? payer.value;
  const spelled = source
    .trim()
    .replace(/[\s().-]/g, '')
    .replace(/^00/, '+')
    .toUpperCase();
  return createHmac('sha256', key).update(`xborder/payer/v2\u0000${spelled}`).digest('hex');
}

/** The operators' commitments to a payment's payer and payee under one key. */
export function commitParties(key: { id: string; secret: Uint8Array }, fields: PaymentFields, values: PartyValues): PartyCommitments {
  return {
    keyId: key.id,
    payer: partyCommitment(key.secret, fields.payer.proxyType, values.payer.value),
    payee: partyCommitment(key.secret, fields.payee.proxyType, values.payee.value),
  };
}

export function normaliseProxy(proxyType: ProxyType, value: string): string {
  const trimmed = value.trim();
  switch (proxyType) {
    case 'email':
      return trimmed.toLowerCase();
    case 'mobile': {
      const digits = trimmed.replace(/[\s()-]/g, '');
      return digits.startsWith('+') ? digits : `+${digits.replace(/^00/, '')}`;
    }
    default:
      return trimmed.replace(/[\s-]/g, '').toUpperCase();
  }
}
