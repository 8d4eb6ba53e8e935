// What an undo step undoes, in the user's words, for the "Undid: …" toast: "accepted 5 pairs", "swapped pair #3".
import type { BulkAction, PairEdit, PairStatus } from '../../../src-shared/domain/pairs';

/** One step of the window's undo history: one pair's edit, or a whole bulk action (named by its job). */
export type UndoStep = { kind: 'pair'; id: number; what: string } | { kind: 'bulk'; job: string; what: string };

function statusVerb(status: PairStatus, subject: string): string {
  return status === 'accepted' || status === 'rejected' ? `${status} ${subject}` : `marked ${subject} ${status}`;
}

/** An edit of one pair through `pairs:update`. */
export function describeEdit(id: number, edit: PairEdit): string {
  const subject = `pair #${id}`;
  const fields = Object.keys(edit);
  if (fields.length === 1 && edit.status) return statusVerb(edit.status, subject);
  if (fields.length === 1 && edit.split) return `moved ${subject} to ${edit.split}`;
  return `edited ${fields.join(', ')} of ${subject}`;
}

/** A bulk action that changed `affected` pairs. */
export function describeBulk(action: BulkAction, affected: number): string {
  const subject = `${affected} ${affected === 1 ? 'pair' : 'pairs'}`;
  switch (action.kind) {
    case 'status':
      return statusVerb(action.status, subject);
    case 'split':
      return `moved ${subject} to ${action.split}`;
    case 'add-tag':
      return `tagged ${subject} “${action.tag}”`;
    case 'remove-tag':
      return `removed the tag “${action.tag}” from ${subject}`;
    case 'delete':
      return `deleted ${subject}`;
  }
}
