/**
 * The ledger behind the TAXII server: reads through the chaincode as the serving institution (so TLP
 * and access rules are the ledger's), writes signed with its key like `xborder intel submit`.
 */
import type { IntelRecord, ListedObject, XborderClient } from '@xborder/sdk';
import { ingestStix, toXborderError } from '@xborder/sdk';

import type { IngestResult, IntelSource, LedgerFilter, ListedVersion, SourcePage } from './source';

/**
 * A ledger record as TAXII lists it; `dateAdded` defaults to the transaction time (an index gives the
 * time the version became visible there instead).
 */
export function versionOf(
  record: IntelRecord,
  latest: boolean,
  object: Record<string, unknown> | null,
  dateAdded: string = record.txTime,
): ListedVersion {
  // a cyber-observable's record is listed under a handle and has no version: TAXII shows its real id
  // (from the content, for those who may read it) and, as the specification says, date_added as version
  const observable = record.observable !== undefined;
  return {
    stixId: observable && typeof object?.id === 'string' ? object.id : record.stixId,
    stixType: record.stixType,
    modified: observable ? record.txTime : record.modified,
    dateAdded,
    latest,
    first: record.previousModified === null,
    tlp: record.tlp,
    producer: record.producer,
    signerKey: record.signerFingerprint,
    object,
  };
}

export class LedgerSource implements IntelSource {
  readonly #client: XborderClient;

  constructor(client: XborderClient) {
    this.#client = client;
  }

  get institution(): string {
    return this.#client.profile.institution;
  }

  async page(filter: LedgerFilter, from: string | undefined, bookmark: string, size: number): Promise<SourcePage> {
    const page = await this.#client.intel.listObjects({
      ...filter,
      ...(from !== undefined ? { from } : {}),
      pageSize: size,
      ...(bookmark !== '' ? { bookmark } : {}),
    });
    return { items: page.items.map((i: ListedObject) => versionOf(i.record, i.latest, i.object)), bookmark: page.bookmark };
  }

  async versions(stixId: string): Promise<ListedVersion[]> {
    let history: IntelRecord[];
    try {
      history = await this.#client.intel.history(stixId);
    } catch (err) {
      if (toXborderError(err).code === 'INTEL_NOT_FOUND') return [];
      throw err;
    }
    const last = history[history.length - 1]?.modified;
    return Promise.all(
      history.map(async (record) => {
        let object: Record<string, unknown> | null = null;
        try {
          object = (await this.#client.intel.content(record.stixId, record.modified)).object as Record<string, unknown>;
        } catch (err) {
          const code = toXborderError(err).code;
          if (code !== 'ACCESS_DENIED' && code !== 'INTEL_NOT_FOUND') throw err;
        }
        return versionOf(record, record.modified === last, object);
      }),
    );
  }

  async ingest(objects: readonly unknown[]): Promise<IngestResult[]> {
    const report = await ingestStix(
      this.#client.intel,
      objects.map((object, index) => ({ source: 'taxii', index, object })),
    );
    return report.outcomes.map((o, i) => {
      const given = objects[i] as { id?: unknown; modified?: unknown; created?: unknown } | undefined;
      const id = o.stixId ?? (typeof given?.id === 'string' ? given.id : '');
      // an object without `modified` (a cyber-observable) is versioned by its date_added, as TAXII says
      const version =
        o.modified ??
        (typeof given?.modified === 'string'
          ? given.modified
          : (o.recordedAt ?? (typeof given?.created === 'string' ? given.created : '')));
      if (o.status === 'rejected') return { id, version, ok: false, message: `${o.code ?? 'REJECTED'}: ${o.reason ?? ''}` };
      if (o.status === 'skipped') return { id, version, ok: true, message: `not recorded: ${o.reason ?? ''}` };
      return { id, version, ok: true, ...(o.status === 'existing' ? { message: 'already on the ledger' } : {}) };
    });
  }
}
