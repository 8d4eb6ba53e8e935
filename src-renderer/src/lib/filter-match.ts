// The pair filter evaluated in the window, with the same meaning as the app's SQL (src-main/store/pair-filter-sql.ts):
// used only to know whether a pair the user just edited still matches the list it was loaded in, so pages fetched
// later by offset line up (see stores/pairs.ts).
import type { PairFilter, PreferencePair } from '../../../src-shared/domain/pairs';

/** Characters as SQLite's length() counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function lengthDiff(pair: Pick<PreferencePair, 'chosen' | 'rejected'>): number {
  return charCount(pair.chosen) - charCount(pair.rejected);
}

export function matchesFilter(pair: PreferencePair, filter: PairFilter): boolean {
  if (filter.status?.length && !filter.status.includes(pair.status)) return false;
  if (filter.tags?.length && !filter.tags.some((t) => pair.tags.includes(t))) return false;
  if (filter.dataset && pair.source.dataset !== filter.dataset) return false;
  if (filter.split && pair.split !== filter.split) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text && ![pair.question, pair.chosen, pair.rejected].some((s) => s.toLowerCase().includes(text))) return false;
  const source = filter.source?.trim().toLowerCase();
  if (source && !JSON.stringify(pair.source.origin).toLowerCase().includes(source)) return false;
  const diff = lengthDiff(pair);
  if (filter.minLengthDiff !== undefined && filter.minLengthDiff > 0 && Math.abs(diff) < filter.minLengthDiff) return false;
  if (filter.longerSide === 'chosen' && !(diff > 0)) return false;
  if (filter.longerSide === 'rejected' && !(diff < 0)) return false;
  return true;
}
