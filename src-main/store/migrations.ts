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
  // 2: training runs, their metrics and their logs.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    recipe TEXT NOT NULL,
    objective TEXT CHECK (objective IS NULL OR objective IN ('sft', 'dpo')),
    backend TEXT,
    -- The data source as asked (JSON): {"folder"} or {"dataset", "filter"}; NULL = the recipe's own.
    data TEXT,
    status TEXT NOT NULL DEFAULT 'queued'
      CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'crashed')),
    error TEXT,
    -- Relative to the workspace folder, so a moved workspace keeps its runs.
    run_dir TEXT NOT NULL,
    progress TEXT,
    result TEXT,
    -- The process that drives the run (the app, pivot serve or pivot train): a run whose owner is gone is over.
    owner_pid INTEGER,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT
  );
  CREATE INDEX runs_status ON runs(status);
  CREATE TABLE run_metrics (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    step INTEGER NOT NULL,
    elapsed_ms REAL NOT NULL,
    -- Step and time along the whole run (they continue across stages).
    run_step INTEGER NOT NULL,
    run_ms REAL NOT NULL,
    metric_values TEXT NOT NULL
  );
  CREATE INDEX run_metrics_run ON run_metrics(run_id, id);
  CREATE TABLE run_logs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    message TEXT NOT NULL
  );
  CREATE INDEX run_logs_run ON run_logs(run_id, id);
  `,
  // 3: the bulk action (its job id) that recorded a history row, so a whole bulk is undone as one step.
  `
  ALTER TABLE pair_history ADD COLUMN batch TEXT;
  CREATE INDEX pair_history_batch ON pair_history(batch) WHERE batch IS NOT NULL;
  `,
  // 4: the import history: every import's report (from the window or \`pivot data import\`) with its rejected records.
  // The dataset is kept by name: an import that added nothing files no dataset, yet its report is kept.
  `
  CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    dataset TEXT NOT NULL,
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    imported INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    blank_lines INTEGER NOT NULL,
    rejected INTEGER NOT NULL
  );
  CREATE INDEX imports_dataset ON imports(dataset, id);
  CREATE TABLE import_rejections (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line INTEGER,
    record_index INTEGER,
    record_id TEXT,
    reason TEXT NOT NULL
  );
  CREATE INDEX import_rejections_import ON import_rejections(import_id, id);
  `,
  // 5: where each pair stood in its source file (line of a JSONL file, index of a JSON array), and the picks of blind
  // review: which answer a reviewer preferred with the labels hidden (a pick of 'chosen' agrees with the pair's label).
  `
  ALTER TABLE pairs ADD COLUMN source_line INTEGER;
  ALTER TABLE pairs ADD COLUMN source_index INTEGER;
  CREATE TABLE pair_reviews (
    id INTEGER PRIMARY KEY,
    pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    pick TEXT NOT NULL CHECK (pick IN ('chosen', 'rejected'))
  );
  CREATE INDEX pair_reviews_pair ON pair_reviews(pair_id, id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
