import type { KeyObject } from 'node:crypto';

import {
  ATTESTATION_PURPOSE,
  canonicalize,
  CONFIRMATION_PURPOSE,
  MAX_PURGE_BATCH,
  parseAttestation,
  parseConfirmation,
  TRANSACTIONS,
} from '@xborder/protocol';
import type {
  ConfirmationRecord,
  Corridor,
  Pacs002Status,
  PartyValues,
  PaymentEvent,
  PaymentFields,
  PaymentRecord,
  PaymentState,
  Reconciliation,
} from '@xborder/protocol';

import type { Page } from './registry';
import { checkedLocally } from './errors';
import { signLowS } from './signer';
import type { Transactor } from './transactor';

export type { ConfirmationRecord, PartyValues, PaymentEvent, PaymentRecord, PaymentState, Reconciliation };

/** Transient data for the operators' chaincode: the raw payer and payee values, never written anywhere. */
function partiesTransient(parties: PartyValues): Record<string, Uint8Array> {
  return { parties: Buffer.from(canonicalize(parties)) };
}

/** The `payment` contract: attestations by the sender, confirmations by the receiver, reconciliation. */
export class PaymentsClient {
  readonly #tx: Transactor;
  readonly #me: { institution: string; mspId: string };
  readonly #key: KeyObject;

  constructor(transactor: Transactor, me: { institution: string; mspId: string }, key: KeyObject) {
    this.#tx = transactor;
    this.#me = me;
    this.#key = key;
  }

  #sign(value: unknown): { json: string; signature: string } {
    const json = canonicalize(value);
    return { json, signature: Buffer.from(signLowS(this.#key, Buffer.from(json))).toString('base64') };
  }

  /**
   * Attests one payment as the sending institution. `parties` (payer and payee values, see
   * `partyValuesOf`) go to the operators' chaincode as transient data, which commits to them with a
   * key only the operators hold. `message` (the pacs.008 bytes) is kept in the HK-TH private
   * collection when its hash matches. The same attestation again is a no-op.
   * @param fields - the payment fields of one transaction (see `toPaymentFields`)
   * @param parties - payer and payee values for the operators' commitments (see `partyValuesOf`)
   * @param options - the pacs.008 bytes to keep, if any
   * @returns whether a record was created, and the record
   * @throws {@link XborderError} PAYMENT_INVALID, PAYMENT_WRONG_SIDE, PAYMENT_CONFLICT, PAYMENT_LIMIT_EXCEEDED, PARTY_KEY_UNAVAILABLE
   */
  async attest(
    fields: PaymentFields,
    parties: PartyValues,
    options: { message?: Uint8Array } = {},
  ): Promise<{ created: boolean; record: PaymentRecord }> {
    const attestation = checkedLocally(() =>
      parseAttestation({ ...fields, purpose: ATTESTATION_PURPOSE, institution: this.#me.institution, mspId: this.#me.mspId }, null),
    );
    const { json, signature } = this.#sign(attestation);
    const r = await this.#tx.submitTx(TRANSACTIONS.payment.AttestPayment, [json, signature], {
      transient: { ...partiesTransient(parties), ...(options.message ? { message: options.message } : {}) },
    });
    return r.value;
  }

  /**
   * Confirms a payment as the receiving institution, with its own view (fields, and payer and payee
   * values compared by the operators' chaincode under the payment's key) and the pacs.002 status.
   * @param fields - the receiver's own view of the payment
   * @param parties - the receiver's payer and payee values
   * @param status - the pacs.002 status, reason and message hash
   * @returns the payment's record after the confirmation and the confirmation record
   * @throws {@link XborderError} PAYMENT_NOT_FOUND, PAYMENT_WRONG_SIDE, PAYMENT_FINAL
   */
  async confirm(
    fields: PaymentFields,
    parties: PartyValues,
    status: { status: Pacs002Status; reasonCode: string | null; statusMessageHash: string },
  ): Promise<{ created: boolean; record: PaymentRecord; confirmation: ConfirmationRecord }> {
    const confirmation = checkedLocally(() =>
      parseConfirmation({
        purpose: CONFIRMATION_PURPOSE,
        fields,
        status: status.status,
        reasonCode: status.reasonCode,
        statusMessageHash: status.statusMessageHash,
        institution: this.#me.institution,
        mspId: this.#me.mspId,
      }),
    );
    const { json, signature } = this.#sign(confirmation);
    return (await this.#tx.submitTx(TRANSACTIONS.payment.ConfirmPayment, [json, signature], { transient: partiesTransient(parties) }))
      .value;
  }

  /**
   * Records a return (pacs.004) or a cancellation (camt.056 / camt.029) linked to a payment.
   * @param event - the payment, event type, message type and hash, reason
   * @returns the event record (the first one when the same message was recorded before)
   * @throws {@link XborderError} PAYMENT_NOT_FOUND, PAYMENT_WRONG_SIDE (not one of the payment's own institutions)
   */
  async recordEvent(event: {
    uetr: string;
    type: PaymentEvent['type'];
    messageType: string;
    messageHash: string;
    reasonCode: string | null;
  }): Promise<PaymentEvent> {
    return (await this.#tx.submitTx(TRANSACTIONS.payment.RecordPaymentEvent, [JSON.stringify(event)])).value;
  }

  /**
   * A payment's record with its confirmations and events.
   * @param uetr - the lowercase UUID v4 of the payment
   * @throws {@link XborderError} PAYMENT_NOT_FOUND
   */
  async get(uetr: string): Promise<{ record: PaymentRecord; confirmations: ConfirmationRecord[]; events: PaymentEvent[] }> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.GetPayment, [uetr]);
  }

  /**
   * The payments sharing an end-to-end id (at most 500).
   * @param endToEndId - the EndToEndId of the pacs.008
   * @throws {@link XborderError} RESULT_TOO_LARGE past 500
   */
  async byEndToEndId(endToEndId: string): Promise<PaymentRecord[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.GetPaymentsByEndToEndId, [endToEndId]);
  }

  /**
   * Every state a payment's record went through, with the transactions that changed it.
   * @param uetr - the payment
   * @throws {@link XborderError} PAYMENT_NOT_FOUND
   */
  async history(uetr: string): Promise<{ txId: string; timestamp: string; state: PaymentState | null }[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.GetPaymentHistory, [uetr]);
  }

  /**
   * One page of payments by corridor, status or institution within settlement dates.
   * @param query - filter, value, date range and page
   */
  async list(query: {
    filter: 'corridor' | 'status' | 'institution';
    value: string;
    fromDate?: string;
    toDate?: string;
    pageSize?: number;
    bookmark?: string;
  }): Promise<Page<PaymentRecord>> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.ListPayments, [JSON.stringify(query)]);
  }

  /**
   * A corridor's day: counts and sums per currency and state, open, disputed and rejected payments.
   * @param date - settlement date YYYY-MM-DD
   * @param corridor - HK-TH or TH-HK
   * @param institution - only the payments this institution sent or received (default: the whole corridor)
   * @throws {@link XborderError} RESULT_TOO_LARGE past 50,000 payments
   */
  async reconcile(date: string, corridor: Corridor, institution?: string): Promise<Reconciliation> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.Reconcile, [date, corridor, institution ?? '']);
  }

  /**
   * Purges kept pacs.008 messages of payments settled before `beforeDate` (operator admins; at least
   * 90 days back), one transaction per batch until none are left. Returns how many went.
   * @param beforeDate - settlement dates before this one (YYYY-MM-DD, at least 90 days back)
   * @param options - messages per transaction (at most 200)
   * @returns how many messages were purged
   * @throws {@link XborderError} ACCESS_DENIED (not an operator admin), INVALID_ARGUMENT (too recent)
   */
  async purgeMessages(beforeDate: string, options: { batchSize?: number } = {}): Promise<{ beforeDate: string; purged: number }> {
    let purged = 0;
    for (;;) {
      const batch = (
        await this.#tx.submitTx(TRANSACTIONS.payment.PurgePaymentMessages, [beforeDate, String(options.batchSize ?? MAX_PURGE_BATCH)])
      ).value;
      purged += batch.purged;
      if (!batch.more) return { beforeDate, purged };
    }
  }

  /**
   * The pacs.008 kept for a payment (HK and TH institutions only).
   * @param uetr - the payment
   * @returns the kept pacs.008 text
   * @throws {@link XborderError} ACCESS_DENIED (not the debtor or creditor agent), PAYMENT_NOT_FOUND (none kept, or purged)
   */
  async message(uetr: string): Promise<string> {
    return this.#tx.evaluateTx(TRANSACTIONS.payment.GetPaymentMessage, [uetr]);
  }
}
