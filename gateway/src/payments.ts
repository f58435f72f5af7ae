import type { KeyObject } from 'node:crypto';

import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';
import type { Amount } from '@xborder/chaincode/dist/shared/money';
import { ATTESTATION_PURPOSE, CONFIRMATION_PURPOSE, parseAttestation, parseConfirmation } from '@xborder/chaincode/dist/shared/payment';
import type { Corridor, Pacs002Status, PaymentFields } from '@xborder/chaincode/dist/shared/payment';

import { decodeJson } from './json';
import type { Page } from './registry';
import { signLowS } from './signer';
import type { Transactor } from './transactor';

import type { ConfirmationRecord, PaymentEvent, PaymentRecord, PaymentState } from '@xborder/chaincode/dist/shared/records';

export type { ConfirmationRecord, PaymentEvent, PaymentRecord, PaymentState };

export interface Reconciliation {
  readonly date: string;
  readonly corridor: Corridor;
  readonly asOf: string;
  readonly unconfirmedAfterMinutes: number;
  readonly totals: {
    currency: string;
    state: PaymentState;
    count: number;
    amount: string;
    settlementCurrency: string;
    settlementAmount: string;
  }[];
  readonly unconfirmed: { uetr: string; attestedAt: string; attester: string; amount: Amount }[];
  readonly disputed: { uetr: string; attester: string; confirmer: string | null; differingFields: string[] }[];
  readonly rejected: { uetr: string; reasonCode: string | null }[];
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
   * Attests one payment as the sending institution. `message` (the pacs.008 bytes) is kept in the
   * HK-TH private collection when its hash matches. The same attestation again is a no-op.
   */
  async attest(fields: PaymentFields, options: { message?: Uint8Array } = {}): Promise<{ created: boolean; record: PaymentRecord }> {
    const attestation = parseAttestation(
      { ...fields, purpose: ATTESTATION_PURPOSE, institution: this.#me.institution, mspId: this.#me.mspId },
      null,
    );
    const { json, signature } = this.#sign(attestation);
    const r = await this.#tx.submit('payment', 'AttestPayment', {
      args: [json, signature],
      ...(options.message ? { transient: { message: options.message } } : {}),
    });
    return decodeJson(r.result);
  }

  /** Confirms a payment as the receiving institution, with its own view and the pacs.002 status. */
  async confirm(
    fields: PaymentFields,
    status: { status: Pacs002Status; reasonCode: string | null; statusMessageHash: string },
  ): Promise<{ created: boolean; record: PaymentRecord; confirmation: ConfirmationRecord }> {
    const confirmation = parseConfirmation({
      purpose: CONFIRMATION_PURPOSE,
      fields,
      status: status.status,
      reasonCode: status.reasonCode,
      statusMessageHash: status.statusMessageHash,
      institution: this.#me.institution,
      mspId: this.#me.mspId,
    });
    const { json, signature } = this.#sign(confirmation);
    return decodeJson((await this.#tx.submit('payment', 'ConfirmPayment', { args: [json, signature] })).result);
  }

  /** Records a return (pacs.004) or a cancellation (camt.056 / camt.029) linked to a payment. */
  async recordEvent(event: {
    uetr: string;
    type: PaymentEvent['type'];
    messageType: string;
    messageHash: string;
    reasonCode: string | null;
  }): Promise<PaymentEvent> {
    return decodeJson((await this.#tx.submit('payment', 'RecordPaymentEvent', { args: [JSON.stringify(event)] })).result);
  }

  async get(uetr: string): Promise<{ record: PaymentRecord; confirmations: ConfirmationRecord[]; events: PaymentEvent[] }> {
    return decodeJson(await this.#tx.evaluate('payment', 'GetPayment', [uetr]));
  }

  async byEndToEndId(endToEndId: string): Promise<PaymentRecord[]> {
    return decodeJson(await this.#tx.evaluate('payment', 'GetPaymentsByEndToEndId', [endToEndId]));
  }

  async history(uetr: string): Promise<{ txId: string; timestamp: string; state: PaymentState | null }[]> {
    return decodeJson(await this.#tx.evaluate('payment', 'GetPaymentHistory', [uetr]));
  }

  async list(query: {
    filter: 'corridor' | 'status' | 'institution';
    value: string;
    fromDate?: string;
    toDate?: string;
    pageSize?: number;
    bookmark?: string;
  }): Promise<Page<PaymentRecord>> {
    return decodeJson(await this.#tx.evaluate('payment', 'ListPayments', [JSON.stringify(query)]));
  }

  async reconcile(date: string, corridor: Corridor): Promise<Reconciliation> {
    return decodeJson(await this.#tx.evaluate('payment', 'Reconcile', [date, corridor]));
  }

  /** The pacs.008 kept for a payment (HK and TH institutions only). */
  async message(uetr: string): Promise<string> {
    return new TextDecoder().decode(await this.#tx.evaluate('payment', 'GetPaymentMessage', [uetr]));
  }
}
