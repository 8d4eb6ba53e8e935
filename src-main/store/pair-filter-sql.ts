// Turns a PairFilter into a parameterised SQL condition; the list, the counters and bulk actions share it,
// so "the whole filtered query" means the same rows everywhere.
import type { PairFilter, PairSort } from '../../src-shared/domain/pairs';

export interface SqlCondition {
  where: string;
  params: Record<string, string | number>;
}

export function filterToSql(filter: PairFilter, options: { ignoreStatus?: boolean } = {}): SqlCondition {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.status?.length && !options.ignoreStatus) {
    const names = filter.status.map((s, i) => {
      params[`status${i}`] = s;
      return `@status${i}`;
    });
    clauses.push(`p.status IN (${names.join(', ')})`);
  }
  if (filter.tags?.length) {
    const names = filter.tags.map((t, i) => {
      params[`tag${i}`] = t;
      return `@tag${i}`;
    });
    clauses.push(`EXISTS (SELECT 1 FROM json_each(p.tags) WHERE json_each.value IN (${names.join(', ')}))`);
  }
  if (filter.dataset) {
    params.dataset = filter.dataset;
    clauses.push('p.dataset_id = (SELECT id FROM datasets WHERE name = @dataset)');
  }
  if (filter.split) {
    params.split = filter.split;
    clauses.push('p.split = @split');
  }
  if (filter.text?.trim()) {
    params.text = `%${escapeLike(filter.text.trim())}%`;
    clauses.push(
      "(p.question LIKE @text ESCAPE '\\' OR p.chosen LIKE @text ESCAPE '\\' OR p.rejected LIKE @text ESCAPE '\\')",
    );
  }
  if (filter.source?.trim()) {
    params.source = `%${escapeLike(filter.source.trim())}%`;
    clauses.push("p.origin LIKE @source ESCAPE '\\'");
  }
  if (filter.minLengthDiff !== undefined && filter.minLengthDiff > 0) {
    params.minLengthDiff = filter.minLengthDiff;
    clauses.push('abs(p.length_diff) >= @minLengthDiff');
  }
  if (filter.longerSide === 'chosen') clauses.push('p.length_diff > 0');
  if (filter.longerSide === 'rejected') clauses.push('p.length_diff < 0');
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}

export function sortToSql(sort: PairSort, descending: boolean): string {
  const dir = descending ? 'DESC' : 'ASC';
  switch (sort) {
    case 'id':
      return `p.id ${dir}`;
    case 'updated':
      return `p.updated_at ${dir}, p.id ${dir}`;
    case 'length-diff':
      return `abs(p.length_diff) ${dir}, p.id ${dir}`;
    case 'question':
      return `p.question COLLATE NOCASE ${dir}, p.id ${dir}`;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
