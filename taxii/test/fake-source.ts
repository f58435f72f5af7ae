/** An in-memory ledger for the server's unit tests: versions in date_added order, paged by position. */
import type { IngestResult, IntelSource, LedgerFilter, ListedVersion, SourcePage } from '@xborder/taxii';

export function version(n: number, overrides: Partial<ListedVersion> = {}): ListedVersion {
  const id = `indicator--${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const modified = overrides.modified ?? '2026-11-01T00:00:00.000Z';
  return {
    stixId: id,
    stixType: 'indicator',
    modified,
    dateAdded: '2026-11-20T10:00:00.000Z',
    latest: true,
    first: true,
    tlp: 'GREEN',
    producer: 'hk-bank-a',
    signerKey: 'ab'.repeat(32),
    object: { type: 'indicator', spec_version: '2.1', id, created: modified, modified, name: `n${String(n)}` },
    ...overrides,
  };
}

export class FakeSource implements IntelSource {
  readonly institution = 'hk-bank-a';
  readonly versionsList: ListedVersion[];
  readonly ingested: unknown[][] = [];
  pageCalls = 0;
  failIngest = false;

  constructor(versions: ListedVersion[]) {
    this.versionsList = versions;
  }

  async page(filter: LedgerFilter, from: string | undefined, bookmark: string, size: number): Promise<SourcePage> {
    this.pageCalls++;
    const selected = this.versionsList.filter(
      (v) =>
        (filter.filter === 'all' || (filter.filter === 'producer' ? v.producer === filter.value : v.tlp === filter.value)) &&
        (from === undefined || v.dateAdded >= from),
    );
    const start = bookmark === '' ? 0 : Number(bookmark);
    const items = selected.slice(start, start + size);
    const end = start + items.length;
    return Promise.resolve({ items, bookmark: end < selected.length ? String(end) : '' });
  }

  async versions(stixId: string): Promise<ListedVersion[]> {
    return Promise.resolve(this.versionsList.filter((v) => v.stixId === stixId));
  }

  async ingest(objects: readonly unknown[]): Promise<IngestResult[]> {
    if (this.failIngest) throw Object.assign(new Error('14 UNAVAILABLE: no connection'), { code: 14 });
    this.ingested.push([...objects]);
    return Promise.resolve(
      objects.map((o) => {
        const v = o as { id: string; modified?: string; name?: string };
        return v.name === 'bad'
          ? { id: v.id, version: v.modified ?? '', ok: false, message: 'INTEL_INVALID_OBJECT: refused' }
          : { id: v.id, version: v.modified ?? '', ok: true };
      }),
    );
  }
}
