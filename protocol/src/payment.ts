import { createHmac } from 'node:crypto';

import type { JSONSchemaType } from 'ajv';

import { argument, BIC_PATTERN, CLEARING_MEMBER_PATTERN, CLEARING_SYSTEM_PATTERN } from './arguments';
import { INSTITUTION_ID_PATTERN, MSP_ID_PATTERN, UUID4_RE } from './constants';
import { ChaincodeError } from './errors';
import { canonicalize } from './jcs';
import { canonicalAmount, parseRate, rateMatches } from './money';
import type { Amount } from './money';
import { hasControlChars } from './text';

/**
 * Version 3: agents carry their clearing system with the member id (`ClrSysMmbId/ClrSysId`), so an
 * agent named by membership only resolves to one registered institution. Since version 2, payer and
 * payee appear in signed statements by proxy type only; their values travel as transient data to the
 * operators' chaincode, which commits to them with a key no bank holds (version 1 carried commitments
 * made by the banks with a key every bank held).
 */
export const ATTESTATION_PURPOSE = 'xborder/payment-attestation/v3';
export const CONFIRMATION_PURPOSE = 'xborder/payment-confirmation/v3';

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

/** A payment agent as the message names it: BIC, clearing system membership, or both. */
export interface Agent {
  readonly bic: string | null;
  /** The clearing system of the membership (`ClrSysId/Cd` or `/Prtry`), when the message gives it. */
  readonly clearingSystem: string | null;
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

const ISO_TEXT = "^[A-Za-z0-9/\\-?:().,'+ ]{1,35}$";
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function bad(reason: string): never {
  throw new ChaincodeError('PAYMENT_INVALID', reason);
}

export function isValidDate(v: string): boolean {
  if (!DATE_RE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}

/*
 * The shapes of what the banks sign, as JSON Schemas: fields, types, patterns and enumerations are
 * checked here before any code reads a field; what spans fields (amount arithmetic, currency pairs,
 * calendar dates, decimals per currency) is checked by the parsers below.
 */
const isoText = { type: 'string', pattern: ISO_TEXT } as const;
const nullableIsoText = { ...isoText, nullable: true } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const amountShape = {
  type: 'object',
  required: ['value', 'currency'],
  additionalProperties: false,
  properties: { value: { type: 'string', minLength: 1, maxLength: 40 }, currency: { type: 'string', minLength: 3, maxLength: 3 } },
} as const;
const agentShape = {
  type: 'object',
  required: ['bic', 'clearingSystem', 'clearingMemberId'],
  additionalProperties: false,
  properties: {
    bic: { type: 'string', pattern: BIC_PATTERN, nullable: true },
    clearingSystem: { type: 'string', pattern: CLEARING_SYSTEM_PATTERN, nullable: true },
    clearingMemberId: { type: 'string', pattern: CLEARING_MEMBER_PATTERN, nullable: true },
  },
} as const;
const partyShape = {
  type: 'object',
  required: ['proxyType'],
  additionalProperties: false,
  properties: { proxyType: { type: 'string', enum: [...PROXY_TYPES] } },
} as const;

const FIELD_PROPERTIES = {
  uetr: { type: 'string', pattern: UUID4_RE.source },
  endToEndId: isoText,
  instrId: nullableIsoText,
  txId: nullableIsoText,
  msgId: isoText,
  msgType: { type: 'string', pattern: '^pacs\\.008\\.001\\.(0[8-9]|1[0-3])$' },
  scheme: { type: 'string', const: 'FPSxPromptPay' },
  corridor: { type: 'string', enum: [...CORRIDORS] },
  amount: amountShape,
  settlementAmount: amountShape,
  settlementDate: { type: 'string', pattern: DATE_RE.source },
  exchangeRate: { type: 'string', minLength: 1, maxLength: 30 },
  chargeBearer: { type: 'string', enum: [...CHARGE_BEARERS] },
  charges: {
    type: 'array',
    maxItems: 10,
    items: {
      type: 'object',
      required: ['amount', 'agent'],
      additionalProperties: false,
      properties: { amount: amountShape, agent: isoText },
    },
  },
  debtorAgent: agentShape,
  creditorAgent: agentShape,
  payer: partyShape,
  payee: partyShape,
  messageHash: hex64,
} as const;

const FIELD_KEYS = Object.keys(FIELD_PROPERTIES) as (keyof PaymentFields)[];

const fieldsShape = argument<PaymentFields>(
  {
    type: 'object',
    required: FIELD_KEYS,
    additionalProperties: false,
    properties: FIELD_PROPERTIES,
  } as unknown as JSONSchemaType<PaymentFields>,
  'PAYMENT_INVALID',
  'payment',
);

const signer = {
  institution: { type: 'string', pattern: INSTITUTION_ID_PATTERN },
  mspId: { type: 'string', pattern: MSP_ID_PATTERN },
} as const;

const attestationShape = argument<PaymentAttestation>(
  {
    type: 'object',
    required: ['purpose', ...FIELD_KEYS, 'institution', 'mspId'],
    additionalProperties: false,
    properties: { purpose: { type: 'string', const: ATTESTATION_PURPOSE }, ...FIELD_PROPERTIES, ...signer },
  } as unknown as JSONSchemaType<PaymentAttestation>,
  'PAYMENT_INVALID',
  'attestation',
);

const confirmationShape = argument<PaymentConfirmation>(
  {
    type: 'object',
    required: ['purpose', 'fields', 'status', 'reasonCode', 'statusMessageHash', 'institution', 'mspId'],
    additionalProperties: false,
    properties: {
      purpose: { type: 'string', const: CONFIRMATION_PURPOSE },
      // the receiver's view: its shape is checked by parsePaymentFields
      fields: { type: 'object' },
      status: { type: 'string', enum: [...PACS002_STATUSES] },
      reasonCode: { type: 'string', pattern: '^[A-Z0-9]{4}$', nullable: true },
      statusMessageHash: hex64,
      ...signer,
    },
  } as unknown as JSONSchemaType<PaymentConfirmation>,
  'PAYMENT_INVALID',
  'confirmation',
);

const partyValue = { type: 'string', minLength: 1, maxLength: 256, pattern: '\\S' } as const;
const partyValuesShape = argument<PartyValues>(
  {
    type: 'object',
    required: ['payer', 'payee'],
    additionalProperties: false,
    properties: {
      payer: {
        type: 'object',
        required: ['value', 'account'],
        additionalProperties: false,
        properties: { value: partyValue, account: { ...partyValue, nullable: true } },
      },
      payee: { type: 'object', required: ['value'], additionalProperties: false, properties: { value: partyValue } },
    },
  } as unknown as JSONSchemaType<PartyValues>,
  'PAYMENT_INVALID',
  'parties',
);

/** Validates the transient `parties` value (payer and payee proxies, the payer's account if known). */
export function parsePartyValues(value: unknown): PartyValues {
  const parties = partyValuesShape(value);
  for (const v of [parties.payer.value, parties.payer.account ?? '', parties.payee.value]) {
    if (hasControlChars(v)) bad('parties: values must be printable characters');
  }
  return {
    payer: { value: parties.payer.value, account: parties.payer.account },
    payee: { value: parties.payee.value },
  };
}

function agentOf(a: Agent, what: string): Agent {
  if (a.bic === null && a.clearingMemberId === null) bad(`${what} needs a BIC or a clearing member id`);
  if (a.clearingSystem !== null && a.clearingMemberId === null) bad(`${what} names a clearing system without a member id`);
  return { bic: a.bic, clearingSystem: a.clearingSystem, clearingMemberId: a.clearingMemberId };
}

/** The meaning of payment fields whose shape holds: canonical amounts, calendar date, rate, currencies. */
function checkedFields(o: PaymentFields, toleranceMinor: bigint | null): PaymentFields {
  if (!isValidDate(o.settlementDate)) bad('settlementDate must be a date YYYY-MM-DD');
  const fields: PaymentFields = {
    uetr: o.uetr,
    endToEndId: o.endToEndId,
    instrId: o.instrId,
    txId: o.txId,
    msgId: o.msgId,
    msgType: o.msgType,
    scheme: o.scheme,
    corridor: o.corridor,
    amount: canonicalAmount(o.amount, 'amount'),
    settlementAmount: canonicalAmount(o.settlementAmount, 'settlementAmount'),
    settlementDate: o.settlementDate,
    exchangeRate: o.exchangeRate,
    chargeBearer: o.chargeBearer,
    charges: o.charges.map((c, i) => ({ amount: canonicalAmount(c.amount, `charges[${String(i)}].amount`), agent: c.agent })),
    debtorAgent: agentOf(o.debtorAgent, 'debtorAgent'),
    creditorAgent: agentOf(o.creditorAgent, 'creditorAgent'),
    payer: { proxyType: o.payer.proxyType },
    payee: { proxyType: o.payee.proxyType },
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

/**
 * Validates the payment fields (from untrusted JSON) and returns them with canonical amounts. With a
 * tolerance, `amount x exchangeRate` must give `settlementAmount` within that many minor units.
 */
export function parsePaymentFields(value: unknown, toleranceMinor: bigint | null = 1n): PaymentFields {
  return checkedFields(fieldsShape(value), toleranceMinor);
}

export function parseAttestation(value: unknown, toleranceMinor: bigint | null = 1n): PaymentAttestation {
  const o = attestationShape(value);
  return { purpose: ATTESTATION_PURPOSE, ...checkedFields(o, toleranceMinor), institution: o.institution, mspId: o.mspId };
}

export function parseConfirmation(value: unknown): PaymentConfirmation {
  const o = confirmationShape(value);
  if (o.status === 'RJCT' && o.reasonCode === null) bad('an RJCT status needs a reason code');
  // the receiver's view is compared and disputed, not refused, when its arithmetic differs
  const fields = parsePaymentFields(o.fields, null);
  return {
    purpose: CONFIRMATION_PURPOSE,
    fields,
    status: o.status,
    reasonCode: o.reasonCode,
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
