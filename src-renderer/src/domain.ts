// Names and labels of the pair domain as the window shows them. Type-only imports from src-shared keep zod (and
// its `new Function` probe, which a strict CSP reports) out of the window's bundle; the Records below fail to
// compile if the shared unions change.
import type { ImportFormat } from '../../src-shared/domain/import-report';
import type { PairSort, PairStatus, Split } from '../../src-shared/domain/pairs';

export const STATUS_LABELS = {
  pending: 'Pending',
  accepted: 'Accepted',
  rejected: 'Rejected',
  'needs-review': 'Needs review',
} as const satisfies Record<PairStatus, string>;

export const STATUSES = Object.keys(STATUS_LABELS) as PairStatus[];

export const SPLIT_LABELS = { train: 'Train', test: 'Test' } as const satisfies Record<Split, string>;
export const SPLITS = Object.keys(SPLIT_LABELS) as Split[];

export const SORT_LABELS = {
  id: 'ID',
  updated: 'Last updated',
  'length-diff': 'Length difference',
  question: 'Question',
} as const satisfies Record<PairSort, string>;
export const SORTS = Object.keys(SORT_LABELS) as PairSort[];

export const FORMAT_LABELS = {
  trl: 'TRL (prompt / chosen / rejected / images)',
  'rlaif-v': 'RLAIF-V',
  'llava-rlhf': 'LLaVA-RLHF',
} as const satisfies Record<ImportFormat, string>;
export const FORMATS = Object.keys(FORMAT_LABELS) as ImportFormat[];

export function isStatus(value: string): value is PairStatus {
  return Object.prototype.hasOwnProperty.call(STATUS_LABELS, value);
}
