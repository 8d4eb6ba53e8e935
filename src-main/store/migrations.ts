// The workspace schema, as an ordered list of migrations; PRAGMA user_version records how many have run.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source_path TEXT,
    imported_at TEXT NOT NULL
  );
  CREATE TABLE images (
    hash TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL
  );
  CREATE TABLE pairs (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    image TEXT NOT NULL REFERENCES images(hash),
    question TEXT NOT NULL,
    chosen TEXT NOT NULL,
    rejected TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'accepted', 'rejected', 'needs-review')),
    tags TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'test')),
    origin TEXT NOT NULL DEFAULT '{}',
    -- Hash of the record as first imported: re-importing a file must not duplicate pairs even after edits.
    dedup_key TEXT NOT NULL UNIQUE,
    length_diff INTEGER GENERATED ALWAYS AS (length(chosen) - length(rejected)) STORED,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX pairs_status ON pairs(status);
  CREATE INDEX pairs_dataset ON pairs(dataset_id);
  CREATE INDEX pairs_updated ON pairs(updated_at);
  -- The length-bias check sorts and filters by it.
  CREATE INDEX pairs_length_diff ON pairs(abs(length_diff));
  CREATE INDEX pairs_question ON pairs(question COLLATE NOCASE, id);
  CREATE TABLE pair_history (
    id INTEGER PRIMARY KEY,
    pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL
  );
  CREATE INDEX pair_history_pair ON pair_history(pair_id, id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
