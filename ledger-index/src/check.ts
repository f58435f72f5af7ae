/**
 * The index checked against the ledger it caches: every intel version the chaincode lists for the
 * reader must be in the index with the same public record and, where the reader may read it, the same
 * object; and nothing else may be. The index is brought level with the chain first, and the ledger
 * listing is taken again if the chain moved meanwhile.
 */
import { canonicalize, intelVersionKey } from '@xborder/protocol';
import type { IntelRecord } from '@xborder/protocol';
import type { XborderClient } from '@xborder/sdk';

import type { IndexFollower } from './follower';

/** One disagreement between index and ledger. */
export interface IndexDifference {
  readonly ledgerKey: string;
  readonly stixId: string;
  readonly problem: 'missing from the index' | 'not on the ledger' | 'record differs' | 'object differs';
}

export interface IndexCheck {
  /** Blocks below this were compared. */
  readonly height: number;
  readonly ledgerVersions: number;
  readonly indexVersions: number;
  readonly differences: readonly IndexDifference[];
}

interface LedgerVersion {
  readonly record: IntelRecord;
  readonly object: Record<string, unknown> | null;
}

async function ledgerVersions(client: XborderClient): Promise<Map<string, LedgerVersion>> {
  const found = new Map<string, LedgerVersion>();
  let bookmark = '';
  do {
    const page = await client.intel.listObjects({ filter: 'all', pageSize: 200, ...(bookmark !== '' ? { bookmark } : {}) });
    for (const item of page.items)
      found.set(intelVersionKey(item.record.stixId, item.record.modified), { record: item.record, object: item.object });
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return found;
}

const same = (a: unknown, b: unknown): boolean => canonicalize(a) === canonicalize(b);

/** The object as the chaincode gives it to the reader now, or null when it refuses. */
async function readable(client: XborderClient, record: IntelRecord): Promise<unknown> {
  try {
    return (await client.intel.content(record.stixId, record.modified)).object;
  } catch {
    return null;
  }
}

/** Compares the index with the ledger as `client` reads it (the index's own reader). */
export async function checkIndex(client: XborderClient, follower: IndexFollower, attempts = 3): Promise<IndexCheck> {
  let height = await follower.catchUp();
  let ledger = await ledgerVersions(client);
  for (let i = 1; i < attempts && (await client.audit.height()) !== height; i++) {
    height = await follower.catchUp();
    ledger = await ledgerVersions(client);
  }
  const differences: IndexDifference[] = [];
  let indexVersions = 0;
  const seen = new Set<string>();
  for (const v of follower.store.all()) {
    indexVersions++;
    const ledgerKey = intelVersionKey(v.record.stixId, v.record.modified);
    seen.add(ledgerKey);
    const onLedger = ledger.get(ledgerKey);
    if (!onLedger) differences.push({ ledgerKey, stixId: v.record.stixId, problem: 'not on the ledger' });
    else if (!same(onLedger.record, v.record)) differences.push({ ledgerKey, stixId: v.record.stixId, problem: 'record differs' });
    // content the ledger lists must be the index's; content the listing leaves out (strict levels are
    // read one by one) is read again with the reader's own rights: refused or other, it differs
    else if (onLedger.object !== null) {
      if (v.object === null || !same(onLedger.object, v.object))
        differences.push({ ledgerKey, stixId: v.record.stixId, problem: 'object differs' });
    } else if (v.object !== null && !same(await readable(client, v.record), v.object))
      differences.push({ ledgerKey, stixId: v.record.stixId, problem: 'object differs' });
  }
  for (const [ledgerKey, v] of ledger)
    if (!seen.has(ledgerKey)) differences.push({ ledgerKey, stixId: v.record.stixId, problem: 'missing from the index' });
  return { height, ledgerVersions: ledger.size, indexVersions, differences };
}
