/** What the console's JSON API answers, shared by the server and the page (types only). */
import type { ConfirmationRecord, IntelRecord, PaymentEvent, PaymentRecord, Sighting } from '@xborder/sdk';

import type { ActivitySnapshot } from './activity';
import type { Change } from './change-feed';

export type { ActivitySnapshot, Change };

/** The newest height both operators signed alike. */
export interface CosignedCheckpoint {
  readonly height: number;
  readonly blockHash: string;
  readonly signers: string[];
  readonly signedAt: string;
}

/** `GET /api/overview`. */
export interface Overview extends ActivitySnapshot {
  /** First UTC day the overview counts. */
  readonly since: string;
  readonly height: number;
  readonly blockHash: string;
  readonly checkpoint: CosignedCheckpoint | null;
  readonly recent: Change[];
  /** The last change number the overview includes: the page streams changes after it. */
  readonly seq: number;
  /** How long reading the overview from the ledger took when the console started. */
  readonly builtInMs: number;
}

/** The signing key of a record's producer and whether it is in force now. */
export interface KeyStatus {
  readonly fingerprint: string;
  readonly institution: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: 'active' | 'revoked' | 'expired';
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
}

/** `GET /api/intel/:stixId`. */
export interface IntelDetail {
  readonly record: IntelRecord;
  /** Every version, each with whether its statement's signature verifies with the registered key. */
  readonly history: (IntelRecord & { signatureValid: boolean })[];
  readonly sightings: { items: Sighting[]; bookmark: string };
  /** Null when the key is not in the registry. */
  readonly key: KeyStatus | null;
}

/** `GET /api/payments/:uetr`. */
export interface PaymentDetail {
  readonly record: PaymentRecord;
  readonly confirmations: ConfirmationRecord[];
  readonly events: PaymentEvent[];
  readonly history: { txId: string; timestamp: string; state: string | null }[];
}
