import type { KeyObject } from 'node:crypto';

import { canonicalize, isStrict, OPENING_FORMAT, prepareIntel, sealContent, statementBytes, TRANSACTIONS } from '@xborder/protocol';
import type { ContentOpening, IntelCosignature, IntelObject, IntelRecord, PreparedIntel, SeenAnswer, Sighting } from '@xborder/protocol';

import { checkedLocally, toXborderError, XborderError } from './errors';
import type { Page } from './registry';
import { signLowS } from './signer';
import type { Transactor } from './transactor';

export type { IntelCosignature, IntelRecord, Sighting, ContentOpening, SeenAnswer };

/** A version's content as read from private data, with the salt that opens its commitment. */
export interface IntelContent {
  readonly canonical: string;
  readonly object: unknown;
  readonly salt: string;
  /** The object and salt in the form an auditor checks offline (`xborder audit verify`). */
  readonly opening: ContentOpening;
}

/** A listed record, whether it is the latest version, and its content where readable ({@link IntelClient.listObjects}). */
export interface ListedObject extends IntelObject {
  /** The parsed content, or null where `unreadable` says why. */
  readonly object: Record<string, unknown> | null;
}

/** The outcome of submitting one object. */
export interface IntelSubmission {
  /** False when this exact version was already on the ledger (nothing was written). */
  readonly created: boolean;
  readonly record: IntelRecord;
  /** Transaction of the public record (the existing record's when `created` is false). */
  readonly transactionId: string;
  /** For AMBER+STRICT/RED: whether the content was stored in the producer's org collection. */
  readonly strictContentStored?: boolean;
  /**
   * When another member had recorded this version with the same content: this institution's
   * co-signature of it (`created` then says whether the co-signature is new).
   */
  readonly cosignature?: IntelCosignature;
}

/** A listing of intel records by submission time: one filter (or `all`), an optional window, a page. */
export interface ListQuery {
  readonly filter: 'type' | 'tlp' | 'producer' | 'org' | 'all';
  readonly value?: string;
  /** ISO 8601 bounds on the submission time, `from` inclusive, `to` exclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly pageSize?: number;
  readonly bookmark?: string;
}

/** A signed statement ready to submit. */
export interface SignedIntel {
  readonly prepared: PreparedIntel;
  readonly statementJson: string;
  /** base64 DER ECDSA P-256 / SHA-256 over the canonical statement. */
  readonly signature: string;
}

/**
 * Canonicalises (RFC 8785) and checks a STIX object, commits to it under a fresh random salt (or the
 * given one) and signs its statement with the institution's key: the exact rules the chaincode
 * applies, from the same code.
 */
export function signIntel(object: unknown, producer: { institution: string; mspId: string }, key: KeyObject, salt?: string): SignedIntel {
  const prepared = prepareIntel(object, producer, salt);
  const signature = Buffer.from(signLowS(key, statementBytes(prepared.statement))).toString('base64');
  return { prepared, statementJson: canonicalize(prepared.statement), signature };
}

/** The `intel` contract: hashed, signed STIX 2.1 records with private content. */
export class IntelClient {
  readonly #tx: Transactor;
  readonly #producer: { institution: string; mspId: string };
  readonly #key: KeyObject;

  constructor(transactor: Transactor, producer: { institution: string; mspId: string }, key: KeyObject) {
    this.#tx = transactor;
    this.#producer = producer;
    this.#key = key;
  }

  /** Prepares and signs an object as this client's institution, without submitting it. */
  sign(object: unknown, salt?: string): SignedIntel {
    return checkedLocally(() => signIntel(object, this.#producer, this.#key, salt));
  }

  /**
   * Submits one STIX object version. CLEAR/GREEN/AMBER content goes with the record into the HK-TH
   * collection; AMBER+STRICT/RED content is stored by a second transaction endorsed by the caller's
   * own org only, so it never reaches the other operator. Safe to repeat.
   * @param object - a STIX 2.1 object (parsed JSON); its markings decide its TLP
   * @returns whether a record was created, the record and its transaction (strict levels: whether the content was stored)
   * @throws {@link XborderError} TLP_UNKNOWN, MARKING_UNCLASSIFIED, INTEL_INVALID_OBJECT before anything is sent; INTEL_VERSION_CONFLICT, INTEL_NOT_PRODUCER, INTEL_REVOKED from the chaincode
   */
  async submit(object: unknown): Promise<IntelSubmission> {
    return this.submitSigned(this.sign(object));
  }

  /**
   * Submits an object prepared and signed with {@link IntelClient.sign} (or {@link signIntel}); see {@link IntelClient.submit}.
   * @param signed - the prepared object, its statement and signature
   * @returns whether a record was created, the record and its transaction
   * @throws {@link XborderError} with the chaincode's code (INTEL_SIGNATURE_INVALID, INTEL_VERSION_CONFLICT, ...)
   */
  async submitSigned(signed: SignedIntel): Promise<IntelSubmission> {
    const strict = isStrict(signed.prepared.statement.tlp);
    let result: { created: boolean; record: IntelRecord; cosignature?: IntelCosignature };
    try {
      result = (
        await this.#tx.submitTx(TRANSACTIONS.intel.SubmitIntel, [signed.statementJson, signed.signature], {
          ...(strict ? {} : { transient: { content: sealed(signed.prepared) } }),
        })
      ).value;
    } catch (err) {
      // a strict version recorded earlier under another salt: only its producer's peers can compare
      const again = strict ? await this.#resignedWithRecordedSalt(signed, err) : undefined;
      if (!again) throw err;
      return this.submitSigned(again);
    }
    const { created, record, cosignature } = result;
    if (cosignature) return { created, record, transactionId: cosignature.txId, cosignature };
    if (!strict) return { created, record, transactionId: record.txId };
    const stored = await this.storeStrictContent(signed.prepared);
    return {
      created,
      record: await this.#revokedIfContentSays(signed.prepared, record),
      transactionId: record.txId,
      strictContentStored: stored,
    };
  }

  /**
   * The endorsers never see strict content, so they cannot read its `revoked: true`: for such a
   * version the producer revokes the object with RevokeIntel once the content is stored (CLEAR, GREEN
   * and AMBER versions are revoked by their own transaction).
   */
  async #revokedIfContentSays(prepared: PreparedIntel, record: IntelRecord): Promise<IntelRecord> {
    if (record.revoked || (JSON.parse(prepared.canonical) as { revoked?: unknown }).revoked !== true) return record;
    return this.revoke(prepared.id, `revoked: true in version ${String(prepared.version)}`);
  }

  /**
   * For a version conflict on one of our own strict versions: the same object signed with the salt its
   * recorded version uses, when the stored content equals it (a re-run of the same input); else nothing.
   */
  async #resignedWithRecordedSalt(signed: SignedIntel, err: unknown): Promise<SignedIntel | undefined> {
    if (toXborderError(err).code !== 'INTEL_VERSION_CONFLICT') return undefined;
    const { id, version } = signed.prepared;
    if (version === null) return undefined;
    let stored: IntelContent;
    try {
      stored = await this.content(id, version);
    } catch {
      return undefined;
    }
    if (stored.canonical !== signed.prepared.canonical || stored.salt === signed.prepared.salt) return undefined;
    return this.sign(JSON.parse(signed.prepared.canonical) as unknown, stored.salt);
  }

  /**
   * Stores strict-TLP content in the producer's org collection (endorsed by the own org only). Asks
   * the own peer first: content already stored means no transaction at all (a transaction without a
   * collection write would fall back to the chaincode's both-operators policy).
   * @param prepared - the prepared strict-level object (with its salt)
   * @returns true when the content was stored now, false when it was there already
   * @throws {@link XborderError} INTEL_CONTENT_UNEXPECTED, INTEL_NOT_PRODUCER, INTEL_COMMITMENT_MISMATCH
   */
  async storeStrictContent(prepared: PreparedIntel): Promise<boolean> {
    const { id, version } = prepared;
    if (version === null)
      throw new XborderError('INTEL_CONTENT_UNEXPECTED', 'cyber-observables are never strict: their content goes with the record');
    // the dry run carries the content too: only the producer's own org may receive it, on every
    // path (the gateway would otherwise pick, or fall back to, another org's peer)
    const dryRun = await this.#tx.dryRunTx(TRANSACTIONS.intel.StoreStrictContent, [id, version], {
      transient: { content: sealed(prepared) },
      endorsingOrganizations: [this.#producer.mspId],
    });
    if (!dryRun.stored) return false;
    const r = await this.#tx.submitTx(TRANSACTIONS.intel.StoreStrictContent, [id, version], {
      transient: { content: sealed(prepared) },
      endorsingOrganizations: [this.#producer.mspId],
    });
    return r.value.stored;
  }

  /**
   * Submits up to 100 signed objects in one transaction (all or nothing), then stores the content of
   * the strict ones. Returns one outcome per object, in order.
   * @param signed - up to 100 signed objects
   * @returns one outcome per object, in order
   * @throws {@link XborderError} BATCH_TOO_LARGE, or the first refused item's code with `item i:` in its message (nothing is written)
   */
  async submitBatch(signed: readonly SignedIntel[]): Promise<IntelSubmission[]> {
    const items = signed.map((s) => ({ statement: s.statementJson, signature: s.signature }));
    const transient: Record<string, Uint8Array> = {};
    signed.forEach((s, i) => {
      if (!isStrict(s.prepared.statement.tlp)) transient[`content${String(i)}`] = sealed(s.prepared);
    });
    const results = (await this.#tx.submitTx(TRANSACTIONS.intel.SubmitIntelBatch, [JSON.stringify(items)], { transient })).value;
    const out: IntelSubmission[] = [];
    for (const [i, res] of results.entries()) {
      const s = signed[i];
      if (s && isStrict(s.prepared.statement.tlp)) {
        const stored = await this.storeStrictContent(s.prepared);
        const record = await this.#revokedIfContentSays(s.prepared, res.record);
        out.push({ ...res, record, transactionId: res.record.txId, strictContentStored: stored });
      } else {
        out.push({ ...res, transactionId: res.cosignature?.txId ?? res.record.txId });
      }
    }
    return out;
  }

  /**
   * The latest version's public record.
   * @param stixId - a lowercase STIX id
   * @throws {@link XborderError} INTEL_NOT_FOUND when there is no such object
   */
  async get(stixId: string): Promise<IntelRecord> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntel, [stixId]);
  }

  /**
   * The public record of one version.
   * @param stixId - a lowercase STIX id
   * @param modified - the version's `modified` timestamp
   * @throws {@link XborderError} INTEL_NOT_FOUND
   */
  async version(stixId: string, modified: string): Promise<IntelRecord> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelVersion, [stixId, modified]);
  }

  /**
   * Every version, oldest first.
   * @param stixId - a lowercase STIX id
   * @throws {@link XborderError} INTEL_NOT_FOUND, RESULT_TOO_LARGE past 500 versions
   */
  async history(stixId: string): Promise<IntelRecord[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelHistory, [stixId]);
  }

  /**
   * The version with this content commitment.
   * @param commitment - 64 lowercase hex digits
   * @throws {@link XborderError} INTEL_NOT_FOUND
   */
  async byCommitment(commitment: string): Promise<IntelRecord> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelByCommitment, [commitment]);
  }

  /**
   * Whether a content commitment (see `commitmentOf`) is on the ledger, with its record.
   * @param commitment - `HMAC-SHA256(salt, canonical object)`, from an opening
   * @returns whether it is on the ledger, with its record
   */
  async verify(commitment: string): Promise<{ found: boolean; contentCommitment: string; record?: IntelRecord | null }> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.VerifyIntel, [commitment]);
  }

  /**
   * One page of records by submission time; pass the returned bookmark for the next.
   * @param query - filter, window and page
   * @throws {@link XborderError} INVALID_ARGUMENT, TLP_UNKNOWN or PAGE_INVALID for a malformed query
   */
  async list(query: ListQuery): Promise<Page<IntelRecord>> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.ListIntel, [JSON.stringify(query)]);
  }

  /**
   * One page of records by submission time, each with whether it is its object's latest version and,
   * where this institution may read it, its content (parsed) and salt; one call per page (members only).
   * @param query - filter, window and page, as {@link IntelClient.list}
   * @returns the records with their content (null with the reason where unreadable) and the next bookmark
   * @throws {@link XborderError} ACCESS_DENIED for identities without a registered key; as `list` for a bad query
   */
  async listObjects(query: ListQuery): Promise<{ items: ListedObject[]; bookmark: string }> {
    const page = await this.#tx.evaluateTx(TRANSACTIONS.intel.ListIntelObjects, [JSON.stringify(query)]);
    return {
      items: page.items.map((i) => ({ ...i, object: i.content === null ? null : (JSON.parse(i.content) as Record<string, unknown>) })),
      bookmark: page.bookmark,
    };
  }

  /**
   * "Have we seen this?": how many institutions recorded a cyber-observable value, when first and last,
   * and which. The value goes to the operators' chaincode as transient data (never written); the
   * question is recorded by its keyed tag, and each institution may ask a limited number a day.
   * @param type - a STIX cyber-observable type (`ipv4-addr`, `domain-name`, `url`, `file`, ...)
   * @param value - the value (for `file`: `<algorithm>:<hex>` or a bare MD5, SHA-1, SHA-256 or SHA-512)
   * @returns count, first and last seen, producers, revoked count
   * @throws {@link XborderError} SEEN_LIMIT_EXCEEDED past the daily limit; INVALID_ARGUMENT, INTEL_INVALID_OBJECT for a malformed value
   */
  async seen(type: string, value: string): Promise<SeenAnswer> {
    const query = Buffer.from(canonicalize({ type, value }), 'utf8');
    // the question is counted when it commits; only then is it answered (an endorsed but unsubmitted
    // question yields nothing)
    const asked = (await this.#tx.submitTx(TRANSACTIONS.intel.AskSeen, [], { transient: { query } })).value;
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetSeenAnswer, [asked.questionId]);
  }

  /**
   * One page of an object's sightings, oldest first.
   * @param stixId - a lowercase STIX id
   * @param options - page size (default 50) and bookmark
   */
  async sightings(stixId: string, options: { pageSize?: number; bookmark?: string } = {}): Promise<Page<Sighting>> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetSightings, [stixId, String(options.pageSize ?? 50), options.bookmark ?? '']);
  }

  /**
   * The co-signatures of a version: other members who shared the same content after its producer.
   * @param stixId - a lowercase STIX id
   * @param modified - the version
   * @returns each co-signer's signed statement, oldest first
   */
  async cosignatures(stixId: string, modified: string): Promise<IntelCosignature[]> {
    return this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelCosignatures, [stixId, modified]);
  }

  /**
   * The content of several versions in one read (at most 100), each as {@link IntelClient.content}
   * gives it, or with the code it was refused with (`ACCESS_DENIED`, `INTEL_NOT_FOUND`, ...).
   * @param versions - the versions, by id and `modified`
   * @returns one entry per version, in order: its content, or `error` with the code and reason
   * @throws {@link XborderError} INVALID_ARGUMENT for an empty or oversize list; ACCESS_DENIED for auditors
   */
  async contents(versions: readonly { stixId: string; modified: string }[]): Promise<(IntelContent | { readonly error: string })[]> {
    const items = await this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelContents, [
      JSON.stringify(versions.map((v) => ({ stixId: v.stixId, modified: v.modified }))),
    ]);
    return items.map((item) => {
      if ('error' in item) return { error: item.error };
      const object = JSON.parse(item.content) as unknown;
      return {
        canonical: item.content,
        object,
        salt: item.salt,
        opening: {
          format: OPENING_FORMAT,
          stixId: item.stixId,
          modified: item.modified,
          contentCommitment: item.contentCommitment,
          salt: item.salt,
          object,
        },
      };
    });
  }

  /**
   * The canonical STIX object of a version and the salt of its commitment (HK/TH institutions; strict
   * levels: the producer only).
   * @param stixId - a lowercase STIX id
   * @param modified - the version
   * @returns the canonical object, its salt and an opening for auditors
   * @throws {@link XborderError} ACCESS_DENIED (auditors; strict content for anyone but its producer), INTEL_NOT_FOUND
   */
  async content(stixId: string, modified: string): Promise<IntelContent> {
    const { content, contentCommitment, salt } = await this.#tx.evaluateTx(TRANSACTIONS.intel.GetIntelContent, [stixId, modified]);
    const object = JSON.parse(content) as unknown;
    return {
      canonical: content,
      object,
      salt,
      opening: { format: OPENING_FORMAT, stixId, modified, contentCommitment, salt, object },
    };
  }

  /**
   * Records that this client's institution saw an object; the same report again is recorded once.
   * @param sighting - the STIX id, count, first and last seen, and optionally a false-positive flag and a note hash
   * @throws {@link XborderError} SIGHTING_INVALID, INTEL_NOT_FOUND or INTEL_REVOKED
   */
  async sight(sighting: {
    stixId: string;
    count: number;
    firstSeen: string;
    lastSeen: string;
    falsePositive?: boolean;
    noteHash?: string;
  }): Promise<Sighting> {
    return (await this.#tx.submitTx(TRANSACTIONS.intel.RecordSighting, [JSON.stringify(sighting)])).value;
  }

  /**
   * Revokes an object this client's institution produced; terminal.
   * @param stixId - a lowercase STIX id
   * @param reason - 1-500 printable characters
   * @throws {@link XborderError} INTEL_NOT_PRODUCER or INTEL_REVOKED
   */
  async revoke(stixId: string, reason: string): Promise<IntelRecord> {
    return (await this.#tx.submitTx(TRANSACTIONS.intel.RevokeIntel, [stixId, reason])).value;
  }
}

/** Content as it travels to the chaincode: sealed with its salt (see commitment.ts). */
function sealed(prepared: PreparedIntel): Uint8Array {
  return sealContent(prepared.salt, prepared.canonical);
}
