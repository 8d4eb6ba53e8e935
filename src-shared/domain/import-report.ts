// The per-record outcome of an import, shown to the user in the CLI (`--json`) and in the UI.

/** One record that was not imported, located by line (JSONL) or by index (JSON array). */
export interface RejectedRecord {
  line?: number;
  index?: number;
  id?: string;
  reason: string;
}

export interface ImportReport {
  imported: number;
  rejected: RejectedRecord[];
  /** Records already in the workspace (re-import of the same file), so nothing is duplicated. */
  skipped: number;
}

export const IMPORT_FORMATS = ['trl', 'rlaif-v', 'llava-rlhf'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
