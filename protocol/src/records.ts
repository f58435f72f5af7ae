/**
 * The records the chaincode writes and returns, as plain types shared with the SDK, so both sides
 * read the same shapes from one definition.
 */
import type { Amount } from './money';
import type { Corridor, Pacs002Status, PartyCommitments } from './payment';
import type { TlpLevel } from './tlp';

/** One page of a listing; pass `bookmark` back for the next page (empty: no more). */
export interface Page<T> {
  readonly items: T[];
  readonly bookmark: string;
}

export const INSTITUTION_KINDS = ['bank', 'payment-operator', 'cert', 'regulator'] as const;

export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

/** A member institution of one operator (or the auditor org). */
/**
 * A membership of a clearing system, as a payment message names an agent by it (`ClrSysMmbId`):
 * the system's code (ISO 20022 ExternalClearingSystemIdentification1Code such as `HKNCC`, or a
 * proprietary id) and the member id in it.
 */
export interface ClearingMembership {
  readonly system: string;
  readonly memberId: string;
}

export interface Institution {
  readonly id: string;
  readonly mspId: string;
  readonly name: string;
  readonly kind: InstitutionKind;
  /** Its BICs (11 characters; an 8-character BIC is stored with XXX), each registered to it alone. */
  readonly bics: readonly string[];
  /** Its memberships of clearing systems, each registered to it alone (see agents.ts). */
  readonly memberships: readonly ClearingMembership[];
  /**
   * The STIX identities (`identity--<uuid>`) that stand for it in STIX content, each registered to it
   * alone: no other member may name one as an object's creator. Absent on records written before it.
   */
  readonly stixIdentities?: readonly string[];
  readonly status: 'active' | 'suspended';
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly txId: string;
}

/** A certificate registered as an institution's signing key. */
export interface SigningKey {
  /** SHA-256 of the certificate DER, lowercase hex. */
  readonly fingerprint: string;
  readonly institution: string;
  readonly mspId: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
  readonly txId: string;
  /** The certificate itself, so anyone can verify old signatures offline. */
  readonly certificate: string;
}

/** The public ledger record of one STIX object version. No content, no guessable values. */
export interface IntelRecord {
  /**
   * Record format. 2: `contentCommitment` is a salted commitment (commitment.ts) and the statement is
   * `xborder/intel-statement/v2`. (Format 1 records, with a bare `contentHash`, are no longer written;
   * the offline proof checker still reads them.)
   */
  readonly format: 2;
  readonly stixId: string;
  readonly stixType: string;
  readonly modified: string;
  readonly contentCommitment: string;
  readonly tlp: TlpLevel;
  readonly producer: string;
  readonly mspId: string;
  readonly signerFingerprint: string;
  /** The canonical statement exactly as signed, and its base64 DER signature. */
  readonly statement: string;
  readonly signature: string;
  /** From the content when the chaincode sees it (CLEAR/GREEN/AMBER); null for strict levels. */
  readonly specVersion: string | null;
  readonly created: string | null;
  readonly confidence: number | null;
  readonly labels: readonly string[] | null;
  readonly validUntil: string | null;
  readonly previousModified: string | null;
  readonly revoked: boolean;
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
  readonly revokeTxId: string | null;
  readonly txId: string;
  readonly txTime: string;
  /**
   * Only on records of cyber-observables: `stixId` is then a handle (`observable--<uuid>`) the
   * operators' key derives from the id and the producer, `modified` is OBSERVABLE_VERSION, the
   * statement is an observable statement, and these are the keyed tags of the values (`seen`).
   */
  readonly observable?: { readonly keyId: string; readonly tags: readonly string[] };
}

/** A listed record with what a member may see of it (ListIntelObjects). */
export interface IntelObject {
  readonly record: IntelRecord;
  /** Whether this is the latest version of its object. */
  readonly latest: boolean;
  /** The canonical content (JSON text) and its salt, where the caller may read them; null otherwise. */
  readonly content: string | null;
  readonly salt: string | null;
  /**
   * Why content is null: ACCESS_DENIED (strict content of another producer), INTEL_NOT_FOUND (not on
   * this peer), INTEL_CONTENT_MALFORMED (content that does not open the record's commitment, such as a
   * record written before salted commitments).
   */
  readonly unreadable: 'ACCESS_DENIED' | 'INTEL_NOT_FOUND' | 'INTEL_CONTENT_MALFORMED' | null;
}

export interface IntelObjectPage {
  readonly items: readonly IntelObject[];
  readonly bookmark: string;
}

/**
 * Another member's signature on a version it shares too (a public feed re-shared by several members):
 * its own signed statement over the same content, under its own salted commitment.
 */
export interface IntelCosignature {
  readonly format: 1;
  readonly stixId: string;
  readonly modified: string;
  readonly institution: string;
  readonly mspId: string;
  readonly signerFingerprint: string;
  /** The co-signer's commitment to the content (its own salt). */
  readonly contentCommitment: string;
  /** The co-signer's statement exactly as signed, and its base64 DER signature. */
  readonly statement: string;
  readonly signature: string;
  readonly txId: string;
  readonly txTime: string;
}

export interface Sighting {
  readonly stixId: string;
  readonly institution: string;
  readonly mspId: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly falsePositive: boolean;
  readonly noteHash: string | null;
  readonly txId: string;
  readonly txTime: string;
}

export type PaymentState = 'ATTESTED' | 'CONFIRMED' | 'DISPUTED' | 'REJECTED';

/** The public record of one payment: the attestation as signed, and where the receiver left it. */
export interface PaymentRecord {
  readonly uetr: string;
  readonly endToEndId: string;
  readonly corridor: Corridor;
  readonly settlementDate: string;
  readonly amount: Amount;
  readonly settlementAmount: Amount;
  readonly messageHash: string;
  /** The operators' keyed commitments to payer and payee (the attestation names their proxy types only). */
  readonly parties: PartyCommitments;
  readonly state: PaymentState;
  /** Canonical attestation exactly as signed, with its base64 DER signature. */
  readonly attestation: string;
  readonly attestationSignature: string;
  readonly attester: string;
  readonly attesterMsp: string;
  readonly attesterFingerprint: string;
  readonly attestedAt: string;
  readonly attestTxId: string;
  /** The registered institution the creditor agent resolves to at attestation (null: not registered). */
  readonly creditorInstitution?: string | null;
  readonly lastStatus: Pacs002Status | null;
  readonly reasonCode: string | null;
  readonly differingFields: readonly string[];
  readonly confirmer: string | null;
  readonly confirmedAt: string | null;
  readonly confirmTxId: string | null;
}

/** One confirmation (pacs.002 view) as signed by the receiving institution. */
export interface ConfirmationRecord {
  readonly uetr: string;
  readonly confirmation: string;
  readonly signature: string;
  readonly confirmer: string;
  readonly confirmerMsp: string;
  readonly confirmerFingerprint: string;
  readonly status: Pacs002Status;
  readonly reasonCode: string | null;
  readonly differingFields: readonly string[];
  /** The operators' commitments to the receiver's view of payer and payee, under the payment's key. */
  readonly parties: PartyCommitments;
  readonly resultingState: PaymentState;
  readonly txId: string;
  readonly txTime: string;
}

/** A later event (return, cancellation request or resolution): a new record linked to the payment. */
export interface PaymentEvent {
  readonly uetr: string;
  readonly type: 'RETURN' | 'CANCELLATION_REQUEST' | 'CANCELLATION_RESOLUTION';
  readonly messageType: string;
  readonly messageHash: string;
  readonly reasonCode: string | null;
  readonly institution: string;
  readonly mspId: string;
  readonly txId: string;
  readonly txTime: string;
}

/** Limits of one corridor; both operators' admins must agree to change them. */
export interface CorridorLimits {
  readonly corridor: Corridor;
  /** Cap on the THB leg of one payment. */
  readonly perPaymentCap: Amount;
  /** Cap on the THB legs of one payer's payments on one settlement date. */
  readonly dailyCap: Amount;
  /** How far `amount x rate` may be from the settlement amount, in settlement minor units. */
  readonly rateToleranceMinor: number;
  /** Attestations older than this without a confirmation are reported as unconfirmed. */
  readonly unconfirmedAfterMinutes: number;
}

/** A proposal of new corridor limits, pending the other operator's approval. */
export interface CorridorProposal {
  readonly limits: CorridorLimits;
  readonly proposalHash: string;
  readonly proposedBy: string;
  readonly proposerMsp: string;
  readonly proposedAt: string;
  readonly txId: string;
}

/** Corridor limits in force, with who proposed and approved them. */
export interface CorridorSettings extends CorridorLimits {
  readonly proposedBy: string;
  readonly approvedBy: string;
  readonly approvedAt: string;
  readonly txId: string;
}

/** A day's reconciliation of one corridor (Reconcile). */
export interface Reconciliation {
  readonly date: string;
  readonly corridor: Corridor;
  /** The institution the reconciliation is limited to, or null for the whole corridor. */
  readonly institution: string | null;
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

/** What the chaincode sees of the caller (WhoAmI). */
export interface WhoAmI {
  readonly mspId: string;
  readonly role: string | null;
  readonly institution: string | null;
  readonly txTime: string;
}

/** A network check written by PutProbe. */
export interface ProbeRecord {
  readonly key: string;
  readonly value: string;
  readonly writer: string | null;
  readonly mspId: string;
  readonly txId: string;
}
