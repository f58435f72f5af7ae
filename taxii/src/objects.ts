/**
 * Objects, manifest and versions of a collection: filters as TAXII 2.1 defines them, over pages of the
 * ledger in its own order (transaction time, then position in the transaction), so `date_added` order
 * holds and objects sharing a `date_added` are neither skipped nor repeated across pages.
 */
import { MAX_PAGE_SIZE, toMicros } from '@xborder/protocol';

import type { Collection } from './collections';
import type { ObjectQuery } from './cursor';
import { badRequest } from './errors';
import type { IntelSource, ListedVersion } from './source';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Ledger pages read for one response at most (filters that match little still answer promptly). */
const MAX_ROUNDS = 50;
/**
 * After this long, a response that holds at least one object returns it (with `more` and `next`)
 * instead of reading further ledger pages: a page with few matches among many records stays fast.
 */
const TIME_BUDGET_MS = 200;

type QueryValue = string | string[] | undefined;

function list(value: QueryValue, what: string, check?: (v: string) => boolean): string[] | undefined {
  if (value === undefined) return undefined;
  const values = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (values.length === 0 || values.some((v) => v === '' || v.length > 200)) throw badRequest(`${what} needs one or more values`);
  if (check) for (const v of values) if (!check(v)) throw badRequest(`${what}: "${v.slice(0, 60)}" is not allowed here`);
  return values;
}

const isVersion = (v: string): boolean => v === 'last' || v === 'first' || v === 'all' || toMicros(v) !== undefined;

/** The filters of a request (what a cursor does not already carry). */
export function parseQuery(q: Record<string, QueryValue>, options: { byId?: boolean } = {}): ObjectQuery {
  const addedAfter = q.added_after;
  if (Array.isArray(addedAfter)) throw badRequest('added_after is given more than once');
  if (addedAfter !== undefined && toMicros(addedAfter) === undefined)
    throw badRequest('added_after must be a timestamp like 2026-01-01T00:00:00.000Z');
  const ids = options.byId ? undefined : list(q['match[id]'], 'match[id]');
  const types = options.byId ? undefined : list(q['match[type]'], 'match[type]');
  const versions = list(q['match[version]'], 'match[version]', isVersion);
  const specVersions = list(q['match[spec_version]'], 'match[spec_version]');
  return {
    ...(addedAfter !== undefined ? { addedAfter } : {}),
    ...(ids ? { ids } : {}),
    ...(types ? { types } : {}),
    ...(versions ? { versions } : {}),
    ...(specVersions ? { specVersions } : {}),
  };
}

export function parseLimit(value: QueryValue): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (Array.isArray(value) || !/^\d{1,7}$/.test(value) || Number(value) < 1) throw badRequest('limit must be a positive integer');
  return Math.min(Number(value), MAX_LIMIT);
}

/** Whether a version passes the filters (content readable, strictly after added_after, matches). */
export function matches(v: ListedVersion, q: ObjectQuery, defaultVersion: 'last' | 'all' = 'last'): boolean {
  if (v.object === null) return false;
  if (q.addedAfter !== undefined && (toMicros(v.dateAdded) ?? 0n) <= (toMicros(q.addedAfter) ?? 0n)) return false;
  if (q.ids && !q.ids.includes(v.stixId)) return false;
  if (q.types && !q.types.includes(v.stixType)) return false;
  const spec = typeof v.object.spec_version === 'string' ? v.object.spec_version : '2.1';
  if (q.specVersions && !q.specVersions.includes(spec)) return false;
  const wanted = q.versions ?? [defaultVersion];
  const modified = toMicros(v.modified);
  return wanted.some((w) => w === 'all' || (w === 'last' ? v.latest : w === 'first' ? v.first : toMicros(w) === modified));
}

export interface ListedPage {
  readonly items: ListedVersion[];
  readonly position: string;
  readonly more: boolean;
}

/** Up to `limit` matching versions of a collection from `position` (a ledger bookmark) on. */
export async function listCollection(
  source: IntelSource,
  collection: Collection,
  q: ObjectQuery,
  position: string,
  limit: number,
): Promise<ListedPage> {
  const filter = collection.filter(source.institution);
  const micros = q.addedAfter !== undefined ? toMicros(q.addedAfter) : undefined;
  // the ledger's window is inclusive and in milliseconds; strictness is applied by `matches`
  const from = micros !== undefined ? new Date(Number(micros / 1000n)).toISOString() : undefined;
  const items: ListedVersion[] = [];
  let bookmark = position;
  const started = Date.now();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // never read past what this page can hold: the bookmark resumes after the whole ledger page
    const size = Math.min(MAX_PAGE_SIZE, limit - items.length);
    const page = await source.page(filter, from, bookmark, size);
    items.push(...page.items.filter((v) => collection.holds(v, source.institution) && matches(v, q)));
    bookmark = page.bookmark;
    // the budget ends a page only once it holds something: some clients (taxii2-client) take the size
    // of a first page as the limit of the next requests, so an empty first page would ask for none
    if (bookmark === '' || items.length >= limit || (items.length > 0 && Date.now() - started > TIME_BUDGET_MS)) break;
  }
  return { items, position: bookmark, more: bookmark !== '' };
}
