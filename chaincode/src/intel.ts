import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';

import { GroupedIndexWriter, groupedPage } from './grouped-index';
import { batchingFor } from './peer-batching';
import { XborderContract } from './xborder-contract';
import { requireRole } from './caller';
import { isSealedAtRest, openAtRest, sealAtRest } from './at-rest';
import { keyById, partyKeys } from './party-keys';
import type { PartyKey } from './party-keys';
import { requireRegisteredSigner, stixIdentityHolder } from './registry';
import type { SigningKey } from './registry';
import {
  intelVersionKey,
  batchItemsArgument,
  canonicalize,
  ChaincodeError,
  checkStatementMatchesContent,
  hasControlChars,
  implicitCollection,
  intelListArgument,
  isObservableStatementValue,
  observableValueTag,
  patternValues,
  canonicalObservableValue,
  SEEN_DAILY_LIMIT,
  seenQueryArgument,
  seenQueryValues,
  observableFacts,
  observableHandle,
  observableTags,
  OBSERVABLE_VERSION,
  parseObservableStatement,
  isSha256Hex,
  isSignatureBase64,
  isStixId,
  isStixTimestamp,
  isStrict,
  MAX_BATCH,
  MAX_OBJECT_BYTES,
  openSealed,
  opensTo,
  parseCanonical,
  parseIntelStatement,
  parseJson,
  sha256Hex,
  SHARED_COLLECTION,
  sightingArgument,
  statementBytes,
  stixFacts,
  timestampKey,
  TLP_LEVELS,
  TRANSACTIONS,
  verifyWithCertificate,
} from '@xborder/protocol';
import type {
  Assert,
  Implements,
  IntelCosignature,
  IntelListArgument,
  IntelObject,
  IntelRecord,
  IntelStatement,
  ObservableStatement,
  SeenAnswer,
  Sighting,
  StixFacts,
} from '@xborder/protocol';
import {
  decodeText,
  getRecord,
  getRecords,
  key,
  pageSize,
  prefixRange,
  putIndex,
  putRecord,
  rangeBounded,
  rangePage,
  txTime,
} from './state';
export type { IntelRecord, Sighting } from '@xborder/protocol';

/** Per STIX id: who produced it, its latest version, whether it is revoked. */
interface IntelHead {
  readonly stixId: string;
  readonly stixType: string;
  readonly producer: string;
  readonly mspId: string;
  readonly latestModified: string;
  readonly versions: number;
  readonly revoked: boolean;
}

const versionKey = intelVersionKey;
const headKey = (stixId: string): string => key('intel-head', stixId);
const commitmentKey = (commitment: string): string => key('intel-commitment', commitment);
const contentKey = (stixId: string, modified: string): string => key('content', stixId, timestampKey(modified));
const sightingKey = (stixId: string, txTimeKey: string, txId: string): string => key('sighting', stixId, txTimeKey, txId);
const cosignatureKey = (stixId: string, modified: string, institution: string): string =>
  key('intel-cosign', stixId, timestampKey(modified), institution);
/** One report of an institution (same counts, times, flag and note) is one sighting, however often it is sent. */
const sightingReportKey = (stixId: string, institution: string, reportHash: string): string =>
  key('sighting-report', stixId, institution, reportHash);

/** Listing indexes: one family per filter, ordered by transaction time. */
type ListFilter = IntelListArgument['filter'];
/** One entry per filter value and transaction (see grouped-index.ts); `txTimeKey` is the transaction time then its id. */
const indexKey = (filter: ListFilter, value: string, txTimeKey: string): string => key('intel-by', filter, value, txTimeKey);

function b64(value: string, what: string): Uint8Array {
  if (!isSignatureBase64(value)) throw new ChaincodeError('INVALID_ARGUMENT', `${what} must be base64`);
  return Buffer.from(value, 'base64');
}

/** The fields of a submission that key and describe its record (an observable's are derived by the chaincode). */
type Described = Omit<IntelStatement, 'purpose'>;

interface Submission {
  readonly statement: Described;
  readonly statementText: string;
  readonly signature: string;
  /** Canonical content and its sealed form (salt + content), present for CLEAR/GREEN/AMBER. */
  readonly content?: string;
  readonly sealed?: Uint8Array;
  readonly facts?: StixFacts;
  /** For a cyber-observable: the key id and the keyed tags of its values (its id and value stay private). */
  readonly observable?: { readonly keyId: string; readonly tags: readonly string[] };
  /** For a shared indicator: the keyed tags of the values its simple pattern names (`seen`). */
  readonly patternTags?: readonly string[];
}

/** Sealed content is the salt (64), a line feed, then at most MAX_OBJECT_BYTES of canonical object. */
const MAX_SEALED_BYTES = MAX_OBJECT_BYTES + 65;

/** Bounds, then opens, sealed content: nothing parses it before its size and commitment are checked. */
function openBounded(bytes: Uint8Array, commitment: string): { salt: string; content: string } {
  if (bytes.length > MAX_SEALED_BYTES) throw new ChaincodeError('INTEL_INVALID_OBJECT', 'content larger than 1 MiB');
  const { salt, canonical } = openSealed(bytes);
  if (!opensTo(commitment, salt, canonical))
    throw new ChaincodeError('INTEL_COMMITMENT_MISMATCH', 'the content and its salt do not open the committed value');
  return { salt, content: new TextDecoder().decode(canonical) };
}

/** The index range, page size and bookmark of a listing query (ListIntel, ListIntelObjects). */
function listing(queryJson: string): { range: { start: string; end: string }; size: number; bookmark: string } {
  const { filter, value, from, to, pageSize: size, bookmark } = intelListArgument(parseJson(queryJson, 'INVALID_ARGUMENT', 'query'));
  const given = filter === 'all' ? '*' : value;
  if (given === undefined) throw new ChaincodeError('INVALID_ARGUMENT', `filter ${filter} needs a value`);
  const v = filter === 'tlp' ? given.toUpperCase() : given;
  if (filter === 'tlp' && !(TLP_LEVELS as readonly string[]).includes(v)) throw new ChaincodeError('TLP_UNKNOWN', `unknown TLP ${given}`);
  for (const [name, t] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (t !== undefined && Number.isNaN(Date.parse(t))) throw new ChaincodeError('INVALID_ARGUMENT', `${name} must be an ISO 8601 time`);
  }
  const base = prefixRange('intel-by', filter, v);
  const start = from !== undefined ? key('intel-by', filter, v, new Date(from).toISOString()) : base.start;
  const end = to !== undefined ? key('intel-by', filter, v, new Date(to).toISOString()) : base.end;
  return { range: { start, end }, size: pageSize(size === undefined ? undefined : String(size)), bookmark: bookmark ?? '' };
}

/** Verifies a statement's signature with the submitter's registered certificate; returns its canonical text. */
function verifiedStatementText(
  signer: { who: { institution: string; mspId: string }; key: SigningKey },
  statement: IntelStatement | ObservableStatement,
  signatureB64: string,
): string {
  if (statement.institution !== signer.who.institution || statement.mspId !== signer.who.mspId) {
    throw new ChaincodeError(
      'INTEL_STATEMENT_MISMATCH',
      `statement names ${statement.institution}/${statement.mspId}, the submitter is ${signer.who.institution}/${signer.who.mspId}`,
    );
  }
  const bytes = statementBytes(statement);
  if (!verifyWithCertificate(signer.key.certificate, bytes, b64(signatureB64, 'signature'))) {
    throw new ChaincodeError(
      'INTEL_SIGNATURE_INVALID',
      "the signature does not verify over the canonical statement with the submitter's registered certificate",
    );
  }
  return new TextDecoder().decode(bytes);
}

/**
 * A cyber-observable: the content must open the statement's commitment; the operators' key (the
 * oldest installed party key, so tags never change) gives the record's handle and the keyed tags of
 * its values. Neither the id nor a value is written anywhere public.
 */
function checkObservable(
  signer: { who: { institution: string; mspId: string }; key: SigningKey },
  statement: ObservableStatement,
  statementText: string,
  signatureB64: string,
  contentBytes: Uint8Array | undefined,
): Submission {
  if (contentBytes === undefined) throw new ChaincodeError('INTEL_CONTENT_MISSING', 'observable content must be sent as transient data');
  // bounded, then opened against the statement's commitment before anything parses it
  const { content } = openBounded(contentBytes, statement.contentCommitment);
  const facts = observableFacts(parseCanonical(content, 'content'));
  const mismatches = [
    ...(facts.type !== statement.stixType ? ['stixType'] : []),
    ...(facts.tlp !== statement.tlp ? [`tlp (content is ${facts.tlp})`] : []),
  ];
  if (mismatches.length > 0)
    throw new ChaincodeError('INTEL_STATEMENT_MISMATCH', `statement differs from the content in ${mismatches.join(', ')}`);
  const key = observableKey();
  const { idTag, tags } = observableTags(key.secret, facts);
  return {
    statement: {
      contentCommitment: statement.contentCommitment,
      stixId: observableHandle(key.secret, idTag, statement.institution),
      stixType: statement.stixType,
      modified: OBSERVABLE_VERSION,
      tlp: statement.tlp,
      institution: statement.institution,
      mspId: statement.mspId,
    },
    statementText,
    signature: signatureB64,
    content,
    sealed: contentBytes,
    observable: { keyId: key.id, tags },
  };
}

/**
 * An object may name as its creator (and an identity object may be) only its producer's own STIX
 * identity, or one no member holds (a public feed's author): never another member's, which STIX tools
 * would show as that member's authorship.
 */
async function requireOwnAuthorship(ctx: Context, producer: string, facts: StixFacts | undefined): Promise<void> {
  if (!facts) return;
  const named: [string, string][] = [];
  if (facts.createdByRef !== undefined) named.push([facts.createdByRef, 'names as its creator']);
  if (facts.type === 'identity') named.push([facts.id, 'is']);
  for (const [identity, how] of named) {
    const holder = await stixIdentityHolder(ctx, identity);
    if (holder !== undefined && holder !== producer)
      throw new ChaincodeError(
        'INTEL_CREATOR_NOT_PRODUCER',
        `the object ${how} ${identity}, the STIX identity of ${holder}, not of ${producer}`,
      );
  }
}

/** Parses and checks one submission without touching the ledger. */
function checkSubmission(
  signer: { who: { institution: string; mspId: string }; key: SigningKey },
  statementJson: string,
  signatureB64: string,
  contentBytes: Uint8Array | undefined,
): Submission {
  const value = parseJson(statementJson, 'INTEL_INVALID_JSON', 'statement');
  if (isObservableStatementValue(value)) {
    const statement = parseObservableStatement(value);
    return checkObservable(signer, statement, verifiedStatementText(signer, statement, signatureB64), signatureB64, contentBytes);
  }
  const statement = parseIntelStatement(value);
  const statementText = verifiedStatementText(signer, statement, signatureB64);
  if (isStrict(statement.tlp)) {
    if (contentBytes !== undefined) {
      throw new ChaincodeError(
        'INTEL_CONTENT_UNEXPECTED',
        `${statement.tlp} content must not travel with the public record; store it with StoreStrictContent`,
      );
    }
    return { statement, statementText, signature: signatureB64 };
  }
  if (contentBytes === undefined)
    throw new ChaincodeError('INTEL_CONTENT_MISSING', `${statement.tlp} content must be sent as transient data`);
  const { salt, content } = openBounded(contentBytes, statement.contentCommitment);
  const object = parseCanonical(content, 'content');
  const facts = stixFacts(object);
  checkStatementMatchesContent(statement, salt, content, facts);
  const patternTags = indicatorPatternTags(object);
  return {
    statement,
    statementText,
    signature: signatureB64,
    content,
    sealed: contentBytes,
    facts,
    ...(patternTags.length > 0 ? { patternTags } : {}),
  };
}

/** Values an indicator's pattern may name for "seen" at most (a longer OR list names none). */
const MAX_PATTERN_VALUES = 50;

/**
 * The keyed tags of the values a shared indicator's simple STIX pattern names (`[domain-name:value =
 * '...']`, OR of them), so "seen" finds values that were shared inside patterns, where most are. Values
 * that are not well formed for their type are left out; the indicator is recorded all the same.
 */
function indicatorPatternTags(object: unknown): string[] {
  const o = object as Record<string, unknown>;
  if (o.type !== 'indicator' || o.pattern_type !== 'stix' || typeof o.pattern !== 'string') return [];
  const values = patternValues(o.pattern);
  if (values.length === 0 || values.length > MAX_PATTERN_VALUES) return [];
  const key = observableKey();
  const tags = new Set<string>();
  for (const v of values) {
    try {
      tags.add(observableValueTag(key.secret, v.type, v.kind, canonicalObservableValue(v.type, v.kind, v.value)));
    } catch (err) {
      if (!(err instanceof ChaincodeError)) throw err;
    }
  }
  return [...tags];
}

/** The operators' key for observable tags: the oldest installed party key, so a tag never changes. */
function observableKey(): PartyKey {
  const keys = partyKeys();
  const first = keys[0];
  if (!first) throw new ChaincodeError('PARTY_KEY_UNAVAILABLE', 'no party key is installed');
  return first;
}

/** The purpose strict content is sealed at rest for, and what binds a sealing to its record. */
const STRICT_CONTENT = 'strict-content';
const strictContext = (record: Pick<IntelRecord, 'stixId' | 'modified' | 'contentCommitment'>): string =>
  `${record.stixId}/${record.modified}/${record.contentCommitment}`;

/** Stored content as sent (salt, line feed, object): strict content is opened from its seal first. */
function unsealedContent(bytes: Uint8Array, record: IntelRecord): Uint8Array {
  return isSealedAtRest(bytes) ? openAtRest(bytes, STRICT_CONTENT, strictContext(record), (id) => keyById(partyKeys(), id)) : bytes;
}

/** Index of observable records by keyed value tag (for `seen`). */
const observableTagKey = (tag: string, handle: string): string => key('obs-tag', tag, handle);

/** A recorded "seen" question: who asked, and the type and tag asked, sealed (see sealQuestion). */
interface SeenQuestionRecord {
  readonly institution: string;
  readonly mspId: string;
  readonly keyId: string;
  readonly sealed: string;
  readonly txTime: string;
}

const seenQuestionKey = (txId: string): string => key('seen-query', txId);

/**
 * A question's type and tag, sealed under the operators' key with a nonce bound to the question's
 * transaction (at-rest.ts): every endorser seals alike, and no one without the key can read the tag or
 * link two questions for the same value.
 */
function sealQuestion(key: PartyKey, txId: string, question: { type: string; tags: string[] }): string {
  return Buffer.from(sealAtRest(key, 'seen-question', txId, Buffer.from(canonicalize(question), 'utf8'))).toString('base64');
}

function openQuestion(txId: string, sealedText: string): { type: string; tags: string[] } {
  const bytes = openAtRest(Buffer.from(sealedText, 'base64'), 'seen-question', txId, (id) => keyById(partyKeys(), id));
  // questions asked before several spellings were asked for carry one tag
  const q = JSON.parse(Buffer.from(bytes).toString('utf8')) as { type: string; tag?: string; tags?: string[] };
  return { type: q.type, tags: q.tags ?? (q.tag !== undefined ? [q.tag] : []) };
}

/** The ledger read/write steps of SubmitIntel and SubmitIntelBatch, with an overlay for batches. */
class IntelWriter {
  readonly #ctx: Context;
  readonly #heads = new Map<string, IntelHead | undefined>();
  readonly #versions = new Map<string, IntelRecord | undefined>();
  readonly #listings = new GroupedIndexWriter();

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  async #head(stixId: string): Promise<IntelHead | undefined> {
    if (!this.#heads.has(stixId)) this.#heads.set(stixId, await getRecord<IntelHead>(this.#ctx, headKey(stixId)));
    return this.#heads.get(stixId);
  }

  async #version(stixId: string, modified: string): Promise<IntelRecord | undefined> {
    const k = versionKey(stixId, modified);
    if (!this.#versions.has(k)) this.#versions.set(k, await getRecord<IntelRecord>(this.#ctx, k));
    return this.#versions.get(k);
  }

  /**
   * Reads the heads `subs` need in one round trip (see getRecords), then the versions of the objects
   * that have a head in a second. An object without a head has no version either (every version
   * writes its head), so new objects cost one read, not two, here and in commit-time validation.
   */
  async prefetch(subs: readonly Submission[]): Promise<void> {
    const heads = [...new Set(subs.map((sub) => sub.statement.stixId).filter((id) => !this.#heads.has(id)))];
    const headValues = await getRecords<IntelHead>(this.#ctx, heads.map(headKey));
    heads.forEach((id, i) => this.#heads.set(id, headValues[i]));
    const versions = new Set<string>();
    for (const sub of subs) {
      const s = sub.statement;
      const k = versionKey(s.stixId, s.modified);
      if (this.#versions.has(k)) continue;
      if (this.#heads.get(s.stixId) === undefined) this.#versions.set(k, undefined);
      else versions.add(k);
    }
    const list = [...versions];
    const values = await getRecords<IntelRecord>(this.#ctx, list);
    list.forEach((k, i) => this.#versions.set(k, values[i]));
  }

  /** Writes the listing entries of every version written; call once, after the last `write`. */
  async finish(): Promise<void> {
    await this.#listings.write(this.#ctx);
  }

  /**
   * Whether a resubmission with a new salt carries the same content as the recorded version: the stored
   * content's own salt must open the record's commitment over the submitted content. Only for shared
   * levels (both operators' peers hold that content); strict content is compared by the SDK.
   */
  async #sameContent(existing: IntelRecord, sub: Submission): Promise<boolean> {
    if (sub.content === undefined || isStrict(existing.tlp)) return false;
    const stored = await this.#ctx.stub.getPrivateData(SHARED_COLLECTION, contentKey(existing.stixId, existing.modified));
    if (stored.length === 0) return false;
    const { salt } = openSealed(stored);
    return opensTo(existing.contentCommitment, salt, sub.content);
  }

  /**
   * A producer's own versions name as creator only its own identities (or one no member holds). A
   * co-signature adds no attribution (the version's creator stays as its producer recorded it), so it
   * is not checked. Runs for every item before anything is written.
   */
  async requireAuthorship(sub: Submission): Promise<void> {
    const head = await this.#head(sub.statement.stixId);
    if (head && head.producer !== sub.statement.institution) return;
    await requireOwnAuthorship(this.#ctx, sub.statement.institution, sub.facts);
  }

  /**
   * Another member submits a version its producer recorded (a public feed re-shared): with the same
   * content, its signed statement is kept as a co-signature of that version; with other content it is
   * refused. Only content the endorsers see (CLEAR, GREEN, AMBER, which the member may read anyway) is
   * compared: a strict version, or a version that does not exist, stays its producer's alone and is
   * refused the same way whatever the content, so nobody learns whether a guess matches.
   */
  async #cosign(
    head: IntelHead,
    sub: Submission,
    signer: SigningKey,
  ): Promise<{ record: IntelRecord; created: boolean; cosignature: IntelCosignature }> {
    const ctx = this.#ctx;
    const s = sub.statement;
    const notProducer = (): ChaincodeError =>
      new ChaincodeError(
        'INTEL_NOT_PRODUCER',
        `${s.stixId} was first produced by ${head.producer}: its versions are its producer's; another member co-signs a recorded CLEAR, GREEN or AMBER version by submitting the same content`,
      );
    if (sub.content === undefined || isStrict(s.tlp)) throw notProducer();
    const existing = await this.#version(s.stixId, s.modified);
    if (!existing || isStrict(existing.tlp)) throw notProducer();
    if (existing.revoked) throw new ChaincodeError('INTEL_REVOKED', `${s.stixId} is revoked`);
    if (existing.tlp !== s.tlp || !(await this.#sameContent(existing, sub)))
      throw new ChaincodeError(
        'INTEL_CONTENT_DIFFERS',
        `${s.stixId} version ${s.modified} was recorded by ${existing.producer} with other content`,
      );
    const k = cosignatureKey(s.stixId, s.modified, s.institution);
    const prior = await getRecord<IntelCosignature>(ctx, k);
    if (prior) return { record: existing, created: false, cosignature: prior };
    const cosignature: IntelCosignature = {
      format: 1,
      stixId: s.stixId,
      modified: s.modified,
      institution: s.institution,
      mspId: s.mspId,
      signerFingerprint: signer.fingerprint,
      contentCommitment: s.contentCommitment,
      statement: sub.statementText,
      signature: sub.signature,
      txId: ctx.stub.getTxID(),
      txTime: txTime(ctx),
    };
    await putRecord(ctx, k, cosignature);
    return { record: existing, created: true, cosignature };
  }

  /** Writes one version; returns the existing record instead when this exact version is already there. */
  async write(sub: Submission, signer: SigningKey): Promise<{ record: IntelRecord; created: boolean; cosignature?: IntelCosignature }> {
    const ctx = this.#ctx;
    const s = sub.statement;
    // another member: a co-signature of the same content, never a new version
    const head = await this.#head(s.stixId);
    if (head && head.producer !== s.institution) return this.#cosign(head, sub, signer);
    const existing = await this.#version(s.stixId, s.modified);
    if (existing) {
      if (existing.contentCommitment !== s.contentCommitment && !(await this.#sameContent(existing, sub))) {
        throw new ChaincodeError(
          'INTEL_VERSION_CONFLICT',
          `${s.stixId} version ${s.modified} exists with content commitment ${existing.contentCommitment}`,
        );
      }
      return { record: existing, created: false };
    }
    if (head) {
      if (head.revoked) throw new ChaincodeError('INTEL_REVOKED', `${s.stixId} is revoked`);
      if (timestampKey(s.modified) <= timestampKey(head.latestModified)) {
        throw new ChaincodeError(
          'INTEL_VERSION_CONFLICT',
          `modified ${s.modified} is not later than the latest version ${head.latestModified}`,
        );
      }
    }
    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const f = sub.facts;
    const revokedInContent = f?.revoked === true;
    const record: IntelRecord = {
      format: 2,
      stixId: s.stixId,
      stixType: s.stixType,
      modified: s.modified,
      contentCommitment: s.contentCommitment,
      tlp: s.tlp,
      producer: s.institution,
      mspId: s.mspId,
      signerFingerprint: signer.fingerprint,
      statement: sub.statementText,
      signature: sub.signature,
      specVersion: f ? f.specVersion : null,
      created: f ? f.created : null,
      confidence: f?.confidence ?? null,
      labels: f?.labels ?? null,
      validUntil: f?.validUntil ?? null,
      previousModified: head ? head.latestModified : null,
      // a version whose content says `revoked: true` revokes the object, as RevokeIntel does (STIX 2.1
      // 3.2: a revoked object is no longer considered valid by its creator)
      ...(revokedInContent
        ? { revoked: true, revokedAt: now, revokeReason: `revoked: true in version ${s.modified}`, revokeTxId: txId }
        : { revoked: false, revokedAt: null, revokeReason: null, revokeTxId: null }),
      txId,
      txTime: now,
      ...(sub.observable ? { observable: sub.observable } : {}),
    };
    const k = versionKey(s.stixId, s.modified);
    await putRecord(ctx, k, record);
    for (const tag of [...(sub.observable?.tags ?? []), ...(sub.patternTags ?? [])])
      await putIndex(ctx, observableTagKey(tag, s.stixId), k);
    const newHead: IntelHead = {
      stixId: s.stixId,
      stixType: s.stixType,
      producer: s.institution,
      mspId: s.mspId,
      latestModified: s.modified,
      versions: (head?.versions ?? 0) + 1,
      revoked: revokedInContent,
    };
    await putRecord(ctx, headKey(s.stixId), newHead);
    await putIndex(ctx, commitmentKey(s.contentCommitment), k);
    const timeKey = `${now}${txId}`;
    const entries: [ListFilter, string][] = [
      ['all', '*'],
      ['type', s.stixType],
      ['tlp', s.tlp],
      ['producer', s.institution],
      ['org', s.mspId],
    ];
    for (const [filter, value] of entries) this.#listings.add(indexKey(filter, value, timeKey), k);
    // sealed (salt inside): the SHA-256 Fabric writes of a private value must not be a guessable hash
    if (sub.sealed !== undefined) await ctx.stub.putPrivateData(SHARED_COLLECTION, contentKey(s.stixId, s.modified), sub.sealed);
    this.#versions.set(k, record);
    this.#heads.set(s.stixId, newHead);
    return { record, created: true };
  }
}

function transientContent(ctx: Context, name: string): Uint8Array | undefined {
  const value = ctx.stub.getTransient().get(name);
  return value === undefined || value.length === 0 ? undefined : value;
}

/** The version with this content commitment, through the commitment index. */
async function recordByCommitment(ctx: Context, commitment: string): Promise<IntelRecord | undefined> {
  if (!isSha256Hex(commitment)) throw new ChaincodeError('INVALID_ARGUMENT', 'a content commitment is 64 lowercase hex digits');
  const target = await ctx.stub.getState(commitmentKey(commitment));
  return target.length === 0 ? undefined : getRecord<IntelRecord>(ctx, decodeText(target));
}

function requireReader(ctx: Context): void {
  requireRole(ctx, ['submitter', 'auditor', 'admin'], false);
}

function emit(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, Buffer.from(canonicalize(payload)));
}

/**
 * Hashed, signed STIX 2.1 records. The ledger keeps the commitment, the producer's signed statement and
 * the sharing metadata; the canonical object itself goes to private data (the HK-TH collection for
 * CLEAR/GREEN/AMBER, the producer's own org collection for AMBER+STRICT/RED).
 */
@Info({ title: 'IntelContract', description: 'Threat-intelligence commitments, sightings and revocations' })
export class IntelContract extends XborderContract {
  constructor() {
    super('intel');
  }

  /**
   * Records one STIX object version. For CLEAR/GREEN/AMBER the canonical object travels as transient
   * data `content`; for AMBER+STRICT/RED it must not (see StoreStrictContent). Resubmitting the same
   * version returns the existing record and writes nothing.
   */
  @Transaction()
  @Param('statementJson', 'string', 'the canonical intel statement')
  @Param('signature', 'string', 'base64 DER ECDSA P-256/SHA-256 signature over the canonical statement')
  @Returns('string')
  async SubmitIntel(ctx: Context, statementJson: string, signature: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const sub = checkSubmission(signer, statementJson, signature, transientContent(ctx, 'content'));
    const writer = new IntelWriter(ctx);
    await writer.prefetch([sub]);
    await writer.requireAuthorship(sub);
    const { record, created, cosignature } = await writer.write(sub, signer.key);
    await writer.finish();
    if (created && !cosignature) {
      emit(ctx, 'IntelSubmitted', [
        { stixId: record.stixId, modified: record.modified, contentCommitment: record.contentCommitment, tlp: record.tlp },
      ]);
    }
    return JSON.stringify({ created, record, ...(cosignature ? { cosignature } : {}) });
  }

  /**
   * Records up to 100 object versions in one transaction, all or nothing. `itemsJson` is a list of
   * `{statement, signature}`; the content of item i (shared levels) is transient data `content<i>`.
   */
  @Transaction()
  @Returns('string')
  async SubmitIntelBatch(ctx: Context, itemsJson: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const parsed = parseJson(itemsJson, 'INTEL_INVALID_JSON', 'items');
    if (Array.isArray(parsed) && parsed.length > MAX_BATCH)
      throw new ChaincodeError('BATCH_TOO_LARGE', `${String(parsed.length)} items; at most ${String(MAX_BATCH)} per transaction`);
    const items = batchItemsArgument(parsed);
    const subs = items.map(({ statement, signature }, i) => {
      try {
        return checkSubmission(signer, statement, signature, transientContent(ctx, `content${String(i)}`));
      } catch (err) {
        if (err instanceof ChaincodeError) throw new ChaincodeError(err.code, `item ${String(i)}: ${err.reason}`);
        throw err;
      }
    });
    const writer = new IntelWriter(ctx);
    await writer.prefetch(subs);
    for (const [i, sub] of subs.entries()) {
      try {
        await writer.requireAuthorship(sub);
      } catch (err) {
        if (err instanceof ChaincodeError) throw new ChaincodeError(err.code, `item ${String(i)}: ${err.reason}`);
        throw err;
      }
    }
    const results: { created: boolean; record: IntelRecord; cosignature?: IntelCosignature }[] = [];
    for (const [i, sub] of subs.entries()) {
      try {
        results.push(await writer.write(sub, signer.key));
      } catch (err) {
        if (err instanceof ChaincodeError) throw new ChaincodeError(err.code, `item ${String(i)}: ${err.reason}`);
        throw err;
      }
    }
    await writer.finish();
    const createdOnes = results
      .filter((r) => r.created && !r.cosignature)
      .map((r) => ({
        stixId: r.record.stixId,
        modified: r.record.modified,
        contentCommitment: r.record.contentCommitment,
        tlp: r.record.tlp,
      }));
    if (createdOnes.length > 0) emit(ctx, 'IntelSubmitted', createdOnes);
    return JSON.stringify(results);
  }

  /**
   * Stores the content of an AMBER+STRICT or RED version in the producer's own org collection. Writes
   * nothing public, so the producer's org endorses it alone and the content never reaches the other
   * operator's peer. The sealed content (salt + canonical object) must open the record's commitment.
   */
  @Transaction()
  @Returns('string')
  async StoreStrictContent(ctx: Context, stixId: string, modified: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    if (!isStixId(stixId) || !isStixTimestamp(modified))
      throw new ChaincodeError('INVALID_ARGUMENT', 'stixId and modified must be a STIX id and timestamp');
    const record = await getRecord<IntelRecord>(ctx, versionKey(stixId, modified));
    if (!record) throw new ChaincodeError('INTEL_NOT_FOUND', `no version ${modified} of ${stixId}`);
    if (!isStrict(record.tlp)) throw new ChaincodeError('INTEL_CONTENT_UNEXPECTED', `${record.tlp} content is stored with SubmitIntel`);
    if (record.producer !== signer.who.institution)
      throw new ChaincodeError('INTEL_NOT_PRODUCER', `${stixId} was produced by ${record.producer}`);
    // strict content belongs on the producer's own org's peers only; a server of another org refuses
    // it unread (and says so in its log: it should never be asked)
    const here = serverMspId(ctx);
    if (here !== record.mspId) {
      console.warn(`strict content of ${record.mspId} offered to this ${here} chaincode server: refused unread (${stixId})`);
      throw new ChaincodeError(
        'INTEL_CONTENT_UNEXPECTED',
        `strict content of ${record.mspId} is stored by its own peers only, not ${here}`,
      );
    }
    const bytes = transientContent(ctx, 'content');
    if (!bytes) throw new ChaincodeError('INTEL_CONTENT_MISSING', 'content must be sent as transient data');
    // bounded and checked against the commitment before anything parses it
    const { salt, content } = openBounded(bytes, record.contentCommitment);
    const facts = stixFacts(parseCanonical(content, 'content'));
    checkStatementMatchesContent(parseIntelStatement(JSON.parse(record.statement)), salt, content, facts);
    await requireOwnAuthorship(ctx, record.producer, facts);
    const collection = implicitCollection(record.mspId);
    const k = contentKey(stixId, modified);
    // sealed at rest (at-rest.ts): a copy of the producer's peer, or a door that hands out its
    // implicit collection, gives ciphertext; only GetIntelContent for the producer opens it
    const stored = sealAtRest(observableKey(), STRICT_CONTENT, strictContext(record), bytes);
    const existingHash = await ctx.stub.getPrivateDataHash(collection, k);
    if (existingHash.length > 0 && Buffer.from(existingHash).toString('hex') === sha256Hex(stored)) {
      return JSON.stringify({ stored: false, stixId, modified, contentCommitment: record.contentCommitment });
    }
    await ctx.stub.putPrivateData(collection, k, stored);
    return JSON.stringify({ stored: true, stixId, modified, contentCommitment: record.contentCommitment });
  }

  /** Records that the caller's institution saw an intel object. Each sighting has keys of its own. */
  @Transaction()
  @Param('sightingJson', 'string', '{"stixId","count","firstSeen","lastSeen","falsePositive"?,"noteHash"?}')
  @Returns('string')
  async RecordSighting(ctx: Context, sightingJson: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    // the shape at the boundary (sightingArgument), then what needs more than one field
    const s = sightingArgument(parseJson(sightingJson, 'INTEL_INVALID_JSON', 'sighting'));
    if (!isStixId(s.stixId)) throw new ChaincodeError('SIGHTING_INVALID', 'stixId must be a STIX id');
    if (!isStixTimestamp(s.firstSeen) || !isStixTimestamp(s.lastSeen))
      throw new ChaincodeError('SIGHTING_INVALID', 'firstSeen and lastSeen must be STIX timestamps');
    if (timestampKey(s.lastSeen) < timestampKey(s.firstSeen)) throw new ChaincodeError('SIGHTING_INVALID', 'lastSeen is before firstSeen');
    const fp = s.falsePositive ?? false;
    const noteHash = s.noteHash ?? null;
    const head = await getRecord<IntelHead>(ctx, headKey(s.stixId));
    if (!head) throw new ChaincodeError('INTEL_NOT_FOUND', `no intel ${s.stixId}`);
    if (head.revoked) throw new ChaincodeError('INTEL_REVOKED', `${s.stixId} is revoked`);
    // a retry after an unknown commit status (a new transaction) finds the first one and writes nothing
    const reportKey = sightingReportKey(
      s.stixId,
      signer.who.institution,
      sha256Hex(canonicalize({ count: s.count, firstSeen: s.firstSeen, lastSeen: s.lastSeen, falsePositive: fp, noteHash })),
    );
    const earlier = await ctx.stub.getState(reportKey);
    if (earlier.length > 0) {
      const first = await getRecord<Sighting>(ctx, decodeText(earlier));
      if (first) return JSON.stringify(first);
    }
    const now = txTime(ctx);
    const txId = ctx.stub.getTxID();
    const sighting: Sighting = {
      stixId: s.stixId,
      institution: signer.who.institution,
      mspId: signer.who.mspId,
      count: s.count,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      falsePositive: fp,
      noteHash,
      txId,
      txTime: now,
    };
    await putRecord(ctx, sightingKey(s.stixId, now, txId), sighting);
    await putIndex(ctx, reportKey, sightingKey(s.stixId, now, txId));
    emit(ctx, 'SightingRecorded', { stixId: s.stixId, institution: sighting.institution, txId });
    return JSON.stringify(sighting);
  }

  /** Revokes an intel object (its producer only, with a reason). Terminal: no new versions or sightings. */
  @Transaction()
  @Returns('string')
  async RevokeIntel(ctx: Context, stixId: string, reason: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    if (!isStixId(stixId)) throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be a STIX id');
    if (reason.trim().length === 0 || reason.length > 500 || hasControlChars(reason)) {
      throw new ChaincodeError('INVALID_ARGUMENT', 'reason must be 1-500 printable characters');
    }
    const head = await getRecord<IntelHead>(ctx, headKey(stixId));
    if (!head) throw new ChaincodeError('INTEL_NOT_FOUND', `no intel ${stixId}`);
    if (head.producer !== signer.who.institution)
      throw new ChaincodeError('INTEL_NOT_PRODUCER', `${stixId} was produced by ${head.producer}`);
    if (head.revoked) throw new ChaincodeError('INTEL_REVOKED', `${stixId} is already revoked`);
    const latest = await getRecord<IntelRecord>(ctx, versionKey(stixId, head.latestModified));
    if (!latest) throw new ChaincodeError('INTEL_NOT_FOUND', `latest version of ${stixId} is missing`);
    const now = txTime(ctx);
    const revoked: IntelRecord = { ...latest, revoked: true, revokedAt: now, revokeReason: reason, revokeTxId: ctx.stub.getTxID() };
    await putRecord(ctx, versionKey(stixId, head.latestModified), revoked);
    await putRecord(ctx, headKey(stixId), { ...head, revoked: true });
    emit(ctx, 'IntelRevoked', { stixId, modified: latest.modified, contentCommitment: latest.contentCommitment });
    return JSON.stringify(revoked);
  }

  /** The latest version of an intel object. */
  @Transaction(false)
  @Returns('string')
  async GetIntel(ctx: Context, stixId: string): Promise<string> {
    requireReader(ctx);
    if (!isStixId(stixId)) throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be a STIX id');
    const head = await getRecord<IntelHead>(ctx, headKey(stixId));
    if (!head) throw new ChaincodeError('INTEL_NOT_FOUND', `no intel ${stixId}`);
    const record = await getRecord<IntelRecord>(ctx, versionKey(stixId, head.latestModified));
    if (!record) throw new ChaincodeError('INTEL_NOT_FOUND', `latest version of ${stixId} is missing`);
    return JSON.stringify(record);
  }

  @Transaction(false)
  @Returns('string')
  async GetIntelVersion(ctx: Context, stixId: string, modified: string): Promise<string> {
    requireReader(ctx);
    if (!isStixId(stixId) || !isStixTimestamp(modified))
      throw new ChaincodeError('INVALID_ARGUMENT', 'stixId and modified must be a STIX id and timestamp');
    const record = await getRecord<IntelRecord>(ctx, versionKey(stixId, modified));
    if (!record) throw new ChaincodeError('INTEL_NOT_FOUND', `no version ${modified} of ${stixId}`);
    return JSON.stringify(record);
  }

  /** Every version of an object, oldest first, each with its transaction id and time. */
  @Transaction(false)
  @Returns('string')
  async GetIntelHistory(ctx: Context, stixId: string): Promise<string> {
    requireReader(ctx);
    if (!isStixId(stixId)) throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be a STIX id');
    const entries = await rangeBounded(ctx, prefixRange('intel', stixId), `versions of ${stixId}`);
    if (entries.length === 0) throw new ChaincodeError('INTEL_NOT_FOUND', `no intel ${stixId}`);
    return JSON.stringify(entries.map((e) => JSON.parse(decodeText(e.value)) as IntelRecord));
  }

  /** The version with this content commitment (proof that the ledger holds it). */
  @Transaction(false)
  @Returns('string')
  async GetIntelByCommitment(ctx: Context, commitment: string): Promise<string> {
    requireReader(ctx);
    const record = await recordByCommitment(ctx, commitment);
    if (!record) throw new ChaincodeError('INTEL_NOT_FOUND', `no intel with content commitment ${commitment}`);
    return JSON.stringify(record);
  }

  /**
   * A page of records by submission time, filtered by one of type, tlp, producer, org (or all),
   * within an optional time window [from, to).
   */
  @Transaction(false)
  @Param('queryJson', 'string', '{"filter":"type|tlp|producer|org|all","value"?,"from"?,"to"?,"pageSize"?,"bookmark"?}')
  @Returns('string')
  async ListIntel(ctx: Context, queryJson: string): Promise<string> {
    requireReader(ctx);
    const { range, size, bookmark } = listing(queryJson);
    return JSON.stringify(await groupedPage<IntelRecord>(ctx, range, size, bookmark));
  }

  /**
   * A page of {@link ListIntel} with, per record, whether it is its object's latest version and the
   * content with its salt where the caller may read it (null with the reason otherwise: strict content
   * of another producer, or content not on this peer). Members only; one call serves a TAXII page.
   */
  @Transaction(false)
  @Param('queryJson', 'string', 'as ListIntel')
  @Returns('string')
  async ListIntelObjects(ctx: Context, queryJson: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const { range, size, bookmark } = listing(queryJson);
    const page = await groupedPage<IntelRecord>(ctx, range, size, bookmark);
    const ids = [...new Set(page.items.map((r) => r.stixId))];
    const heads = new Map(ids.map((id, i) => [id, i]));
    const headValues = await getRecords<IntelHead>(ctx, ids.map(headKey));
    const here = serverMspId(ctx);
    const readable = (r: IntelRecord): string | null =>
      !isStrict(r.tlp) ? SHARED_COLLECTION : r.producer === signer.who.institution && r.mspId === here ? implicitCollection(r.mspId) : null;
    const byCollection = new Map<string, number[]>();
    page.items.forEach((r, i) => {
      const c = readable(r);
      if (c === null) return;
      const list = byCollection.get(c);
      if (list) list.push(i);
      else byCollection.set(c, [i]);
    });
    const sealed: (Uint8Array | undefined)[] = [];
    for (const [collection, indexes] of byCollection) {
      const values = await batchingFor(ctx.stub).getMultiplePrivateData(
        collection,
        indexes.map((i) => contentKey(page.items[i]?.stixId ?? '', page.items[i]?.modified ?? '')),
      );
      indexes.forEach((i, n) => (sealed[i] = values[n]));
    }
    const items: IntelObject[] = page.items.map((record, i) => {
      const head = headValues[heads.get(record.stixId) ?? -1];
      const latest = head?.latestModified === record.modified;
      const bytes = sealed[i];
      if (readable(record) === null) return { record, latest, content: null, salt: null, unreadable: 'ACCESS_DENIED' };
      if (!bytes || bytes.length === 0) return { record, latest, content: null, salt: null, unreadable: 'INTEL_NOT_FOUND' };
      try {
        const { salt, content } = openBounded(unsealedContent(bytes, record), record.contentCommitment);
        return { record, latest, content, salt, unreadable: null };
      } catch (err) {
        // a record written before salted commitments (format 1) holds content this format cannot open
        if (!(err instanceof ChaincodeError)) throw err;
        return { record, latest, content: null, salt: null, unreadable: 'INTEL_CONTENT_MALFORMED' };
      }
    });
    return JSON.stringify({ items, bookmark: page.bookmark });
  }

  /** Sightings of an object, oldest first, one page at a time. */
  @Transaction(false)
  @Returns('string')
  async GetSightings(ctx: Context, stixId: string, size: string, bookmark: string): Promise<string> {
    requireReader(ctx);
    if (!isStixId(stixId)) throw new ChaincodeError('INVALID_ARGUMENT', 'stixId must be a STIX id');
    const page = await rangePage(ctx, prefixRange('sighting', stixId), pageSize(size), bookmark, (_k, value) =>
      Promise.resolve(JSON.parse(decodeText(value)) as Sighting),
    );
    return JSON.stringify(page);
  }

  /**
   * The canonical content of a version and the salt of its commitment, as `{"content","contentCommitment","salt"}`, to HK
   * and TH institutions; AMBER+STRICT and RED only to the producer (and only its own org's peers hold
   * it). Auditors never read content; a member can hand them an opening (content + salt) to check.
   */
  @Transaction(false)
  @Returns('string')
  async GetIntelContent(ctx: Context, stixId: string, modified: string): Promise<string> {
    // a reader's key must be registered and not revoked, its institution active (as for writers)
    const signer = await requireRegisteredSigner(ctx);
    return canonicalize(await readContent(ctx, signer.who.institution, stixId, modified));
  }

  /**
   * The content of up to MAX_BATCH versions in one read (what GetIntelContent gives for each, with the
   * same rules), as `[{"stixId","modified","content","contentCommitment","salt"} | {"stixId","modified","error"}]`
   * in the order asked: a ledger index reads a block's versions at once.
   */
  @Transaction(false)
  @Param('itemsJson', 'string', '[{"stixId","modified"}]')
  @Returns('string')
  async GetIntelContents(ctx: Context, itemsJson: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const items = parseJson(itemsJson, 'INVALID_ARGUMENT', 'items');
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH)
      throw new ChaincodeError('INVALID_ARGUMENT', `items must be a list of 1-${String(MAX_BATCH)} {"stixId","modified"}`);
    const out: unknown[] = [];
    for (const item of items) {
      const { stixId, modified } = (typeof item === 'object' && item !== null ? item : {}) as { stixId?: unknown; modified?: unknown };
      if (typeof stixId !== 'string' || typeof modified !== 'string')
        throw new ChaincodeError('INVALID_ARGUMENT', 'each item is {"stixId","modified"} (strings)');
      try {
        out.push({ stixId, modified, ...(await readContent(ctx, signer.who.institution, stixId, modified)) });
      } catch (err) {
        if (!(err instanceof ChaincodeError)) throw err;
        out.push({ stixId, modified, error: `${err.code}: ${err.reason}` });
      }
    }
    return canonicalize(out);
  }

  /** The co-signatures of a version: other members who shared the same content, oldest first. */
  @Transaction(false)
  @Returns('string')
  async GetIntelCosignatures(ctx: Context, stixId: string, modified: string): Promise<string> {
    requireReader(ctx);
    if (!isStixId(stixId) || !isStixTimestamp(modified))
      throw new ChaincodeError('INVALID_ARGUMENT', 'stixId and modified must be a STIX id and timestamp');
    const entries = await rangeBounded(ctx, prefixRange('intel-cosign', stixId, timestampKey(modified)), 'co-signatures of one version');
    const found = entries.map((e) => JSON.parse(decodeText(e.value)) as IntelCosignature);
    return JSON.stringify(found.sort((a, b) => (a.txTime < b.txTime ? -1 : a.txTime > b.txTime ? 1 : 0)));
  }

  /**
   * Asks "have we seen this?" (step 1 of 2): the value goes as transient data `query` (`{"type","value"}`)
   * and is never written. The question is recorded and counted (SEEN_DAILY_LIMIT a day per
   * institution) with its keyed tag sealed under the operators' key, and nothing is read: so a proposal
   * that is endorsed but never submitted carries neither the answer nor the tag (the read set of an
   * index lookup would show the answer, a tag in clear could be matched against public index keys).
   * The answer is read with GetSeenAnswer once the question is committed.
   */
  @Transaction()
  @Returns('string')
  async AskSeen(ctx: Context): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    const bytes = transientContent(ctx, 'query');
    if (!bytes || bytes.length > 4096)
      throw new ChaincodeError('INVALID_ARGUMENT', 'the question goes as transient data "query" (at most 4 KiB)');
    const q = seenQueryArgument(parseJson(decodeText(bytes), 'INVALID_ARGUMENT', 'query'));
    const { kind, values } = seenQueryValues(q.type, q.value);
    const now = txTime(ctx);
    const quotaKey = key('seen-quota', signer.who.institution, now.slice(0, 10));
    const asked = (await getRecord<{ count: number }>(ctx, quotaKey))?.count ?? 0;
    if (asked >= SEEN_DAILY_LIMIT)
      throw new ChaincodeError(
        'SEEN_LIMIT_EXCEEDED',
        `${signer.who.institution} asked ${String(asked)} questions today; the limit is ${String(SEEN_DAILY_LIMIT)}`,
      );
    const obsKey = observableKey();
    const txId = ctx.stub.getTxID();
    // every spelling the value may have been recorded under (canonical first)
    const tags = values.map((value) => observableValueTag(obsKey.secret, q.type, kind, value));
    await putRecord(ctx, quotaKey, { count: asked + 1 });
    const question: SeenQuestionRecord = {
      institution: signer.who.institution,
      mspId: signer.who.mspId,
      keyId: obsKey.id,
      sealed: sealQuestion(obsKey, txId, { type: q.type, tags }),
      txTime: now,
    };
    await putRecord(ctx, seenQuestionKey(txId), question);
    return JSON.stringify({ questionId: txId, askedToday: asked + 1, dailyLimit: SEEN_DAILY_LIMIT });
  }

  /**
   * The answer to a committed question of the caller's institution (step 2 of 2): how many producers
   * recorded the value, when first and last, which, and how many revoked it.
   */
  @Transaction(false)
  @Returns('string')
  async GetSeenAnswer(ctx: Context, questionId: string): Promise<string> {
    const signer = await requireRegisteredSigner(ctx);
    if (!/^[0-9a-f]{64}$/.test(questionId))
      throw new ChaincodeError('INVALID_ARGUMENT', 'a question id is the 64-hex-digit id of its AskSeen transaction');
    const question = await getRecord<SeenQuestionRecord>(ctx, seenQuestionKey(questionId));
    if (!question)
      throw new ChaincodeError('SEEN_QUESTION_NOT_FOUND', `no committed question ${questionId}: ask with AskSeen and wait for its commit`);
    if (question.institution !== signer.who.institution)
      throw new ChaincodeError('ACCESS_DENIED', 'a question is answered to the institution that asked it');
    const { type, tags } = openQuestion(questionId, question.sealed);
    const keys = new Set<string>();
    for (const tag of tags)
      for (const e of await rangeBounded(ctx, prefixRange('obs-tag', tag), 'records of one observable')) keys.add(decodeText(e.value));
    const records = (await getRecords<IntelRecord>(ctx, [...keys])).filter((r): r is IntelRecord => r !== undefined);
    const times = records.map((r) => r.txTime).sort();
    const answer: SeenAnswer = {
      type,
      count: records.length,
      firstSeen: times[0] ?? null,
      lastSeen: times[times.length - 1] ?? null,
      producers: [...new Set(records.map((r) => r.producer))].sort(),
      revoked: records.filter((r) => r.revoked).length,
    };
    return JSON.stringify(answer);
  }

  /** Whether a content commitment is on the ledger, with its record (auditors verify openings with this). */
  @Transaction(false)
  @Returns('string')
  async VerifyIntel(ctx: Context, commitment: string): Promise<string> {
    requireReader(ctx);
    const record = await recordByCommitment(ctx, commitment);
    return JSON.stringify({ found: record !== undefined, contentCommitment: commitment, record: record ?? null });
  }
}

/**
 * The canonical content of a version, its commitment and salt, for `institution`: AMBER+STRICT and RED
 * only to their producer (TLP's "organisation" is the producing institution, not every member of its
 * operator's MSP).
 */
async function readContent(
  ctx: Context,
  institution: string | undefined,
  stixId: string,
  modified: string,
): Promise<{ content: string; contentCommitment: string; salt: string }> {
  if (!isStixId(stixId) || !isStixTimestamp(modified))
    throw new ChaincodeError('INVALID_ARGUMENT', 'stixId and modified must be a STIX id and timestamp');
  const record = await getRecord<IntelRecord>(ctx, versionKey(stixId, modified));
  if (!record) throw new ChaincodeError('INTEL_NOT_FOUND', `no version ${modified} of ${stixId}`);
  if (isStrict(record.tlp) && institution !== record.producer) {
    throw new ChaincodeError('ACCESS_DENIED', `${record.tlp} content is readable by its producer ${record.producer} only`);
  }
  const collection = isStrict(record.tlp) ? implicitCollection(record.mspId) : SHARED_COLLECTION;
  const bytes = await ctx.stub.getPrivateData(collection, contentKey(stixId, modified));
  if (bytes.length === 0)
    throw new ChaincodeError(
      'INTEL_NOT_FOUND',
      `content of ${stixId} ${modified} is not on this peer${isStrict(record.tlp) ? ' (strict content is stored by StoreStrictContent)' : ''}`,
    );
  const { salt, content } = openBounded(unsealedContent(bytes, record), record.contentCommitment);
  return { content, contentCommitment: record.contentCommitment, salt };
}

/** The MSP of the peer this chaincode server serves (set by the network scripts), or "unknown". */
function serverMspId(ctx: Context): string {
  try {
    return ctx.stub.getMspID();
  } catch {
    return 'unknown';
  }
}

/** Compiles only while IntelContract implements exactly the `intel` transactions of protocol/src/transactions.ts. */
export type IntelContractMatchesProtocol = Assert<Implements<IntelContract, typeof TRANSACTIONS.intel>>;
