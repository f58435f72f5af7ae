import { createHash } from 'node:crypto';

import { MAX_BATCH } from '@xborder/protocol';

import { XborderError, toXborderError } from './errors';
import type { IntelClient, IntelSubmission, SignedIntel } from './intel';

/** One object to ingest and where it came from (file and position), for the report. */
export interface IngestItem {
  readonly source: string;
  readonly index: number;
  readonly object: unknown;
}

/** What happened to one input object: submitted, already on the ledger, rejected (with its code) or skipped. */
export interface IngestOutcome {
  readonly source: string;
  readonly index: number;
  readonly stixId: string | null;
  readonly modified: string | null;
  /** `cosigned`: another member had recorded the same content; this institution's co-signature is kept. */
  readonly status: 'submitted' | 'existing' | 'cosigned' | 'rejected' | 'skipped';
  readonly code?: string;
  readonly reason?: string;
  readonly transactionId?: string;
  readonly tlp?: string;
  /** When the ledger recorded it (the record's transaction time), for submitted and existing objects. */
  readonly recordedAt?: string;
  /**
   * The id the ledger keeps the record under: the object's own id, but for a cyber-observable the
   * handle its record is listed and proven by (`observable--<uuid>`; the object's id is never public).
   */
  readonly ledgerId?: string;
}

/** The counts and per-object outcomes of one {@link ingestStix} run, in input order. */
export interface IngestReport {
  readonly total: number;
  readonly submitted: number;
  readonly existing: number;
  /** Versions another member had recorded with the same content, co-signed now. */
  readonly cosigned: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly outcomes: IngestOutcome[];
  /** Refused and skipped objects grouped by code, most frequent first, with the first examples of each. */
  readonly byCode: IngestCodeSummary[];
  readonly seconds: number;
}

/** How many objects one code refused or skipped, and the first of them. */
export interface IngestCodeSummary {
  readonly code: string;
  readonly count: number;
  readonly examples: readonly IngestOutcome[];
}

const EXAMPLES_PER_CODE = 3;

/** Refused and skipped outcomes by code (skips without a code count under SKIPPED). */
export function summariseByCode(outcomes: readonly IngestOutcome[]): IngestCodeSummary[] {
  const groups = new Map<string, IngestOutcome[]>();
  for (const o of outcomes) {
    if (o.status !== 'rejected' && o.status !== 'skipped') continue;
    const code = o.code ?? (o.status === 'skipped' ? 'SKIPPED' : 'REJECTED');
    const group = groups.get(code) ?? [];
    group.push(o);
    groups.set(code, group);
  }
  return [...groups.entries()]
    .map(([code, group]) => ({ code, count: group.length, examples: group.slice(0, EXAMPLES_PER_CODE) }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** Batching and concurrency of {@link ingestStix}. */
export interface IngestOptions {
  /** Objects per transaction (1 to MAX_BATCH, 100; default 50). */
  readonly batchSize?: number;
  /** Transactions in flight at once (default 4). */
  readonly concurrency?: number;
  /** Called after each batch with the objects handled so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

function idOf(object: unknown): { id: string | null; modified: string | null; type: string | null } {
  if (typeof object !== 'object' || object === null) return { id: null, modified: null, type: null };
  const o = object as Record<string, unknown>;
  return {
    id: typeof o.id === 'string' ? o.id : null,
    modified: typeof o.modified === 'string' ? o.modified : null,
    type: typeof o.type === 'string' ? o.type : null,
  };
}

function outcomeOf(item: IngestItem, signed: SignedIntel, s: IntelSubmission): IngestOutcome {
  return {
    source: item.source,
    index: item.index,
    stixId: signed.prepared.id,
    modified: signed.prepared.version,
    status: s.cosignature ? (s.created ? 'cosigned' : 'existing') : s.created ? 'submitted' : 'existing',
    transactionId: s.transactionId,
    tlp: signed.prepared.statement.tlp,
    recordedAt: s.record.txTime,
    ledgerId: s.record.stixId,
  };
}

/**
 * Validates, canonicalises, hashes and signs every object, then submits them in batches with a bounded
 * number of transactions in flight. Objects the rules refuse are reported with their code and never
 * sent; a batch the chaincode refuses is retried object by object, so one bad object does not hold back
 * the others. Re-running the same input reports everything as already on the ledger.
 * @param intel - the intel facade of the submitting institution's client
 * @param items - the objects with where they came from
 * @param options - batch size, concurrency, progress callback
 * @returns counts and one outcome per input object, in input order
 */
export async function ingestStix(intel: IntelClient, items: readonly IngestItem[], options: IngestOptions = {}): Promise<IngestReport> {
  const started = Date.now();
  const batchSize = Math.min(MAX_BATCH, Math.max(1, options.batchSize ?? 50));
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const outcomes: IngestOutcome[] = [];
  const ready: { item: IngestItem; signed: SignedIntel }[] = [];
  for (const item of items) {
    const { id, modified, type } = idOf(item.object);
    if (type === 'marking-definition') {
      outcomes.push({
        source: item.source,
        index: item.index,
        stixId: id,
        modified,
        status: 'skipped',
        reason: 'marking definitions are read from object_marking_refs',
      });
      continue;
    }
    try {
      ready.push({ item, signed: intel.sign(item.object) });
    } catch (err) {
      const e = toXborderError(err);
      const code = e.code === 'CLIENT_ERROR' ? 'BAD_INPUT' : e.code;
      const reason = e.message;
      outcomes.push({ source: item.source, index: item.index, stixId: id, modified, status: 'rejected', code, reason });
    }
  }
  // one version once: the same object twice in the input is submitted once
  const seen = new Set<string>();
  const unique = ready.filter((r) => {
    // salts differ per signing: the same object twice is the same id and canonical text
    const k = `${r.signed.prepared.id}|${createHash('sha256').update(r.signed.prepared.canonical).digest('hex')}`;
    if (seen.has(k)) {
      outcomes.push({
        source: r.item.source,
        index: r.item.index,
        stixId: r.signed.prepared.id,
        modified: r.signed.prepared.version,
        status: 'skipped',
        reason: 'duplicate of an earlier object in the input',
      });
      return false;
    }
    seen.add(k);
    return true;
  });
  const batches: { item: IngestItem; signed: SignedIntel }[][] = [];
  for (let i = 0; i < unique.length; i += batchSize) batches.push(unique.slice(i, i + batchSize));
  let done = items.length - unique.length;
  options.onProgress?.(done, items.length);

  const single = async (entry: { item: IngestItem; signed: SignedIntel }): Promise<IngestOutcome> => {
    try {
      return outcomeOf(entry.item, entry.signed, await intel.submitSigned(entry.signed));
    } catch (err) {
      const e = toXborderError(err);
      return {
        source: entry.item.source,
        index: entry.item.index,
        stixId: entry.signed.prepared.id,
        modified: entry.signed.prepared.version,
        status: 'rejected',
        code: e.code,
        reason: e.message,
        ...(e.transactionId ? { transactionId: e.transactionId } : {}),
      };
    }
  };

  const runBatch = async (batch: { item: IngestItem; signed: SignedIntel }[]): Promise<IngestOutcome[]> => {
    if (batch.length === 1 && batch[0]) return [await single(batch[0])];
    try {
      const results = await intel.submitBatch(batch.map((b) => b.signed));
      return results.map((r, i) => {
        const b = batch[i];
        if (!b) throw new XborderError('CLIENT_ERROR', 'batch result count mismatch');
        return outcomeOf(b.item, b.signed, r);
      });
    } catch (err) {
      const e = toXborderError(err);
      if (!/^item \d+: /.test(e.message) && e.code !== 'MVCC_READ_CONFLICT') throw e;
      const out: IngestOutcome[] = [];
      for (const b of batch) out.push(await single(b));
      return out;
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      if (!batch) break;
      const results = await runBatch(batch);
      outcomes.push(...results);
      done += batch.length;
      options.onProgress?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  outcomes.sort((a, b) => (a.source === b.source ? a.index - b.index : a.source.localeCompare(b.source)));
  const count = (s: IngestOutcome['status']): number => outcomes.filter((o) => o.status === s).length;
  return {
    total: items.length,
    submitted: count('submitted'),
    existing: count('existing'),
    cosigned: count('cosigned'),
    rejected: count('rejected'),
    skipped: count('skipped'),
    outcomes,
    byCode: summariseByCode(outcomes),
    seconds: (Date.now() - started) / 1000,
  };
}
