// Where a user's export may write: never over the workspace's own files, never over an existing file unless the user
// said so, and only into a folder that already exists (an export does not make folders the user did not choose).
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { WORKSPACE_DB } from '../../store/workspace';

/** The workspace's own files and folders (store/workspace.ts lays them out); an export must not touch any of them. */
const WORKSPACE_FILES = [WORKSPACE_DB, `${WORKSPACE_DB}-wal`, `${WORKSPACE_DB}-shm`];
const WORKSPACE_FOLDERS = ['images', 'runs', 'reports'];

/**
 * Checks the export file `out` (made absolute against the current folder) for the workspace in `workspaceDir` and
 * returns its absolute path. Throws INVALID_REQUEST when its folder does not exist, when it (or the `images/` folder
 * written beside it) would land on the workspace's own files, and, unless `overwrite`, when it exists already — then
 * with details `{ exists: path }`, so the window can ask the user and send the request again with `overwrite`.
 */
export async function checkExportTarget(workspaceDir: string, out: string, overwrite: boolean): Promise<string> {
  const path = resolve(out);
  const folder = dirname(path);
  let realFolder: string;
  try {
    realFolder = await realpath(folder);
  } catch {
    throw new PivotError('INVALID_REQUEST', `The folder "${folder}" does not exist: create it first, or choose another output file.`, { folder });
  }
  const workspace = await realpath(workspaceDir);
  const target = join(realFolder, basename(path));
  // The export writes `images/` beside the file, so a file directly in the workspace folder would write into the
  // workspace's own images; a file inside images/, runs/ or reports/ would overwrite what the workspace keeps there.
  const owned =
    realFolder === workspace ||
    WORKSPACE_FILES.some((name) => target === join(workspace, name)) ||
    WORKSPACE_FOLDERS.some((name) => inside(join(workspace, name), target));
  if (owned) {
    throw new PivotError(
      'INVALID_REQUEST',
      `Cannot export to "${path}": it is in the workspace's own folder ${workspaceDir}, next to its database, images, runs and reports. Choose a file outside it (or in a subfolder of your own).`,
      { path, workspace: workspaceDir },
    );
  }
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new PivotError('INVALID_REQUEST', `Cannot export to "${path}": it is a folder. Name the .jsonl file to write.`, { path });
  }
  if (existing && !overwrite) {
    throw new PivotError(
      'INVALID_REQUEST',
      `"${path}" already exists: choose another file, or confirm replacing it (--force on the command line).`,
      { exists: path },
    );
  }
  return path;
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
