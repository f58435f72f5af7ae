/**
 * The collections a TAXII server of one institution offers. Every collection is a view of the one
 * ledger, read as that institution: objects whose content it may not read (strict TLP of another
 * producer) are in none of them.
 *
 * - `shared`: everything the institution may read; the one writable collection (posts are signed by
 *   the institution and shared at the TLP their markings give).
 * - `own`: what the institution itself produced, strict levels included.
 * - `tlp-clear`, `tlp-green`, `tlp-amber`: what it may read at that level.
 *
 * Ids are fixed, so clients configured with an id keep working across restarts and servers.
 */
import type { TlpLevel } from '@xborder/protocol';

import type { LedgerFilter, ListedVersion } from './source';

export interface Collection {
  readonly id: string;
  readonly alias: string;
  readonly title: string;
  readonly description: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
  /** The ledger listing behind it, for an institution. */
  filter(institution: string): LedgerFilter;
  /** Whether a version belongs to it (for reads by object id). */
  holds(version: ListedVersion, institution: string): boolean;
}

function byTlp(id: string, level: TlpLevel): Collection {
  const name = level.toLowerCase();
  return {
    id,
    alias: `tlp-${name}`,
    title: `tlp-${name}`,
    description: `Threat intelligence shared at TLP:${level} that this institution may read.`,
    canRead: true,
    canWrite: false,
    filter: () => ({ filter: 'tlp', value: level }),
    holds: (v) => v.tlp === level,
  };
}

export const COLLECTIONS: readonly Collection[] = [
  {
    id: '5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c01',
    alias: 'shared',
    title: 'shared',
    description:
      'All threat intelligence on the xborder ledger that this institution may read. Objects posted here are signed by the institution and shared by their TLP marking.',
    canRead: true,
    canWrite: true,
    filter: () => ({ filter: 'all' }),
    holds: () => true,
  },
  {
    id: '5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c02',
    alias: 'own',
    title: 'own',
    description: 'Threat intelligence this institution produced, strict TLP levels included.',
    canRead: true,
    canWrite: false,
    filter: (institution) => ({ filter: 'producer', value: institution }),
    holds: (v, institution) => v.producer === institution,
  },
  byTlp('5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c03', 'CLEAR'),
  byTlp('5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c04', 'GREEN'),
  byTlp('5b9e2f1c-8a54-4f6e-9c0e-3d1f6a7b2c05', 'AMBER'),
];

/** A collection by id or alias. */
export function findCollection(idOrAlias: string): Collection | undefined {
  return COLLECTIONS.find((c) => c.id === idOrAlias || c.alias === idOrAlias);
}
