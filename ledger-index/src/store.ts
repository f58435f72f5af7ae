/**
 * The index as an SQLite file: intel versions in the order the chain committed them, each with the
 * block and transaction that wrote it (so any answer can be proven with `xborder audit proof`) and a
 * `date_added` that is strictly increasing in that order. Blocks are applied whole, each in one SQLite
 * transaction together with the next block to read, so a crash at any point resumes at the first
 * block not applied: no gap, no duplicate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import Database from 'better-sqlite3';

import type { IntelRecord } from '@xborder/protocol';
import { formatMicros, toMicros } from '@xborder/protocol';

import { MIGRATIONS, SCHEMA_VERSION } from './schema';

/**
 * One intel version as a block wrote it, with the object when the index's reader may read it, or
 * `pending` when it may but the peer does not hold the content yet (strict content is stored by a
 * later transaction; shared content can reach a peer after its block).
 */
export interface IndexedVersion {
  readonly ledgerKey: string;
  readonly txIndex: number;
  readonly txId: string;
  readonly record: IntelRecord;
  readonly object: Record<string, unknown> | null;
  readonly pending?: boolean;
}

/** Content that arrived for a pending version. */
export interface RevealedContent {
  readonly ledgerKey: string;
  readonly object: Record<string, unknown>;
}

/**
 * What one block changes in the index (no versions for blocks without intel writes), and content of
 * earlier pending versions found since.
 */
export interface IndexedBlock {
  readonly number: number;
  readonly versions: readonly IndexedVersion[];
  readonly revealed?: readonly RevealedContent[];
  /** Other members' co-signatures of versions (by the version's key). */
  readonly cosignatures?: readonly { versionKey: string; institution: string; signerKey: string; txId: string }[];
}

/** A member that co-signed a version, and the key it signed with. */
export interface Cosigner {
  readonly institution: string;
  readonly signerKey: string;
}

/** A version whose content is awaited. */
export interface PendingVersion {
  readonly ledgerKey: string;
  readonly stixId: string;
  readonly modified: string;
}

/** One stored version, as queries return it. */
export interface StoredVersion {
  /** Position in commit order on this index. */
  readonly seq: number;
  readonly block: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly record: IntelRecord;
  readonly object: Record<string, unknown> | null;
  /** When it became visible on this index (six fractional digits), strictly increasing with `seq`. */
  readonly dateAdded: string;
  /** No later version of the same id is indexed. */
  readonly latest: boolean;
  /** Other members who shared the same content (co-signatures), oldest first. */
  readonly cosigners: readonly Cosigner[];
}

/** Which versions a listing holds: every one, or one producer's, or one TLP level's. */
export type IndexFilter = { readonly filter: 'all' } | { readonly filter: 'producer' | 'tlp'; readonly value: string };

/** An analyst's question: every given field must match. */
export interface SearchQuery {
  readonly types?: readonly string[];
  readonly tlp?: readonly string[];
  readonly producers?: readonly string[];
  /** Shared at or after (transaction time, ISO). */
  readonly since?: string;
  /** Shared before (transaction time, ISO). */
  readonly until?: string;
  /** In the name, description or a label. */
  readonly text?: string;
  /** In an indicator's pattern (a domain, an address, a hash). */
  readonly pattern?: string;
  /** An `external_references[].external_id`, e.g. an ATT&CK technique `T1566`. */
  readonly externalId?: string;
  /** Every version instead of the latest of each object. */
  readonly allVersions?: boolean;
  /** Page size (1-1000, default 50). */
  readonly limit?: number;
  /** Continue after this position (a page's `next`). */
  readonly after?: number;
}

/** One page of search results. */
export interface SearchPage {
  readonly items: readonly StoredVersion[];
  /** Matches in all pages. */
  readonly total: number;
  /** The position to continue after, or null on the last page. */
  readonly next: number | null;
}

/** Who the index reads as and on which chain: an index is never shared between readers. */
export interface IndexOwner {
  readonly channel: string;
  readonly mspId: string;
  readonly institution: string;
  /** Hex SHA-256 of the channel's genesis block header. */
  readonly genesis: string;
}

export interface IndexStoreOptions {
  /** The clock `date_added` starts from, in microseconds (tests move it). */
  readonly clock?: () => bigint;
}

/** A row as SQLite returns it: every integer as a bigint (safe integers on). */
interface Row {
  seq: bigint;
  block: bigint;
  tx_index: bigint;
  tx_id: string;
  date_added_us: bigint;
  record: string;
  object: string | null;
  latest: bigint;
  cosigners: string;
}

const COLUMNS = `v.seq, v.block, v.tx_index, v.tx_id, v.date_added_us, v.record, v.object,
  NOT EXISTS (SELECT 1 FROM intel_versions n WHERE n.stix_id = v.stix_id AND n.modified_us > v.modified_us) AS latest,
  (SELECT json_group_array(json_object('institution', c.institution, 'signerKey', c.signer_key))
     FROM (SELECT * FROM cosignatures c WHERE c.ledger_key = v.ledger_key ORDER BY c.block, c.institution) c) AS cosigners`;

/** Refusals of the store: a file of another reader, chain or release. */
export class IndexStoreError extends Error {
  constructor(
    readonly code: 'INDEX_OWNER_MISMATCH' | 'INDEX_TOO_NEW' | 'INDEX_OUT_OF_ORDER',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'IndexStoreError';
  }
}

function toStored(row: Row): StoredVersion {
  return {
    seq: Number(row.seq),
    block: Number(row.block),
    txIndex: Number(row.tx_index),
    txId: row.tx_id,
    record: JSON.parse(row.record) as IntelRecord,
    object: row.object === null ? null : (JSON.parse(row.object) as Record<string, unknown>),
    dateAdded: formatMicros(row.date_added_us),
    latest: row.latest === 1n,
    cosigners: JSON.parse(row.cosigners) as Cosigner[],
  };
}

function objectIdOf(object: Record<string, unknown> | null): string | null {
  return typeof object?.id === 'string' ? object.id : null;
}

function micros(timestamp: string): bigint {
  const value = toMicros(timestamp);
  if (value === undefined) throw new Error(`not a timestamp: ${timestamp.slice(0, 40)}`);
  return value;
}

export class IndexStore {
  readonly #db: Database.Database;
  readonly #clock: () => bigint;

  private constructor(db: Database.Database, clock: () => bigint) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Opens (creating it, owner-only) the index file for `owner`, applying missing migrations. An index
   * made for another reader or chain is refused: its content was read under other rights.
   */
  static open(file: string, owner: IndexOwner, options: IndexStoreOptions = {}): IndexStore {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file);
    try {
      fs.chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.defaultSafeIntegers(true);
      const version = Number(db.pragma('user_version', { simple: true }));
      if (version > SCHEMA_VERSION)
        throw new IndexStoreError(
          'INDEX_TOO_NEW',
          `${file} has schema ${String(version)}; this release reads up to ${String(SCHEMA_VERSION)}`,
        );
      db.transaction(() => {
        for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] ?? '');
        db.pragma(`user_version = ${String(SCHEMA_VERSION)}`);
      })();
      const store = new IndexStore(db, options.clock ?? (() => BigInt(Date.now()) * 1000n));
      store.#claim(file, owner);
      return store;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  #meta(name: string): string | undefined {
    const row = this.#db.prepare('SELECT value FROM meta WHERE name = ?').get(name) as { value: string } | undefined;
    return row?.value;
  }

  #setMeta(name: string, value: string): void {
    this.#db
      .prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
      .run(name, value);
  }

  #claim(file: string, owner: IndexOwner): void {
    const wanted = JSON.stringify(owner);
    const existing = this.#meta('owner');
    if (existing === undefined) {
      this.#setMeta('owner', wanted);
      return;
    }
    if (existing !== wanted)
      throw new IndexStoreError('INDEX_OWNER_MISMATCH', `${file} indexes for ${existing}, not ${wanted}; use another file or rebuild`);
  }

  /** The next block to apply: every block below it is in the index. */
  get nextBlock(): number {
    return Number(this.#meta('next_block') ?? '0');
  }

  /** Versions indexed. */
  get size(): number {
    return Number((this.#db.prepare('SELECT count(*) AS n FROM intel_versions').get() as { n: bigint }).n);
  }

  /**
   * Applies one block, which must be {@link nextBlock}: its new versions get the next positions and
   * `date_added` values; a version already indexed (a revocation rewrites its record) keeps both.
   */
  apply(block: IndexedBlock): void {
    this.#db.transaction(() => {
      const expected = this.nextBlock;
      if (block.number !== expected)
        throw new IndexStoreError('INDEX_OUT_OF_ORDER', `block ${String(block.number)} given, ${String(expected)} expected`);
      let last = BigInt(this.#meta('last_date_added_us') ?? '0');
      const exists = this.#db.prepare('SELECT 1 FROM intel_versions WHERE ledger_key = ?').pluck();
      const rewrite = this.#db.prepare('UPDATE intel_versions SET record = ? WHERE ledger_key = ?');
      const insert = this.#db.prepare(
        `INSERT INTO intel_versions (ledger_key, block, tx_index, tx_id, stix_id, object_id, modified_us, stix_type, tlp, producer, tx_time_us, date_added_us, record, object, pending)
         VALUES (@ledgerKey, @block, @txIndex, @txId, @stixId, @objectId, @modifiedUs, @stixType, @tlp, @producer, @txTimeUs, @dateAdded, @record, @object, @pending)`,
      );
      const next = (): bigint => {
        const now = this.#clock();
        last = now > last ? now : last + 1n;
        return last;
      };
      // content that arrived for a pending version makes it visible now: it moves to the end of the
      // commit order with a new date_added, so a poller past its old place still receives it
      const reveal = this.#db.prepare(
        `UPDATE intel_versions SET seq = (SELECT max(seq) + 1 FROM intel_versions), date_added_us = ?, object = ?, object_id = ?, pending = 0
         WHERE ledger_key = ? AND pending = 1`,
      );
      for (const r of block.revealed ?? []) reveal.run(next(), JSON.stringify(r.object), objectIdOf(r.object), r.ledgerKey);
      for (const v of block.versions) {
        // a rewrite of an indexed version (a revocation) keeps its position and date_added
        if (exists.get(v.ledgerKey) !== undefined) {
          rewrite.run(JSON.stringify(v.record), v.ledgerKey);
          continue;
        }
        insert.run({
          ledgerKey: v.ledgerKey,
          block: block.number,
          txIndex: v.txIndex,
          txId: v.txId,
          stixId: v.record.stixId,
          objectId: objectIdOf(v.object),
          modifiedUs: micros(v.record.modified),
          stixType: v.record.stixType,
          tlp: v.record.tlp,
          producer: v.record.producer,
          txTimeUs: micros(v.record.txTime),
          dateAdded: next(),
          record: JSON.stringify(v.record),
          object: v.object === null ? null : JSON.stringify(v.object),
          pending: v.pending === true && v.object === null ? 1 : 0,
        });
      }
      const cosign = this.#db.prepare(
        'INSERT OR IGNORE INTO cosignatures (ledger_key, institution, signer_key, tx_id, block) VALUES (?, ?, ?, ?, ?)',
      );
      for (const c of block.cosignatures ?? []) cosign.run(c.versionKey, c.institution, c.signerKey, c.txId, block.number);
      this.#setMeta('last_date_added_us', last.toString());
      this.#setMeta('next_block', String(block.number + 1));
    })();
  }

  /**
   * Up to `size` versions after position `afterSeq` in commit order, of `filter`, added at or after
   * `fromMicros`; `more` when the listing goes on (as of now).
   */
  page(filter: IndexFilter, fromMicros: bigint | undefined, afterSeq: number, size: number): { items: StoredVersion[]; more: boolean } {
    const where = ['v.seq > @afterSeq'];
    if (fromMicros !== undefined) where.push('v.date_added_us >= @from');
    if (filter.filter === 'producer') where.push('v.producer = @value');
    if (filter.filter === 'tlp') where.push('v.tlp = @value');
    const rows = this.#db.prepare(`SELECT ${COLUMNS} FROM intel_versions v WHERE ${where.join(' AND ')} ORDER BY v.seq LIMIT @limit`).all({
      afterSeq,
      limit: size + 1,
      ...(fromMicros !== undefined ? { from: fromMicros } : {}),
      ...(filter.filter !== 'all' ? { value: filter.value } : {}),
    }) as Row[];
    return { items: rows.slice(0, size).map(toStored), more: rows.length > size };
  }

  /**
   * Versions matching an analyst's question, in commit order, one page at a time, with the number of
   * all matches. Text matches are case-insensitive substrings (ASCII), over what this reader may read.
   */
  search(q: SearchQuery): SearchPage {
    const where: string[] = [];
    const params: Record<string, string | number | bigint> = {};
    const oneOf = (column: string, name: string, values: readonly string[] | undefined): void => {
      if (!values || values.length === 0) return;
      where.push(`${column} IN (${values.map((_, i) => `@${name}${String(i)}`).join(', ')})`);
      values.forEach((v, i) => (params[`${name}${String(i)}`] = v));
    };
    oneOf('v.stix_type', 'type', q.types);
    oneOf('v.tlp', 'tlp', q.tlp);
    oneOf('v.producer', 'producer', q.producers);
    if (q.since !== undefined) {
      where.push('v.tx_time_us >= @since');
      params.since = micros(q.since);
    }
    if (q.until !== undefined) {
      where.push('v.tx_time_us < @until');
      params.until = micros(q.until);
    }
    const like = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (q.text !== undefined) {
      where.push(`(json_extract(v.object, '$.name') LIKE @text ESCAPE '\\' OR json_extract(v.object, '$.description') LIKE @text ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM json_each(v.object, '$.labels') l WHERE l.value LIKE @text ESCAPE '\\'))`);
      params.text = like(q.text);
    }
    if (q.pattern !== undefined) {
      where.push(`json_extract(v.object, '$.pattern') LIKE @pattern ESCAPE '\\'`);
      params.pattern = like(q.pattern);
    }
    if (q.externalId !== undefined) {
      where.push(
        `EXISTS (SELECT 1 FROM json_each(v.object, '$.external_references') e WHERE json_extract(e.value, '$.external_id') = @externalId)`,
      );
      params.externalId = q.externalId;
    }
    if (q.allVersions !== true)
      where.push('NOT EXISTS (SELECT 1 FROM intel_versions n WHERE n.stix_id = v.stix_id AND n.modified_us > v.modified_us)');
    const filter = where.length > 0 ? where.join(' AND ') : '1';
    const total = Number((this.#db.prepare(`SELECT count(*) AS n FROM intel_versions v WHERE ${filter}`).get(params) as { n: bigint }).n);
    const limit = Math.max(1, Math.min(q.limit ?? 50, 1000));
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM intel_versions v WHERE ${filter} AND v.seq > @after ORDER BY v.seq LIMIT @limit`)
      .all({ ...params, after: q.after ?? 0, limit: limit + 1 }) as Row[];
    const items = rows.slice(0, limit).map(toStored);
    return { items, total, next: rows.length > limit ? (items[items.length - 1]?.seq ?? null) : null };
  }

  /** Up to `limit` versions whose content is awaited, oldest first. */
  pending(limit: number): PendingVersion[] {
    return (
      this.#db.prepare('SELECT ledger_key, record FROM intel_versions WHERE pending = 1 ORDER BY seq LIMIT ?').all(limit) as {
        ledger_key: string;
        record: string;
      }[]
    ).map((r) => {
      const record = JSON.parse(r.record) as IntelRecord;
      return { ledgerKey: r.ledger_key, stixId: record.stixId, modified: record.modified };
    });
  }

  /**
   * Every indexed version of an id, oldest first: the ledger's id, or an object's own id where the
   * reader holds its content (a cyber-observable, whose record the ledger keeps under a handle, is
   * found by its real id only in an index entitled to read it: the lookup asks nothing of the ledger).
   */
  versions(stixId: string): StoredVersion[] {
    return (
      this.#db
        .prepare(`SELECT ${COLUMNS} FROM intel_versions v WHERE v.stix_id = @id OR v.object_id = @id ORDER BY v.modified_us, v.seq`)
        .all({ id: stixId }) as Row[]
    ).map(toStored);
  }

  /** Every indexed version in commit order, for checks against the ledger (bounded by the caller). */
  *all(): Generator<StoredVersion> {
    for (const row of this.#db.prepare(`SELECT ${COLUMNS} FROM intel_versions v ORDER BY v.seq`).iterate() as IterableIterator<Row>)
      yield toStored(row);
  }

  close(): void {
    this.#db.close();
  }
}
