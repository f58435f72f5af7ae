/** What the console's JSON API answers, shared by the server and the page (types only). */
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
