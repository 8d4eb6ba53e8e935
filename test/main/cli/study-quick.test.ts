// `pivot demo --quick` (alias of `pivot study`) as a user runs it, on the built-in shapes-quick recipe with one probe
// seed and two Grad-CAM samples, on the best backend (native: 7 s, where cpu takes ~2 min): every line of the table
// it prints states report.json's numbers for its row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCell, formatDifference } from '../../../src-main/engine/study/table';
import { orderedColumns, type StudyReportAsWritten } from '../../../src-shared/domain/study-report';
import { difference } from '../../../src-shared/stats/difference';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

describe('pivot demo --quick', () => {
  it('prints the table of the report.json it wrote', async () => {
    const out = join(tempDir('pivot-study-quick-'), 'report');
    const { code, stdout, stderr } = await startPivot(['demo', '--quick', '--seeds', '1', '--samples', '2', '--out', out]).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as StudyReportAsWritten;
    expect(report.recipe.name).toBe('shapes-quick');
    expect(report.seeds).toEqual([0]);
    expect(stdout).toContain(`PIVOT demo: shapes-quick on ${report.backend}, seeds 0, ${report.durationsMs.total! / 1000} s\n`);
    expect(stdout).toContain(`\nReport: ${report.files.html}\n        ${report.files.json}\n`);

    const lines = stdout.split('\n');
    const columns = orderedColumns(report);
    for (const row of report.rows) {
      const printed = lines.find((l) => l.startsWith(`${row.label} `));
      expect(printed, row.label).toBeDefined();
      const fields = printed!.split(/ {2,}/);
      const d = difference(row.cells.dpo, row.cells.sft);
      expect(d?.mean ?? null, row.label).toBe(row.delta?.value ?? null);
      expect(fields).toEqual([row.label, ...columns.map((c) => formatCell(row.cells[c] ?? null)), formatDifference(d), ...(row.delta ? [row.delta.verdict] : [])]);
    }
  }, 120_000);
});
