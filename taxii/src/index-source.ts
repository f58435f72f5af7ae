/**
 * The TAXII server's reads from the ledger index: listings in commit order, `date_added` the time each
 * version became visible on this server's index (strictly increasing in that order), so a poller that
 * asks `added_after` the last `date_added` it saw receives every later version exactly once, whatever
 * the producers' clocks said and in whatever order their transactions committed. Posts go to the
 * ledger as before and return once the index holds what they wrote.
 */
import type { IndexFollower, StoredVersion } from '@xborder/ledger-index';
import { toMicros } from '@xborder/protocol';
import type { XborderClient } from '@xborder/sdk';

import { badRequest } from './errors';
import { LedgerSource, versionOf } from './ledger-source';
import type { IngestResult, IntelSource, LedgerFilter, ListedVersion, SourcePage } from './source';

function listed(v: StoredVersion): ListedVersion {
  return { ...versionOf(v.record, v.latest, v.object, v.dateAdded), cosigners: v.cosigners };
}

export class IndexSource implements IntelSource {
  readonly #client: XborderClient;
  readonly #follower: IndexFollower;
  readonly #ledger: LedgerSource;

  constructor(client: XborderClient, follower: IndexFollower) {
    this.#client = client;
    this.#follower = follower;
    this.#ledger = new LedgerSource(client);
  }

  get institution(): string {
    return this.#ledger.institution;
  }

  page(filter: LedgerFilter, from: string | undefined, bookmark: string, size: number): Promise<SourcePage> {
    // a position in the index's commit order (a cursor of an earlier release held a ledger bookmark)
    if (bookmark !== '' && !/^\d{1,15}$/.test(bookmark))
      throw badRequest('this cursor is from an earlier release: list again with added_after');
    const fromMicros = from !== undefined ? toMicros(from) : undefined;
    const page = this.#follower.store.page(filter, fromMicros, bookmark === '' ? 0 : Number(bookmark), size);
    const last = page.items[page.items.length - 1];
    return Promise.resolve({ items: page.items.map(listed), bookmark: page.more && last ? String(last.seq) : '' });
  }

  versions(stixId: string): Promise<ListedVersion[]> {
    return Promise.resolve(this.#follower.store.versions(stixId).map(listed));
  }

  async ingest(objects: readonly unknown[]): Promise<IngestResult[]> {
    const results = await this.#ledger.ingest(objects);
    // what was just committed is listed before the answer goes out (read your writes)
    await this.#follower.waitFor(await this.#client.audit.height());
    return results;
  }
}
