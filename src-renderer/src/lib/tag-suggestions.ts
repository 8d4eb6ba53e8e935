// The workspace's tags that fit what is being typed in a tag field: those starting with it first, then those
// containing it, case-insensitive, leaving out the tags the pair already has.

/** At most `limit` known tags matching `draft`, in the order shown; none for an empty draft or an exact match. */
export function suggestTags(known: readonly string[], draft: string, exclude: readonly string[] = [], limit = 8): string[] {
  const typed = draft.trim().toLowerCase();
  if (!typed) return [];
  const candidates = known.filter((t) => !exclude.includes(t) && t.toLowerCase().includes(typed));
  if (candidates.length === 1 && candidates[0] === draft.trim()) return [];
  const starting = candidates.filter((t) => t.toLowerCase().startsWith(typed));
  return [...starting, ...candidates.filter((t) => !starting.includes(t))].slice(0, limit);
}
