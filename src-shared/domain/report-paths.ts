// Where a study report's files are: a report's folder name (one path segment inside the workspace's reports/), the
// files of a report the window may load, and their route under `pivot serve`.
import { z } from 'zod';

/** A report's folder name: one path segment, never `..`, no separators. */
export const reportNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[/\\\0]/.test(s) && !s.includes('..') && s !== '.', { message: 'A report name is one folder name: no "/", "\\" or "..".' });

export function isReportName(name: string): boolean {
  return reportNameSchema.safeParse(name).success;
}

/** A file of a report the window may load: only `examples/<plain name>.png|json`, never a path of its own. */
export const REPORT_FILE_PATTERN = /^examples\/[A-Za-z0-9_.-]+\.(png|json)$/;

export function isReportFile(file: string): boolean {
  return REPORT_FILE_PATTERN.test(file) && !file.slice('examples/'.length).startsWith('.');
}

/** Report files under `pivot serve`: `/reports/<name>/<examples/…>?token=…`. */
export const REPORT_ROUTE = '/reports/';

/** The route's path for a report file (name and file URL-encoded; the file keeps its one "/"). */
export function reportFilePathname(name: string, file: string): string {
  return `${encodeURIComponent(name)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** `<name>/<file>` back from a route's path; null when it is not one name and a file. */
export function parseReportFilePathname(path: string): { name: string; file: string } | null {
  const slash = path.indexOf('/');
  if (slash <= 0) return null;
  try {
    const name = decodeURIComponent(path.slice(0, slash));
    const file = path.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
    return { name, file };
  } catch {
    return null;
  }
}
