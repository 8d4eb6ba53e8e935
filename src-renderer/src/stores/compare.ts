// The Compare screen: the workspace's study reports, the selected one, the reference column the deltas are taken
// against, the rows shown expanded, the table's export (CSV / Markdown as a download, no server round trip), and
// exporting the encoder of a column.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { tableCsv, tableMarkdown } from '../lib/compare-table';
import { downloadText } from '../lib/download';
import type { ReportSummary, StudyReport } from '../../../src-shared/domain/study-report';
import { compareTable, type CompareTable } from '../../../src-shared/domain/study-table';
import { useApi } from '../api';
import type { EncoderExportReport, RequestOf } from '../../../src-shared/ipc/contract';
import { useJobsStore } from './jobs';
import { useToastsStore } from './toasts';

/** A report's encoder column to export, with the checkpoint the report names for it (shown, not sent). */
export interface ReportColumn {
  report: string;
  column: string;
  checkpoint: string;
}

export const useCompareStore = defineStore('compare', () => {
  const api = useApi();
  const toasts = useToastsStore();
  const jobs = useJobsStore();
  const reports = ref<ReportSummary[]>([]);
  const listed = ref(false);
  const selectedName = ref<string | null>(null);
  const report = shallowRef<StudyReport | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** The column the deltas are taken against (null: SFT when there is one, else the first). */
  const reference = ref<string | null>(null);
  const expanded = ref<Set<string>>(new Set());

  const table = computed<CompareTable | null>(() => (report.value ? compareTable(report.value, reference.value ?? undefined) : null));

  /** Lists the reports and opens `open` (a study just wrote it) when listed; else keeps the selection, or opens the newest. */
  async function loadList(open?: string): Promise<void> {
    try {
      reports.value = await api.reports.list({});
      listed.value = true;
      if (open !== undefined && reports.value.some((r) => r.name === open)) {
        await select(open);
        return;
      }
      const still = reports.value.some((r) => r.name === selectedName.value);
      if (!still) {
        const first = reports.value[0];
        if (first) await select(first.name);
        else {
          selectedName.value = null;
          report.value = null;
        }
      }
    } catch (err) {
      toasts.error(err, 'Listing the reports');
    }
  }

  async function select(name: string): Promise<void> {
    selectedName.value = name;
    loading.value = true;
    error.value = null;
    expanded.value = new Set();
    try {
      const loaded = await api.reports.get({ name });
      if (selectedName.value !== name) return;
      report.value = loaded;
      if (reference.value !== null && !compareTable(loaded, reference.value).columns.includes(reference.value)) reference.value = null;
    } catch (err) {
      if (selectedName.value !== name) return;
      report.value = null;
      error.value = err instanceof Error ? err.message : String(err);
      toasts.error(err, `Opening report ${name}`);
    } finally {
      if (selectedName.value === name) loading.value = false;
    }
  }

  function setReference(column: string): void {
    reference.value = column;
  }

  function toggleRow(key: string): void {
    const next = new Set(expanded.value);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    expanded.value = next;
  }

  function exportName(ext: string): string {
    return `pivot-compare-${selectedName.value ?? 'report'}-vs-${table.value?.reference ?? 'reference'}.${ext}`;
  }

  function exportCsv(): void {
    if (table.value) downloadText(exportName('csv'), tableCsv(table.value), 'text/csv');
  }

  function exportMarkdown(): void {
    if (table.value) downloadText(exportName('md'), tableMarkdown(table.value), 'text/markdown');
  }

  /**
   * Exports the encoder of a report's column (`reports:export-encoder`) as a job, like a run's export: its progress is
   * in the jobs store under the id handed to `onStart`; throws the app's error (the dialog shows it).
   */
  function exportEncoder(request: Omit<RequestOf<'reports:export-encoder'>, 'job'>, onStart?: (job: string) => void): Promise<EncoderExportReport> {
    return jobs.run('export', (job) => api.reports.exportEncoder({ ...request, job }), onStart);
  }

  return {
    reports, listed, selectedName, report, loading, error, reference, expanded, table,
    loadList, select, setReference, toggleRow, exportCsv, exportMarkdown, exportEncoder,
  };
});
