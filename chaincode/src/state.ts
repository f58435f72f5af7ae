import type { Context } from 'fabric-contract-api';

import { batchingFor } from './peer-batching';
import {
  canonicalBytes,
  ChaincodeError,
  DEFAULT_PAGE_SIZE,
  KEY_RANGE_END,
  KEY_SEPARATOR,
  ledgerKey,
  MAX_PAGE_SIZE,
  MAX_UNPAGED_RESULTS,
} from '@xborder/protocol';

export { ledgerKey as key } from '@xborder/protocol';

/** Start and end keys covering every key that begins with these parts. */
export function prefixRange(...parts: readonly string[]): { start: string; end: string } {
  const p = ledgerKey(...parts);
  return { start: p + KEY_SEPARATOR, end: p + KEY_RANGE_END };
}

const decoder = new TextDecoder();

/** Reads a JSON record written by {@link putRecord}; undefined when absent. */
export async function getRecord<T>(ctx: Context, k: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(k);
  if (bytes.length === 0) return undefined;
  return JSON.parse(decoder.decode(bytes)) as T;
}

/**
 * Reads several keys in one GET_STATE_MULTIPLE round trip when the peer offers it (one getState each
 * otherwise); entries are undefined for absent keys, in the order asked.
 */
export async function getRecords<T>(ctx: Context, keys: readonly string[]): Promise<(T | undefined)[]> {
  const values = await batchingFor(ctx.stub).getMultipleStates(keys);
  return values.map((bytes) => (bytes.length === 0 ? undefined : (JSON.parse(decoder.decode(bytes)) as T)));
}

/** The single way state is written: canonical JSON. */
export async function putRecord(ctx: Context, k: string, value: unknown): Promise<void> {
  await ctx.stub.putState(k, canonicalBytes(value));
}

/** Index entries carry the key of the record they point to. */
export async function putIndex(ctx: Context, k: string, target: string): Promise<void> {
  await ctx.stub.putState(k, new TextEncoder().encode(target));
}

export function pageSize(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(value)) throw new ChaincodeError('PAGE_INVALID', 'page size must be a positive integer');
  const n = Number.parseInt(value, 10);
  if (n < 1 || n > MAX_PAGE_SIZE) throw new ChaincodeError('PAGE_INVALID', `page size must be between 1 and ${String(MAX_PAGE_SIZE)}`);
  return n;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass it back to get the next page. Empty when there is no next page. */
  readonly bookmark: string;
}

/**
 * One page of a key range (evaluate only: Fabric refuses paginated reads in submitted transactions).
 * `resolve` turns an entry into an item (e.g. an index entry into the record it points to).
 */
export async function rangePage<T>(
  ctx: Context,
  range: { start: string; end: string },
  size: number,
  bookmark: string,
  resolve: (key: string, value: Uint8Array) => Promise<T | undefined>,
): Promise<Page<T>> {
  if (bookmark.length > 1024 || bookmark.includes('\u0000')) throw new ChaincodeError('PAGE_INVALID', 'bookmark is malformed');
  const response = await ctx.stub.getStateByRangeWithPagination(range.start, range.end, size, bookmark);
  const iterator = response.iterator;
  // the shim leaves metadata out when the peer's is all zero values (no records, no bookmark)
  const metadata = (response as { metadata?: { fetchedRecordsCount: number; bookmark: string } }).metadata;
  const items: T[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const item = await resolve(r.value.key, r.value.value);
      if (item !== undefined) items.push(item);
    }
  } finally {
    await iterator.close();
  }
  const fetched = metadata?.fetchedRecordsCount ?? 0;
  return { items, bookmark: fetched < size ? '' : (metadata?.bookmark ?? '') };
}

/**
 * Every entry of a key range that has no natural bound (a payment's events, an end-to-end id shared by
 * many payments, an object's versions), refusing with RESULT_TOO_LARGE past `limit` entries rather
 * than reading without end.
 */
export async function rangeBounded(
  ctx: Context,
  range: { start: string; end: string },
  what: string,
  limit: number = MAX_UNPAGED_RESULTS,
): Promise<{ key: string; value: Uint8Array }[]> {
  const iterator = await ctx.stub.getStateByRange(range.start, range.end);
  const out: { key: string; value: Uint8Array }[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (out.length >= limit) throw new ChaincodeError('RESULT_TOO_LARGE', `more than ${String(limit)} ${what}`);
      out.push({ key: r.value.key, value: r.value.value });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/** The first `n` entries of a key range, in key order; reading stops there. */
export async function rangeFirst(
  ctx: Context,
  range: { start: string; end: string },
  n: number,
): Promise<{ key: string; value: Uint8Array }[]> {
  const iterator = await ctx.stub.getStateByRange(range.start, range.end);
  const out: { key: string; value: Uint8Array }[] = [];
  try {
    for (let r = await iterator.next(); !r.done && out.length < n; r = await iterator.next())
      out.push({ key: r.value.key, value: r.value.value });
  } finally {
    await iterator.close();
  }
  return out;
}

/** Every entry of a small, bounded key range (allowed in submit paths: the caller bounds the range). */
export async function rangeAll(ctx: Context, range: { start: string; end: string }): Promise<{ key: string; value: Uint8Array }[]> {
  const iterator = await ctx.stub.getStateByRange(range.start, range.end);
  const out: { key: string; value: Uint8Array }[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) out.push({ key: r.value.key, value: r.value.value });
  } finally {
    await iterator.close();
  }
  return out;
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The transaction time (from the proposal timestamp: deterministic on every endorser). */
export function txTime(ctx: Context): string {
  return ctx.stub.getDateTimestamp().toISOString();
}

/** Every committed value of a key, oldest first, with transaction ids and times (evaluate only). */
export async function keyHistory<T>(ctx: Context, k: string): Promise<{ txId: string; timestamp: string; record: T | null }[]> {
  const iterator = await ctx.stub.getHistoryForKey(k);
  const history: { txId: string; timestamp: string; record: T | null }[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      const ts = r.value.timestamp;
      const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);
      history.push({
        txId: r.value.txId,
        timestamp: new Date(millis).toISOString(),
        record: r.value.isDelete ? null : decodeJson<T>(r.value.value),
      });
    }
  } finally {
    await iterator.close();
  }
  return history.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}
