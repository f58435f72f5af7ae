/**
 * The index's tables, as numbered migrations: a store opened by a newer release applies the ones it
 * lacks (SQLite's `user_version` says how far a file is), and a store written by a newer release than
 * the one opening it is refused rather than misread.
 */

/** Each entry moves the schema from version i to i + 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  -- one row per intel version, in the order the chain committed them
  CREATE TABLE intel_versions (
    seq           INTEGER PRIMARY KEY,        -- commit order on this index: block, then transaction, then write
    ledger_key    TEXT    NOT NULL UNIQUE,    -- the record's public key on the ledger
    block         INTEGER NOT NULL,
    tx_index      INTEGER NOT NULL,
    tx_id         TEXT    NOT NULL,
    stix_id       TEXT    NOT NULL,           -- the ledger's id (an observable's handle)
    object_id     TEXT,                       -- the object's own id, when readable (an observable's real id)
    modified_us   INTEGER NOT NULL,           -- the version, in microseconds (orders versions of an id)
    stix_type     TEXT    NOT NULL,
    tlp           TEXT    NOT NULL,
    producer      TEXT    NOT NULL,
    tx_time_us    INTEGER NOT NULL,           -- the transaction's time (its submitter's clock, within the endorsers' bound)
    date_added_us INTEGER NOT NULL UNIQUE,    -- when the version became visible here, strictly increasing
    record        TEXT    NOT NULL,           -- the public record (JSON)
    object        TEXT,                       -- the STIX object when the reader may read it, else NULL
    pending       INTEGER NOT NULL            -- 1: readable but not on the peer yet (asked again later)
  ) STRICT;
  CREATE INDEX intel_versions_pending ON intel_versions (seq) WHERE pending = 1;

  -- other members' co-signatures of a version (the same content re-shared)
  CREATE TABLE cosignatures (
    ledger_key  TEXT    NOT NULL,             -- the version's key
    institution TEXT    NOT NULL,
    signer_key  TEXT    NOT NULL,
    tx_id       TEXT    NOT NULL,
    block       INTEGER NOT NULL,
    PRIMARY KEY (ledger_key, institution)
  ) STRICT;
  CREATE INDEX intel_versions_by_id ON intel_versions (stix_id, modified_us);
  CREATE INDEX intel_versions_by_object_id ON intel_versions (object_id) WHERE object_id IS NOT NULL;
  CREATE INDEX intel_versions_by_producer ON intel_versions (producer, seq);
  CREATE INDEX intel_versions_by_tlp ON intel_versions (tlp, seq);
  CREATE INDEX intel_versions_by_added ON intel_versions (date_added_us);
  CREATE INDEX intel_versions_by_type ON intel_versions (stix_type, seq);
  CREATE INDEX intel_versions_by_tx_time ON intel_versions (tx_time_us);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
