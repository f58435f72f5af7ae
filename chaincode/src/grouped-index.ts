import type { Context } from 'fabric-contract-api';

import { ChaincodeError } from '@xborder/protocol';
import { decodeText, getRecords, putRecord } from './state';

/**
 * Listing indexes with one ledger key per indexed value and transaction, holding the keys of every
 * record that transaction listed under that value (a JSON array, in submission order). A batch of 100
 * objects then writes one entry per distinct value instead of 100, and the peer validates and stores
 * that many fewer keys. Entries are ordered by their key (which starts with the transaction time), so
 * time windows are key ranges as before. Entries written before grouping hold a single record key as
 * plain text and are read the same way.
 *
 * Pages count records, not entries, so the bookmark names the entry to start at and how many of its
 * records the previous page already returned.
 */

interface Bookmark {
  readonly k: string;
  readonly i: number;
}

function encodeBookmark(b: Bookmark): string {
  return Buffer.from(JSON.stringify(b), 'utf8').toString('base64url');
}

function decodeBookmark(text: string, range: { start: string; end: string }): Bookmark {
  let b: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,1400}$/.test(text)) throw new Error('not base64url');
    b = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ChaincodeError('PAGE_INVALID', 'bookmark is malformed');
  }
  const { k, i } = (b ?? {}) as Record<string, unknown>;
  if (typeof k !== 'string' || typeof i !== 'number' || !Number.isInteger(i) || i < 0 || k < range.start || k >= range.end) {
    throw new ChaincodeError('PAGE_INVALID', 'bookmark does not belong to this listing');
  }
  return { k, i };
}

/** The record keys an entry lists. */
export function entryTargets(value: Uint8Array): string[] {
  const text = decodeText(value);
  if (!text.startsWith('[')) return [text];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
}

/** Collects a transaction's entries; `write` puts each once, after every record of the transaction. */
export class GroupedIndexWriter {
  readonly #entries = new Map<string, string[]>();

  add(entryKey: string, target: string): void {
    const list = this.#entries.get(entryKey);
    if (list) list.push(target);
    else this.#entries.set(entryKey, [target]);
  }

  async write(ctx: Context): Promise<void> {
    for (const [k, targets] of this.#entries) await putRecord(ctx, k, targets);
    this.#entries.clear();
  }
}

/**
 * One page of `size` records from the entries in `range` (evaluate only), resolved with one multi-key
 * read; records that no longer resolve are skipped.
 */
export async function groupedPage<T>(
  ctx: Context,
  range: { start: string; end: string },
  size: number,
  bookmark: string,
): Promise<{ items: T[]; bookmark: string }> {
  const from = bookmark === '' ? { k: range.start, i: 0 } : decodeBookmark(bookmark, range);
  const targets: string[] = [];
  let next: Bookmark | undefined;
  let startKey = from.k;
  let full = false;
  let exhausted = false;
  // each entry lists at least one record, so `size` entries fill a page unless the first was mostly read
  while (!exhausted && next === undefined) {
    const response = await ctx.stub.getStateByRangeWithPagination(startKey, range.end, size, '');
    const iterator = response.iterator;
    let fetched = 0;
    let last: Bookmark | undefined;
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        fetched++;
        if (full) {
          next = { k: r.value.key, i: 0 }; // the page ended with the previous entry and there is more
          break;
        }
        const all = entryTargets(r.value.value);
        const skip = r.value.key === from.k ? from.i : 0;
        const take = all.slice(skip, skip + size - targets.length);
        targets.push(...take);
        last = { k: r.value.key, i: skip + take.length };
        if (last.i < all.length) {
          next = last;
          break;
        }
        full = targets.length === size;
      }
    } finally {
      await iterator.close();
    }
    exhausted = fetched < size;
    if (next === undefined && last !== undefined) {
      if (full && !exhausted) next = last; // cannot tell whether more follow: resume after this entry
      startKey = `${last.k}\u0000`;
    }
    if (full) break;
  }
  const records = await getRecords<T>(ctx, targets);
  return { items: records.filter((r): r is T => r !== undefined), bookmark: next ? encodeBookmark(next) : '' };
}
