// The workspace pairs a New run form or New study dialog selects (a dataset or all, a status or any, and the pairs
// excluded after the check), as `runs:check`, `runs:start` and `studies:start` take them.
import type { PairStatus } from '../../../src-shared/domain/pairs';

/** What the forms' workspace pair fields hold. */
export interface PairSelection {
  /** '' = all datasets. */
  dataset: string;
  /** '' = any status. */
  status: PairStatus | '';
  /** Pair ids left out (the check's unusable ones, once the user excludes them). */
  exclude: number[];
}

/** A new form's selection: every dataset's accepted pairs. */
export function defaultPairSelection(): PairSelection {
  return { dataset: '', status: 'accepted', exclude: [] };
}

/** The selected pairs without the exclusions: the pair check adds those itself, so that Exclude re-checks. */
export function checkedPairs(selection: PairSelection): { dataset?: string; filter: { status?: PairStatus[] } } {
  return { ...(selection.dataset ? { dataset: selection.dataset } : {}), filter: selection.status ? { status: [selection.status] } : {} };
}

/** The selected pairs as Start requests them, the excluded ones left out. */
export function requestedPairs(selection: PairSelection): { dataset?: string; filter: { status?: PairStatus[] }; exclude?: number[] } {
  return { ...checkedPairs(selection), ...(selection.exclude.length > 0 ? { exclude: selection.exclude } : {}) };
}
