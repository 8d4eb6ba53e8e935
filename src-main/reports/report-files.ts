// The workspace's study reports: `<workspace>/reports/<name>/report.json`, as `pivot demo --workspace` writes them.
// A report is named by its folder only; a name that could leave the reports folder is refused.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import { isReportName, parseStudyReport, summarizeReport, type ReportSummary, type StudyReport } from '../../src-shared/domain/reports';

export const REPORTS_FOLDER = 'reports';

export function reportsDir(workspaceDir: string): string {
  return join(workspaceDir, REPORTS_FOLDER);
}

/** `<workspace>/reports/<name>`, or PATH_OUTSIDE_FOLDER for a name that is not one plain folder name. */
export function reportDir(workspaceDir: string, name: string): string {
  const root = resolve(reportsDir(workspaceDir));
  const dir = resolve(root, name);
  const rel = relative(root, dir);
  if (!isReportName(name) || rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) {
    throw new PivotError('PATH_OUTSIDE_FOLDER', `"${name}" is not a report name (one folder of ${root}).`);
  }
  return dir;
}

export async function readReport(workspaceDir: string, name: string): Promise<StudyReport> {
  const path = join(reportDir(workspaceDir, name), 'report.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PivotError('NOT_FOUND', `No report "${name}" in this workspace.`);
    throw new PivotError('FILE_UNREADABLE', `Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseStudyReport(JSON.parse(text) as unknown);
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: ${(err as Error).message}`);
  }
}

/** Every readable report of the workspace, newest first (folders without a valid report.json are left out). */
export async function listReports(workspaceDir: string): Promise<ReportSummary[]> {
  let entries: string[];
  try {
    entries = (await readdir(reportsDir(workspaceDir), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const summaries: ReportSummary[] = [];
  for (const name of entries) {
    if (!isReportName(name)) continue;
    try {
      summaries.push(summarizeReport(name, await readReport(workspaceDir, name)));
    } catch {
      // Not a report (or one being written): not listed.
    }
  }
  return summaries.sort((a, b) => (a.date === b.date ? b.name.localeCompare(a.name) : b.date.localeCompare(a.date)));
}
