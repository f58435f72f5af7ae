import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';

import { isSealedAtRest, openAtRest, sealAtRest } from './at-rest';
import { XborderContract } from './xborder-contract';
import { requireRole } from './caller';
import { corridorLimits, getInstitution, registryDirectory, requireRegisteredSigner } from './registry';
import type { Institution } from './registry';
import {
  paymentRecordKey,
  canonicalBytes,
  canonicalize,
  ChaincodeError,
  commitParties,
  CORRIDOR_SIDES,
  CORRIDORS,
  differingFields,
  fieldsOf,
  fromMinor,
  hasControlChars,
  isSignatureBase64,
  isUetr,
  isValidDate,
  MAX_PURGE_BATCH,
  isInstitutionId,
  parseAttestation,
  resolveAgent,
  parseConfirmation,
  parseJson,
  parsePartyValues,
  payerIdentity,
  paymentEventArgument,
  paymentListArgument,
  sha256Hex,
  SHARED_COLLECTION,
  toMinor,
  TRANSACTIONS,
  verifyWithCertificate,
} from '@xborder/protocol';
import type {
  Agent,
  AgentDirectory,
  Amount,
  Assert,
  ConfirmationRecord,
  Corridor,
  Implements,
  Pacs002Status,
  PartyCommitments,
  PartyValues,
  PaymentAttestation,
  PaymentConfirmation,
  PaymentEvent,
  PaymentFields,
  PaymentRecord,
  PaymentState,
} from '@xborder/protocol';
import { keyById, keyForDate, partyKeys } from './party-keys';
import {
  decodeText,
  getRecord,
  key,
  keyHistory,
  pageSize,
  prefixRange,
  putIndex,
  putRecord,
  rangeAll,
  rangeBounded,
  rangeFirst,
  rangePage,
  txTime,
} from './state';
export type { ConfirmationRecord, PaymentEvent, PaymentRecord, PaymentState } from '@xborder/protocol';

const FINAL_STATES: readonly PaymentState[] = ['CONFIRMED', 'DISPUTED', 'REJECTED'];

const EVENT_MESSAGE_TYPES: Readonly<Record<PaymentEvent['type'], RegExp>> = {
  RETURN: /^pacs\.004\.001\.\d{2}$/,
  CANCELLATION_REQUEST: /^camt\.056\.001\.\d{2}$/,
  CANCELLATION_RESOLUTION: /^camt\.029\.001\.\d{2}$/,
};

const paymentKey = paymentRecordKey;
const confirmationKey = (uetr: string, time: string, txId: string): string => key('payment-confirmation', uetr, time, txId);
const eventKey = (uetr: string, time: string, txId: string): string => key('payment-event', uetr, time, txId);
/** A return or cancellation message is recorded once per payment, however often it is sent. */
const eventMessageKey = (uetr: string, type: string, messageHash: string): string => key('payment-event-message', uetr, type, messageHash);
const e2eKey = (e2e: string, uetr: string): string => key('payment-by-e2e', e2e, uetr);
/** The daily cap's entries: per payer identity (see payerIdentity), settlement date and payment. */
const payerDayKey = (payer: string, date: string, uetr: string): string => key('payment-by-payer', payer, date, uetr);
const byKey = (filter: 'corridor' | 'status' | 'institution', value: string, date: string, uetr: string): string =>
  key('payment-by', filter, value, date, uetr);
const messageKey = (uetr: string): string => key('payment-message', uetr);
/** Kept messages by settlement date, so the operators can purge them when their retention ends. */
const messageDateKey = (date: string, uetr: string): string => key('payment-message-by-date', date, uetr);

/**
 * Personal data lifetime: a kept pacs.008 (names, accounts) is purged by the operators once its
 * retention ends (`xborder payment purge-messages`, 400 days after settlement by default). The chain
 * refuses to purge anything younger than this floor, so no one admin can wipe recent evidence.
 */
export const MIN_MESSAGE_RETENTION_DAYS = 90;

function requireUetr(uetr: string): void {
  if (!isUetr(uetr)) throw new ChaincodeError('PAYMENT_INVALID', 'uetr must be a lowercase UUID v4');
}

function b64(value: string): Uint8Array {
  if (!isSignatureBase64(value)) throw new ChaincodeError('PAYMENT_INVALID', 'signature must be base64');
  return Buffer.from(value, 'base64');
}

/** Whether an agent resolves to this institution through the registry (BIC, clearing membership or both). */
async function agentIs(directory: AgentDirectory, agent: Agent, institution: Institution, what: string): Promise<boolean> {
  return (await resolveAgent(agent, directory, what)) === institution.id;
}

/** Most payments one Reconcile call reads (a day of one corridor); more is refused with RESULT_TOO_LARGE. */
export const MAX_RECONCILED_PAYMENTS = 50_000;

/** Whether an institution is one of the payment's own: its debtor agent (the attester) or its creditor agent. */
async function isPartyTo(ctx: Context, record: PaymentRecord, institution: Institution): Promise<boolean> {
  if (record.attester === institution.id) return true;
  const attested = fieldsOf(parseAttestation(JSON.parse(record.attestation), null));
  const directory = registryDirectory(ctx);
  await directory.prefetch([attested.debtorAgent, attested.creditorAgent]);
  return (
    (await agentIs(directory, attested.debtorAgent, institution, 'debtor agent')) ||
    (await agentIs(directory, attested.creditorAgent, institution, 'creditor agent'))
  );
}

/** The THB leg of a payment in minor units (caps are in THB). */
function thbMinor(fields: PaymentFields): bigint {
  if (fields.settlementAmount.currency === 'THB') return toMinor(fields.settlementAmount, 'settlementAmount');
  return toMinor(fields.amount, 'amount');
}

function stateFor(status: Pacs002Status, differing: readonly string[]): PaymentState {
  if (differing.length > 0) return 'DISPUTED';
  if (status === 'RJCT') return 'REJECTED';
  if (status === 'PDNG') return 'ATTESTED';
  return 'CONFIRMED';
}

function emit(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, Buffer.from(canonicalize(payload)));
}

function requireReader(ctx: Context): void {
  requireRole(ctx, ['submitter', 'auditor', 'admin'], false);
}

/** Largest transient `parties` value accepted (two proxies and an account id). */
const MAX_PARTIES_BYTES = 4096;

/** The raw payer and payee values the submitting bank sent as transient data `parties`. */
function partyValues(ctx: Context): PartyValues {
  const bytes = ctx.stub.getTransient().get('parties');
  if (bytes === undefined || bytes.length === 0)
    throw new ChaincodeError('PAYMENT_INVALID', 'payer and payee values must be sent as transient data "parties"');
  if (bytes.length > MAX_PARTIES_BYTES) throw new ChaincodeError('PAYMENT_INVALID', 'transient "parties" is too large');
  return parsePartyValues(parseJson(decodeText(bytes), 'INVALID_ARGUMENT', 'parties'));
}

function sameParties(a: PartyCommitments, b: PartyCommitments): boolean {
  return a.keyId === b.keyId && a.payer === b.payer && a.payee === b.payee;
}

/**
 * Cross-border payment attestations on the FPS x PromptPay corridor: the sending institution attests
 * its pacs.008, the receiving institution confirms with its own view and the pacs.002 status; any
 * difference is a dispute naming the fields. Payer and payee appear only as keyed commitments.
 */
@Info({ title: 'PaymentContract', description: 'FPS x PromptPay payment attestations, confirmations and reconciliation' })
export class PaymentContract extends XborderContract {
  constructor() {
    super('payment');
  }

  /**
   * The sending institution attests one payment. Optional transient `message`: the pacs.008 itself,
   * kept in the HK-TH private collection (never readable by auditors) after its hash is checked.
   * The same attestation again returns the existing record; a different one for the UETR is refused.
   */
  @Transaction()
  @Param('attestationJson', 'string', 'the canonical payment attestation')
  @Param('signature', 'string', 'base64 DER ECDSA P-256/SHA-256 signature over the canonical attestation')
  @Returns('string')
  async AttestPayment(ctx: Context, attestationJson: string, signature: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const raw = parseJson(attestationJson, 'INVALID_ARGUMENT', 'attestation');
    const rawCorridor = typeof raw === 'object' && raw !== null ? (raw as { corridor?: unknown }).corridor : undefined;
    const corridor = CORRIDORS.find((c) => c === rawCorridor);
    if (!corridor) throw new ChaincodeError('PAYMENT_INVALID', `corridor must be one of ${CORRIDORS.join(', ')}`);
    const limits = await corridorLimits(ctx, corridor);
    const attestation: PaymentAttestation = parseAttestation(raw, BigInt(limits.rateToleranceMinor));
    if (attestation.institution !== signer.who.institution || attestation.mspId !== signer.who.mspId) {
      throw new ChaincodeError(
        'PAYMENT_INVALID',
        `attestation names ${attestation.institution}/${attestation.mspId}, the submitter is ${signer.who.institution}/${signer.who.mspId}`,
      );
    }
    if (CORRIDOR_SIDES[corridor].sender !== signer.who.mspId) {
      throw new ChaincodeError(
        'PAYMENT_WRONG_SIDE',
        `${corridor} payments are attested by ${CORRIDOR_SIDES[corridor].sender} institutions`,
      );
    }
    // both agents' index entries in one read; the creditor agent, when registered, must be an
    // institution of the receiving side (and never ambiguous)
    const directory = registryDirectory(ctx);
    await directory.prefetch([attestation.debtorAgent, attestation.creditorAgent]);
    const creditor = await resolveAgent(attestation.creditorAgent, directory, 'creditor agent');
    if (creditor !== undefined) {
      const receiver = await getInstitution(ctx, creditor);
      if (receiver && receiver.mspId !== CORRIDOR_SIDES[corridor].receiver)
        throw new ChaincodeError(
          'PAYMENT_WRONG_SIDE',
          `the creditor agent ${creditor} is a ${receiver.mspId} institution; ${corridor} payments go to ${CORRIDOR_SIDES[corridor].receiver}`,
        );
    }
    if (!(await agentIs(directory, attestation.debtorAgent, signer.institution, 'debtor agent'))) {
      throw new ChaincodeError('PAYMENT_WRONG_SIDE', `the debtor agent is not ${signer.institution.id}`);
    }
    const canonical = canonicalize(attestation);
    if (!verifyWithCertificate(signer.key.certificate, canonicalBytes(attestation), b64(signature))) {
      throw new ChaincodeError(
        'PAYMENT_SIGNATURE_INVALID',
        "the signature does not verify over the canonical attestation with the submitter's certificate",
      );
    }
    // the operators commit to payer and payee; the bank never holds the key
    const values = partyValues(ctx);
    const partyKey = keyForDate(partyKeys(), attestation.settlementDate);
    const parties = commitParties(partyKey, attestation, values);
    const existing = await getRecord<PaymentRecord>(ctx, paymentKey(attestation.uetr));
    if (existing) {
      if (existing.attestation !== canonical || !sameParties(existing.parties, parties))
        throw new ChaincodeError('PAYMENT_CONFLICT', `UETR ${attestation.uetr} is attested with other content`);
      return JSON.stringify({ created: false, record: existing });
    }
    const thb = thbMinor(attestation);
    const cap = toMinor(limits.perPaymentCap, 'perPaymentCap');
    if (thb > cap)
      throw new ChaincodeError(
        'PAYMENT_LIMIT_EXCEEDED',
        `THB ${fromMinor(thb, 'THB')} is over the per-payment cap of THB ${limits.perPaymentCap.value}`,
      );
    const payer = payerIdentity(partyKey.secret, values.payer);
    const day = await rangeAll(ctx, prefixRange('payment-by-payer', payer, attestation.settlementDate));
    const spent = day.reduce((sum, e) => sum + BigInt(decodeText(e.value)), 0n);
    if (spent + thb > toMinor(limits.dailyCap, 'dailyCap')) {
      throw new ChaincodeError(
        'PAYMENT_LIMIT_EXCEEDED',
        `the payer would reach THB ${fromMinor(spent + thb, 'THB')} on ${attestation.settlementDate}, over the daily cap of THB ${limits.dailyCap.value}`,
      );
    }
    const message = ctx.stub.getTransient().get('message');
    if (message !== undefined && message.length > 0) {
      if (sha256Hex(message) !== attestation.messageHash)
        throw new ChaincodeError('PAYMENT_INVALID', 'the transient message does not hash to messageHash');
      // sealed at rest: a peer door that hands out collection data gives out ciphertext (at-rest.ts)
      const sealedMessage = sealAtRest(partyKey, 'payment-message', `${attestation.uetr}/${attestation.messageHash}`, message);
      await ctx.stub.putPrivateData(SHARED_COLLECTION, messageKey(attestation.uetr), sealedMessage);
      await putIndex(ctx, messageDateKey(attestation.settlementDate, attestation.uetr), messageKey(attestation.uetr));
    }
    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const record: PaymentRecord = {
      uetr: attestation.uetr,
      endToEndId: attestation.endToEndId,
      corridor,
      settlementDate: attestation.settlementDate,
      amount: attestation.amount,
      settlementAmount: attestation.settlementAmount,
      messageHash: attestation.messageHash,
      parties,
      state: 'ATTESTED',
      attestation: canonical,
      attestationSignature: signature,
      attester: signer.who.institution,
      attesterMsp: signer.who.mspId,
      attesterFingerprint: signer.key.fingerprint,
      attestedAt: now,
      attestTxId: txId,
      creditorInstitution: creditor ?? null,
      lastStatus: null,
      reasonCode: null,
      differingFields: [],
      confirmer: null,
      confirmedAt: null,
      confirmTxId: null,
    };
    const k = paymentKey(record.uetr);
    await putRecord(ctx, k, record);
    await putIndex(ctx, e2eKey(record.endToEndId, record.uetr), k);
    await ctx.stub.putState(payerDayKey(payer, record.settlementDate, record.uetr), new TextEncoder().encode(thb.toString()));
    await putIndex(ctx, byKey('corridor', corridor, record.settlementDate, record.uetr), k);
    await putIndex(ctx, byKey('status', 'ATTESTED', record.settlementDate, record.uetr), k);
    await putIndex(ctx, byKey('institution', record.attester, record.settlementDate, record.uetr), k);
    emit(ctx, 'PaymentAttested', { uetr: record.uetr, corridor, messageHash: record.messageHash });
    return JSON.stringify({ created: true, record });
  }

  /**
   * The receiving institution confirms with its own view of the payment and the pacs.002 status.
   * Equal fields: CONFIRMED (REJECTED for RJCT; PDNG leaves it open); any difference: DISPUTED.
   */
  @Transaction()
  @Param('confirmationJson', 'string', 'the canonical payment confirmation')
  @Param('signature', 'string', 'base64 DER ECDSA P-256/SHA-256 signature over the canonical confirmation')
  @Returns('string')
  async ConfirmPayment(ctx: Context, confirmationJson: string, signature: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const confirmation: PaymentConfirmation = parseConfirmation(parseJson(confirmationJson, 'INVALID_ARGUMENT', 'confirmation'));
    if (confirmation.institution !== signer.who.institution || confirmation.mspId !== signer.who.mspId) {
      throw new ChaincodeError(
        'PAYMENT_INVALID',
        `confirmation names ${confirmation.institution}/${confirmation.mspId}, the submitter is ${signer.who.institution}/${signer.who.mspId}`,
      );
    }
    const uetr = confirmation.fields.uetr;
    const record = await getRecord<PaymentRecord>(ctx, paymentKey(uetr));
    if (!record) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment ${uetr}`);
    if (CORRIDOR_SIDES[record.corridor].receiver !== signer.who.mspId) {
      throw new ChaincodeError(
        'PAYMENT_WRONG_SIDE',
        `${record.corridor} payments are confirmed by ${CORRIDOR_SIDES[record.corridor].receiver} institutions`,
      );
    }
    const attested = fieldsOf(parseAttestation(JSON.parse(record.attestation), null));
    const directory = registryDirectory(ctx);
    await directory.prefetch([attested.creditorAgent]);
    if (!(await agentIs(directory, attested.creditorAgent, signer.institution, 'creditor agent')))
      throw new ChaincodeError('PAYMENT_WRONG_SIDE', `the creditor agent is not ${signer.institution.id}`);
    if (!verifyWithCertificate(signer.key.certificate, canonicalBytes(confirmation), b64(signature))) {
      throw new ChaincodeError(
        'PAYMENT_SIGNATURE_INVALID',
        "the signature does not verify over the canonical confirmation with the submitter's certificate",
      );
    }
    const canonical = canonicalize(confirmation);
    // the receiver's view of payer and payee, committed under the payment's own key
    const parties = commitParties(keyById(partyKeys(), record.parties.keyId), confirmation.fields, partyValues(ctx));
    if (FINAL_STATES.includes(record.state)) {
      const confirmations = await rangeAll(ctx, prefixRange('payment-confirmation', uetr));
      const same = confirmations
        .map((e) => JSON.parse(decodeText(e.value)) as ConfirmationRecord)
        .find((c) => c.confirmation === canonical && sameParties(c.parties, parties));
      if (same) return JSON.stringify({ created: false, record, confirmation: same });
      throw new ChaincodeError('PAYMENT_FINAL', `payment ${uetr} is ${record.state}; record returns or cancellations as payment events`);
    }
    const differing = differingFields(attested, confirmation.fields, { a: record.parties, b: parties });
    const state = stateFor(confirmation.status, differing);
    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const confirmationRecord: ConfirmationRecord = {
      uetr,
      confirmation: canonical,
      signature,
      confirmer: signer.who.institution,
      confirmerMsp: signer.who.mspId,
      confirmerFingerprint: signer.key.fingerprint,
      status: confirmation.status,
      reasonCode: confirmation.reasonCode,
      differingFields: differing,
      parties,
      resultingState: state,
      txId,
      txTime: now,
    };
    const updated: PaymentRecord = {
      ...record,
      state,
      lastStatus: confirmation.status,
      reasonCode: confirmation.reasonCode,
      differingFields: differing,
      confirmer: signer.who.institution,
      confirmedAt: now,
      confirmTxId: txId,
    };
    const k = paymentKey(uetr);
    await putRecord(ctx, confirmationKey(uetr, now, txId), confirmationRecord);
    await putRecord(ctx, k, updated);
    if (state !== record.state) {
      await ctx.stub.deleteState(byKey('status', record.state, record.settlementDate, uetr));
      await putIndex(ctx, byKey('status', state, record.settlementDate, uetr), k);
    }
    await putIndex(ctx, byKey('institution', signer.who.institution, record.settlementDate, uetr), k);
    const eventName = state === 'DISPUTED' ? 'PaymentDisputed' : state === 'REJECTED' ? 'PaymentRejected' : 'PaymentConfirmed';
    emit(ctx, eventName, { uetr, state, status: confirmation.status, differingFields: differing });
    return JSON.stringify({ created: true, record: updated, confirmation: confirmationRecord });
  }

  /** Records a return (pacs.004) or cancellation (camt.056 / camt.029) as a new record linked to the payment. */
  @Transaction()
  @Param('eventJson', 'string', '{"uetr","type","messageType","messageHash","reasonCode"}')
  @Returns('string')
  async RecordPaymentEvent(ctx: Context, eventJson: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const e = paymentEventArgument(parseJson(eventJson, 'INVALID_ARGUMENT', 'event'));
    requireUetr(e.uetr);
    const type = e.type;
    if (!EVENT_MESSAGE_TYPES[type].test(e.messageType)) throw new ChaincodeError('PAYMENT_INVALID', `messageType does not fit a ${type}`);
    const reasonCode = e.reasonCode ?? null;
    const record = await getRecord<PaymentRecord>(ctx, paymentKey(e.uetr));
    if (!record) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment ${e.uetr}`);
    if (!(await isPartyTo(ctx, record, signer.institution)))
      throw new ChaincodeError('PAYMENT_WRONG_SIDE', "only the payment's debtor and creditor agents record its events");
    // a retry after an unknown commit status (a new transaction) finds the first one and writes nothing
    const onceKey = eventMessageKey(e.uetr, type, e.messageHash);
    const earlier = await ctx.stub.getState(onceKey);
    if (earlier.length > 0) {
      const first = await getRecord<PaymentEvent>(ctx, decodeText(earlier));
      if (first) return JSON.stringify(first);
    }
    const now = txTime(ctx);
    const event: PaymentEvent = {
      uetr: e.uetr,
      type,
      messageType: e.messageType,
      messageHash: e.messageHash,
      reasonCode,
      institution: signer.who.institution,
      mspId: signer.who.mspId,
      txId: ctx.stub.getTxID(),
      txTime: now,
    };
    await putRecord(ctx, eventKey(e.uetr, now, event.txId), event);
    await putIndex(ctx, onceKey, eventKey(e.uetr, now, event.txId));
    emit(ctx, 'PaymentEventRecorded', { uetr: e.uetr, type, messageHash: e.messageHash });
    return JSON.stringify(event);
  }

  /** A payment with its confirmations and later events. */
  @Transaction(false)
  @Returns('string')
  async GetPayment(ctx: Context, uetr: string): Promise<string> {
    requireReader(ctx);
    requireUetr(uetr);
    const record = await getRecord<PaymentRecord>(ctx, paymentKey(uetr));
    if (!record) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment ${uetr}`);
    const confirmations = (await rangeBounded(ctx, prefixRange('payment-confirmation', uetr), `confirmations of ${uetr}`)).map(
      (e) => JSON.parse(decodeText(e.value)) as ConfirmationRecord,
    );
    const events = (await rangeBounded(ctx, prefixRange('payment-event', uetr), `events of ${uetr}`)).map(
      (e) => JSON.parse(decodeText(e.value)) as PaymentEvent,
    );
    return JSON.stringify({ record, confirmations, events });
  }

  /** Payments carrying an end-to-end id (it is the originator's reference, so it may repeat). */
  @Transaction(false)
  @Returns('string')
  async GetPaymentsByEndToEndId(ctx: Context, endToEndId: string): Promise<string> {
    requireReader(ctx);
    if (endToEndId.length === 0 || endToEndId.length > 35 || hasControlChars(endToEndId))
      throw new ChaincodeError('PAYMENT_INVALID', 'endToEndId must be 1-35 characters');
    // NOTPROVIDED and other reused ids can name many payments: bounded, a UETR names one
    const entries = await rangeBounded(
      ctx,
      prefixRange('payment-by-e2e', endToEndId),
      `payments with end-to-end id ${endToEndId}; look them up by UETR`,
    );
    const records: PaymentRecord[] = [];
    for (const e of entries) {
      const r = await getRecord<PaymentRecord>(ctx, decodeText(e.value));
      if (r) records.push(r);
    }
    if (records.length === 0) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment with end-to-end id ${endToEndId}`);
    return JSON.stringify(records);
  }

  /** Every committed state of a payment record, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetPaymentHistory(ctx: Context, uetr: string): Promise<string> {
    requireReader(ctx);
    requireUetr(uetr);
    const history = (await keyHistory<PaymentRecord>(ctx, paymentKey(uetr))).map((h) => ({
      txId: h.txId,
      timestamp: h.timestamp,
      state: h.record?.state ?? null,
    }));
    if (history.length === 0) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment ${uetr}`);
    return JSON.stringify(history);
  }

  /** A page of payments by corridor, status or institution, within settlement dates [fromDate, toDate]. */
  @Transaction(false)
  @Param('queryJson', 'string', '{"filter":"corridor|status|institution","value","fromDate"?,"toDate"?,"pageSize"?,"bookmark"?}')
  @Returns('string')
  async ListPayments(ctx: Context, queryJson: string): Promise<string> {
    requireReader(ctx);
    const {
      filter,
      value,
      fromDate,
      toDate,
      pageSize: size,
      bookmark,
    } = paymentListArgument(parseJson(queryJson, 'INVALID_ARGUMENT', 'query'));
    for (const d of [fromDate, toDate]) {
      if (d !== undefined && !isValidDate(d)) throw new ChaincodeError('INVALID_ARGUMENT', 'fromDate and toDate must be dates YYYY-MM-DD');
    }
    const base = prefixRange('payment-by', filter, value);
    const start = fromDate !== undefined ? key('payment-by', filter, value, fromDate) : base.start;
    const end = toDate !== undefined ? `${key('payment-by', filter, value, toDate)}\u0002` : base.end;
    const page = await rangePage(
      ctx,
      { start, end },
      pageSize(size === undefined ? undefined : String(size)),
      bookmark ?? '',
      (_k, target) => getRecord<PaymentRecord>(ctx, decodeText(target)),
    );
    return JSON.stringify(page);
  }

  /**
   * The day's reconciliation of a corridor: per currency and state the count and sums, attestations
   * still unconfirmed after the corridor's threshold, and every dispute with its differing fields;
   * with an institution (else ''), only the payments it sent or received.
   */
  @Transaction(false)
  @Returns('string')
  async Reconcile(ctx: Context, date: string, corridor: string, institution: string): Promise<string> {
    requireReader(ctx);
    if (institution !== '' && !isInstitutionId(institution)) throw new ChaincodeError('INVALID_ARGUMENT', 'institution is malformed');
    if (!isValidDate(date)) throw new ChaincodeError('INVALID_ARGUMENT', 'date must be YYYY-MM-DD');
    if (!(CORRIDORS as readonly string[]).includes(corridor))
      throw new ChaincodeError('INVALID_ARGUMENT', `corridor must be one of ${CORRIDORS.join(', ')}`);
    const c = corridor as Corridor;
    const limits = await corridorLimits(ctx, c);
    const cutoff = new Date(ctx.stub.getDateTimestamp().getTime() - limits.unconfirmedAfterMinutes * 60_000).toISOString();
    const totals = new Map<
      string,
      { currency: string; state: PaymentState; count: number; amountMinor: bigint; settlementCurrency: string; settlementMinor: bigint }
    >();
    const unconfirmed: { uetr: string; attestedAt: string; attester: string; amount: Amount }[] = [];
    const disputed: { uetr: string; attester: string; confirmer: string | null; differingFields: readonly string[] }[] = [];
    const rejected: { uetr: string; reasonCode: string | null }[] = [];
    const day = prefixRange('payment-by', 'corridor', c, date);
    const iterator = await ctx.stub.getStateByRange(day.start, day.end);
    let read = 0;
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        if (++read > MAX_RECONCILED_PAYMENTS)
          throw new ChaincodeError('RESULT_TOO_LARGE', `more than ${String(MAX_RECONCILED_PAYMENTS)} payments on ${date} in ${c}`);
        const p = await getRecord<PaymentRecord>(ctx, decodeText(r.value.value));
        if (!p) continue;
        // by institution: the payments it sent, or received (the resolved creditor agent, or its confirmer)
        if (institution !== '' && p.attester !== institution && p.creditorInstitution !== institution && p.confirmer !== institution)
          continue;
        const k = `${p.amount.currency}|${p.settlementAmount.currency}|${p.state}`;
        const t = totals.get(k) ?? {
          currency: p.amount.currency,
          state: p.state,
          count: 0,
          amountMinor: 0n,
          settlementCurrency: p.settlementAmount.currency,
          settlementMinor: 0n,
        };
        t.count++;
        t.amountMinor += toMinor(p.amount, 'amount');
        t.settlementMinor += toMinor(p.settlementAmount, 'settlementAmount');
        totals.set(k, t);
        if (p.state === 'ATTESTED' && p.attestedAt < cutoff)
          unconfirmed.push({ uetr: p.uetr, attestedAt: p.attestedAt, attester: p.attester, amount: p.amount });
        if (p.state === 'DISPUTED')
          disputed.push({ uetr: p.uetr, attester: p.attester, confirmer: p.confirmer, differingFields: p.differingFields });
        if (p.state === 'REJECTED') rejected.push({ uetr: p.uetr, reasonCode: p.reasonCode });
      }
    } finally {
      await iterator.close();
    }
    const rows = [...totals.values()]
      .sort((a, b) => (a.currency + a.state).localeCompare(b.currency + b.state))
      .map((t) => ({
        currency: t.currency,
        state: t.state,
        count: t.count,
        amount: fromMinor(t.amountMinor, t.currency),
        settlementCurrency: t.settlementCurrency,
        settlementAmount: fromMinor(t.settlementMinor, t.settlementCurrency),
      }));
    return JSON.stringify({
      date,
      corridor: c,
      institution: institution === '' ? null : institution,
      asOf: txTime(ctx),
      unconfirmedAfterMinutes: limits.unconfirmedAfterMinutes,
      totals: rows,
      unconfirmed,
      disputed,
      rejected,
    });
  }

  /** The pacs.008 kept for a payment in the HK-TH collection (HK and TH institutions only, never auditors). */
  @Transaction(false)
  @Returns('string')
  async GetPaymentMessage(ctx: Context, uetr: string): Promise<string> {
    // the message names payer and payee: only the payment's own institutions read it
    const signer = await requireRegisteredSigner(ctx);
    requireUetr(uetr);
    const record = await getRecord<PaymentRecord>(ctx, paymentKey(uetr));
    if (!record) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no payment ${uetr}`);
    if (!(await isPartyTo(ctx, record, signer.institution)))
      throw new ChaincodeError('ACCESS_DENIED', `the message of ${uetr} is readable by its debtor and creditor agents only`);
    const bytes = await ctx.stub.getPrivateData(SHARED_COLLECTION, messageKey(uetr));
    if (bytes.length === 0) throw new ChaincodeError('PAYMENT_NOT_FOUND', `no message kept for ${uetr} (never sent, or purged)`);
    // messages kept before sealing at rest are plain
    if (!isSealedAtRest(bytes)) return decodeText(bytes);
    return decodeText(openAtRest(bytes, 'payment-message', `${uetr}/${record.messageHash}`, (id) => keyById(partyKeys(), id)));
  }

  /**
   * Purges kept pacs.008 messages of payments settled before `beforeDate` (exclusive), at most
   * `size` per transaction, from the HK-TH collection and its history on every peer (Fabric purge).
   * Operator admins only; `beforeDate` must be at least 90 days before the transaction date. The
   * payment records, their hashes and signatures stay: only the personal data goes.
   */
  @Transaction()
  @Returns('string')
  async PurgePaymentMessages(ctx: Context, beforeDate: string, size: string): Promise<string> {
    requireRole(ctx, ['admin'], true);
    if (!isValidDate(beforeDate)) throw new ChaincodeError('INVALID_ARGUMENT', 'beforeDate must be a date YYYY-MM-DD');
    const limit = size === '' ? MAX_PURGE_BATCH : Number(size);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PURGE_BATCH)
      throw new ChaincodeError('PAGE_INVALID', `size must be 1 to ${String(MAX_PURGE_BATCH)}`);
    const floor = new Date(Date.parse(txTime(ctx)) - MIN_MESSAGE_RETENTION_DAYS * 86_400_000).toISOString().slice(0, 10);
    if (beforeDate > floor) {
      throw new ChaincodeError(
        'INVALID_ARGUMENT',
        `messages are kept at least ${String(MIN_MESSAGE_RETENTION_DAYS)} days: beforeDate must be ${floor} or earlier`,
      );
    }
    const range = { start: prefixRange('payment-message-by-date').start, end: key('payment-message-by-date', beforeDate) };
    // one more than a batch tells whether another transaction is needed
    const entries = await rangeFirst(ctx, range, limit + 1);
    const todo = entries.slice(0, limit);
    for (const e of todo) {
      await ctx.stub.purgePrivateData(SHARED_COLLECTION, decodeText(e.value));
      await ctx.stub.deleteState(e.key);
    }
    const more = entries.length > limit;
    if (todo.length > 0) emit(ctx, 'PaymentMessagesPurged', { beforeDate, count: todo.length });
    return JSON.stringify({ beforeDate, purged: todo.length, more });
  }
}

/** Compiles only while PaymentContract implements exactly the `payment` transactions of protocol/src/transactions.ts. */
export type PaymentContractMatchesProtocol = Assert<Implements<PaymentContract, typeof TRANSACTIONS.payment>>;
