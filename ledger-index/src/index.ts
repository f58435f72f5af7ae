/**
 * @xborder/ledger-index: a commit-ordered index of the ledger for one reader identity, in SQLite. It
 * follows the chain block by block and holds exactly what that identity may read; it is a cache that
 * answers listings, polling and search fast, never the authority: every row names its block and
 * transaction, so an answer can be proven against the ledger.
 */
export { IndexStore, IndexStoreError } from './store';
export type {
  Cosigner,
  IndexedBlock,
  IndexedVersion,
  IndexFilter,
  IndexOwner,
  IndexStoreOptions,
  PendingVersion,
  RevealedContent,
  SearchPage,
  SearchQuery,
  StoredVersion,
} from './store';
export { IndexFollower, ownerOf } from './follower';
export type { FollowerOptions, FollowerStatus } from './follower';
export { readBlockIntel } from './block-reader';
export type { BlockIntel, CosignatureWrite, IntelWrite } from './block-reader';
export { checkIndex } from './check';
export type { IndexCheck, IndexDifference } from './check';
