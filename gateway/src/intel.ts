import type { KeyObject } from 'node:crypto';

import { canonicalize } from '@xborder/chaincode/dist/shared/jcs';
import { prepareIntel, statementBytes } from '@xborder/chaincode/dist/shared/statement';
import type { IntelStatement, PreparedIntel } from '@xborder/chaincode/dist/shared/statement';
import { isStrict } from '@xborder/chaincode/dist/shared/tlp';

import { decodeJson } from './json';
import type { Page } from './registry';
import { signLowS } from './signer';
import type { Transactor } from './transactor';

import type { IntelRecord, Sighting } from '@xborder/chaincode/dist/shared/records';

export type { IntelRecord, Sighting };

/** The outcome of submitting one object. */
export interface IntelSubmission {
  /** False when this exact version was already on the ledger (nothing was written). */
  readonly created: boolean;
  readonly record: IntelRecord;
  /** Transaction of the public record (the existing record's when `created` is false). */
  readonly transactionId: string;
  /** For AMBER+STRICT/RED: whether the content was stored in the producer's org collection. */
  readonly strictContentStored?: boolean;
}

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
 * Canonicalises (RFC 8785), hashes and checks a STIX object and signs its statement with the
 * institution's key: the exact rules the chaincode applies, from the same code.
 */
export function signIntel(object: unknown, producer: { institution: string; mspId: string }, key: KeyObject): SignedIntel {
  const prepared = prepareIntel(object, producer);
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
  sign(object: unknown): SignedIntel {
    return signIntel(object, this.#producer, this.#key);
  }

  /**
   * Submits one STIX object version. CLEAR/GREEN/AMBER content goes with the record into the HK-TH
   * collection; AMBER+STRICT/RED content is stored by a second transaction endorsed by the caller's
   * own org only, so it never reaches the other operator. Safe to repeat.
   */
  async submit(object: unknown): Promise<IntelSubmission> {
    return this.submitSigned(this.sign(object));
  }

  async submitSigned(signed: SignedIntel): Promise<IntelSubmission> {
    const strict = isStrict(signed.prepared.statement.tlp);
    const r = await this.#tx.submit('intel', 'SubmitIntel', {
      args: [signed.statementJson, signed.signature],
      ...(strict ? {} : { transient: { content: Buffer.from(signed.prepared.canonical) } }),
    });
    const { created, record } = decodeJson<{ created: boolean; record: IntelRecord }>(r.result);
    if (!strict) return { created, record, transactionId: record.txId };
    const stored = await this.storeStrictContent(signed.prepared.statement, signed.prepared.canonical);
    return { created, record, transactionId: record.txId, strictContentStored: stored };
  }

  /**
   * Stores strict-TLP content in the producer's org collection (endorsed by the own org only). Asks
   * the own peer first: content already stored means no transaction at all (a transaction without a
   * collection write would fall back to the chaincode's both-operators policy).
   */
  async storeStrictContent(statement: IntelStatement, canonical: string): Promise<boolean> {
    // the dry run carries the content too: only the producer's own org may receive it, on every
    // path (the gateway would otherwise pick, or fall back to, another org's peer)
    const dryRun = await this.#tx.evaluate(
      'intel',
      'StoreStrictContent',
      [statement.stixId, statement.modified],
      { content: Buffer.from(canonical) },
      { endorsingOrganizations: [this.#producer.mspId] },
    );
    if (!decodeJson<{ stored: boolean }>(dryRun).stored) return false;
    const r = await this.#tx.submit('intel', 'StoreStrictContent', {
      args: [statement.stixId, statement.modified],
      transient: { content: Buffer.from(canonical) },
      endorsingOrganizations: [this.#producer.mspId],
    });
    return decodeJson<{ stored: boolean }>(r.result).stored;
  }

  /**
   * Submits up to 100 signed objects in one transaction (all or nothing), then stores the content of
   * the strict ones. Returns one outcome per object, in order.
   */
  async submitBatch(signed: readonly SignedIntel[]): Promise<IntelSubmission[]> {
    const items = signed.map((s) => ({ statement: s.statementJson, signature: s.signature }));
    const transient: Record<string, Uint8Array> = {};
    signed.forEach((s, i) => {
      if (!isStrict(s.prepared.statement.tlp)) transient[`content${String(i)}`] = Buffer.from(s.prepared.canonical);
    });
    const r = await this.#tx.submit('intel', 'SubmitIntelBatch', { args: [JSON.stringify(items)], transient });
    const results = decodeJson<{ created: boolean; record: IntelRecord }[]>(r.result);
    const out: IntelSubmission[] = [];
    for (const [i, res] of results.entries()) {
      const s = signed[i];
      if (s && isStrict(s.prepared.statement.tlp)) {
        const stored = await this.storeStrictContent(s.prepared.statement, s.prepared.canonical);
        out.push({ ...res, transactionId: res.record.txId, strictContentStored: stored });
      } else {
        out.push({ ...res, transactionId: res.record.txId });
      }
    }
    return out;
  }

  async get(stixId: string): Promise<IntelRecord> {
    return decodeJson<IntelRecord>(await this.#tx.evaluate('intel', 'GetIntel', [stixId]));
  }

  async version(stixId: string, modified: string): Promise<IntelRecord> {
    return decodeJson<IntelRecord>(await this.#tx.evaluate('intel', 'GetIntelVersion', [stixId, modified]));
  }

  /** Every version, oldest first. */
  async history(stixId: string): Promise<IntelRecord[]> {
    return decodeJson<IntelRecord[]>(await this.#tx.evaluate('intel', 'GetIntelHistory', [stixId]));
  }

  async byHash(contentHash: string): Promise<IntelRecord> {
    return decodeJson<IntelRecord>(await this.#tx.evaluate('intel', 'GetIntelByHash', [contentHash]));
  }

  async verify(contentHash: string): Promise<{ found: boolean; contentHash: string; record?: IntelRecord | null }> {
    return decodeJson(await this.#tx.evaluate('intel', 'VerifyIntel', [contentHash]));
  }

  async list(query: ListQuery): Promise<Page<IntelRecord>> {
    return decodeJson<Page<IntelRecord>>(await this.#tx.evaluate('intel', 'ListIntel', [JSON.stringify(query)]));
  }

  async sightings(stixId: string, options: { pageSize?: number; bookmark?: string } = {}): Promise<Page<Sighting>> {
    return decodeJson<Page<Sighting>>(
      await this.#tx.evaluate('intel', 'GetSightings', [stixId, String(options.pageSize ?? 50), options.bookmark ?? '']),
    );
  }

  /** The canonical STIX object of a version (HK/TH institutions; strict levels: producer's org only). */
  async content(stixId: string, modified: string): Promise<{ canonical: string; object: unknown }> {
    const bytes = await this.#tx.evaluate('intel', 'GetIntelContent', [stixId, modified]);
    const canonical = new TextDecoder().decode(bytes);
    return { canonical, object: JSON.parse(canonical) as unknown };
  }

  async sight(sighting: {
    stixId: string;
    count: number;
    firstSeen: string;
    lastSeen: string;
    falsePositive?: boolean;
    noteHash?: string;
  }): Promise<Sighting> {
    return decodeJson<Sighting>((await this.#tx.submit('intel', 'RecordSighting', { args: [JSON.stringify(sighting)] })).result);
  }

  async revoke(stixId: string, reason: string): Promise<IntelRecord> {
    return decodeJson<IntelRecord>((await this.#tx.submit('intel', 'RevokeIntel', { args: [stixId, reason] })).result);
  }
}
