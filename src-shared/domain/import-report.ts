// The per-record outcome of an import, shown to the user in the CLI (`--json`) and in the UI.

/** One record that was not imported, located by line (JSONL) or by index (JSON array). */
export interface RejectedRecord {
  line?: number;
  index?: number;
  id?: string;
  reason: string;
}

export interface ImportReport {
  /** The format the records were read as: the one asked for, or the one detected. */
  format: ImportFormat;
  imported: number;
  rejected: RejectedRecord[];
  /** Records already in the workspace (re-import of the same file), so nothing is duplicated. */
  skipped: number;
  /** Blank lines of a JSONL file, passed over as layout (not records); 0 for a JSON array. */
  blankLines: number;
}

/** One import kept in the workspace's history; its rejected records are fetched apart (there may be many). */
export interface ImportHistoryEntry {
  id: number;
  /** When it ran (ISO 8601). */
  at: string;
  /** The dataset it filed its pairs under (named even when it added none). */
  dataset: string;
  /** The file, as an absolute path on the machine that imported it. */
  file: string;
  format: ImportFormat;
  imported: number;
  skipped: number;
  blankLines: number;
  /** How many records were rejected. */
  rejected: number;
}

export const IMPORT_FORMATS = ['trl', 'rlaif-v', 'llava-rlhf'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
