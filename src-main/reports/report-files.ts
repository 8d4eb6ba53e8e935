// The workspace's study reports: `<workspace>/reports/<name>/report.json`, as `pivot demo --workspace` writes them.
// A report is named by its folder only; a name that could leave the reports folder is refused.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import { isReportFile, isReportName } from '../../src-shared/domain/report-paths';
import { parseExamplesIndex, reportExamplesFile } from '../../src-shared/domain/study-examples';
import { parseStudyReport, summarizeReport, type ReportSummary, type StudyReport } from '../../src-shared/domain/study-report';

export const REPORTS_FOLDER = 'reports';

/** A report folder name from a date: `2026-11-26_05-53-50` (sortable, no characters a path or a URL would mind). */
export function reportFolderName(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
}

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

/**
 * The path of a report's file the window may load (`examples/<name>.png|json`), or PATH_OUTSIDE_FOLDER: the name must
 * be one report folder, the file must match REPORT_FILE_PATTERN, and the resolved path must stay in the folder.
 */
export function reportFilePath(workspaceDir: string, name: string, file: string): string {
  const dir = reportDir(workspaceDir, name);
  const path = resolve(dir, file);
  const rel = relative(dir, path);
  if (!isReportFile(file) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new PivotError('PATH_OUTSIDE_FOLDER', `"${file}" is not a file of report "${name}" the window may load.`);
  }
  return path;
}

/**
 * The real path of a report file the window may load, for `pivot serve` and Electron's `pivot-image://report` alike:
 * reportFilePath's checks, then links resolved (fs.realpath) and the file confined to the real reports folder, so a
 * link inside a report (`examples/x.json` → /etc/passwd) is refused with PATH_OUTSIDE_FOLDER. NOT_FOUND when there
 * is no such regular file.
 */
export async function realReportFilePath(workspaceDir: string, name: string, file: string): Promise<string> {
  const path = reportFilePath(workspaceDir, name, file);
  let root: string;
  let real: string;
  try {
    [root, real] = await Promise.all([realpath(reportsDir(workspaceDir)), realpath(path)]);
  } catch {
    throw new PivotError('NOT_FOUND', `Report "${name}" has no file ${file}.`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new PivotError('PATH_OUTSIDE_FOLDER', `${path} links outside the workspace's reports folder (${root}): it is not served.`);
  }
  // A FIFO or a device would hang the read; only regular files are reports' files.
  if (!(await stat(real)).isFile()) throw new PivotError('NOT_FOUND', `Report "${name}" has no file ${file} (not a regular file).`);
  return real;
}

export function reportFileMime(file: string): string {
  return file.endsWith('.png') ? 'image/png' : 'application/json; charset=utf-8';
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
  let report: StudyReport;
  try {
    report = parseStudyReport(JSON.parse(text) as unknown);
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: ${(err as Error).message}`);
  }
  return attachExamples(workspaceDir, name, report);
}

/** The report's examples.json as `examplesIndex`, when it has one that reads (older reports have none). */
async function attachExamples(workspaceDir: string, name: string, report: StudyReport): Promise<StudyReport> {
  const file = reportExamplesFile(report);
  if (!file) return report;
  try {
    const index = parseExamplesIndex(JSON.parse(await readFile(await realReportFilePath(workspaceDir, name, file), 'utf8')) as unknown);
    return index ? { ...report, examplesIndex: index } : report;
  } catch {
    return report;
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
