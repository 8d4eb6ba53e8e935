// The `pivot` command's exit status for each error code, after BSD's sysexits.h: 64 when the command line or a
// recipe is wrong, 65 when an input file or model is, 70 for a bug, so a script can tell "fix the command",
// "fix the data" and "report a bug" apart.
import { CommanderError } from 'commander';
import { PivotError, type ErrorCode } from '../../src-shared/errors';

/** EX_USAGE: the command, an option or a recipe value is wrong; the same command will fail again. */
const USAGE = 64;
/** EX_DATAERR: a file, folder, checkpoint or model the command was given is missing, malformed or does not fit. */
const DATA = 65;
/** EX_SOFTWARE: a bug in PIVOT Studio. */
const SOFTWARE = 70;
/** EX_TEMPFAIL: the workspace is busy or its connection closed; the same command may work later. */
const TEMPORARY = 75;
/** The work ran and failed for a reason no input names (the loss diverged, a device ran out of memory). */
const FAILED = 1;

/** One row per code, so a new code cannot be added without choosing its exit status. */
const EXIT_STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: USAGE,
  INVALID_CONFIG: USAGE,
  UNKNOWN_CHANNEL: USAGE,
  NOTHING_TO_UNDO: USAGE,
  NOT_FOUND: DATA,
  FILE_UNREADABLE: DATA,
  INVALID_DATA: DATA,
  CHECKPOINT_INCOMPATIBLE: DATA,
  UNSUPPORTED_MODEL: DATA,
  PATH_OUTSIDE_FOLDER: DATA,
  WORKSPACE_TOO_NEW: DATA,
  WORKSPACE_UNAVAILABLE: TEMPORARY,
  UNAUTHORIZED: FAILED,
  TRAINING_DIVERGED: FAILED,
  OUT_OF_MEMORY: FAILED,
  INTERNAL: SOFTWARE,
};

/** The exit status for an error that ended a command: commander's own (help, version: 0; a bad option: 64) or by code. */
export function exitStatusOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE;
  return EXIT_STATUS[PivotError.toData(err).code];
}

/** The table for `pivot --help`. */
export const EXIT_STATUS_HELP = `
Exit status:
  0    done
  1    the work failed for a reason no input names: the loss diverged (TRAINING_DIVERGED), out of memory
  64   usage: a bad command, option or recipe value (INVALID_REQUEST, INVALID_CONFIG)
  65   data: a missing, malformed or incompatible file, checkpoint or model (NOT_FOUND, FILE_UNREADABLE,
       INVALID_DATA, CHECKPOINT_INCOMPATIBLE, UNSUPPORTED_MODEL, PATH_OUTSIDE_FOLDER)
  70   a bug in PIVOT Studio (INTERNAL); please report it with the message
  75   the workspace is busy; try again (WORKSPACE_UNAVAILABLE)
  130  pivot train was cancelled (Ctrl+C); running it again resumes`;
