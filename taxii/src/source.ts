/**
 * What the TAXII server needs from the ledger, as one interface: pages of versions in ledger order with
 * the content this institution may read, an object's versions, and ingestion of posted objects. The
 * ledger implementation is {@link LedgerSource}; tests can supply another.
 */
import type { TlpLevel } from '@xborder/protocol';

/** A listing filter of the ledger's indexes (one per collection). */
export type LedgerFilter = { readonly filter: 'all' } | { readonly filter: 'producer' | 'tlp'; readonly value: string };

/** One version of one STIX object as the ledger lists it. */
export interface ListedVersion {
  readonly stixId: string;
  readonly stixType: string;
  /** The STIX `modified` of the version (TAXII's "version"). */
  readonly modified: string;
  /** When the ledger recorded it: the transaction time (TAXII's `date_added`). */
  readonly dateAdded: string;
  readonly latest: boolean;
  readonly first: boolean;
  readonly tlp: TlpLevel;
  readonly producer: string;
  /** SHA-256 fingerprint of the certificate that signed the version (its producer's registered key). */
  readonly signerKey: string;
  /** The object, or null when this institution may not read its content. */
  readonly object: Record<string, unknown> | null;
  /** Other members who shared the same content (co-signatures), where the source knows them. */
  readonly cosigners?: readonly { readonly institution: string; readonly signerKey: string }[];
}

export interface SourcePage {
  readonly items: readonly ListedVersion[];
  /** Empty when the listing is exhausted. */
  readonly bookmark: string;
}

/** The result of one posted object. */
export interface IngestResult {
  readonly id: string;
  readonly version: string;
  readonly ok: boolean;
  readonly message?: string;
}

export interface IntelSource {
  /** The institution reads and writes go out as. */
  readonly institution: string;
  /** One page in ledger order from `from` (inclusive, ISO time) on, resuming at `bookmark`. */
  page(filter: LedgerFilter, from: string | undefined, bookmark: string, size: number): Promise<SourcePage>;
  /** Every version of an object, oldest first (empty when the ledger has none). */
  versions(stixId: string): Promise<ListedVersion[]>;
  /** Signs and submits objects as the institution; one result per input object, in order. */
  ingest(objects: readonly unknown[]): Promise<IngestResult[]>;
}
