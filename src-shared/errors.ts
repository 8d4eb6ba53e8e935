// One list of error codes for every boundary (IPC, WebSocket, CLI): errors cross as data, not as thrown objects,
// because Electron keeps only the message of an error thrown across IPC. A user's mistake gets a code that says
// what to fix; INTERNAL is left for bugs, so the CLI and the window can tell the two apart.

export const ERROR_CODES = [
  /** A request or command is malformed or asks for something that cannot be done (a missing option, a bad pair of flags). */
  'INVALID_REQUEST',
  /** An IPC or WebSocket message names a channel the contract does not have. */
  'UNKNOWN_CHANNEL',
  /** A WebSocket client did not present the server's token. */
  'UNAUTHORIZED',
  /** A thing the user named (a pair, a run, a checkpoint folder) does not exist. */
  'NOT_FOUND',
  /** The workspace was written by a newer PIVOT Studio. */
  'WORKSPACE_TOO_NEW',
  /** The workspace cannot be opened now (locked, or the connection to it closed). */
  'WORKSPACE_UNAVAILABLE',
  /** A path leaves the folder it must stay in. */
  'PATH_OUTSIDE_FOLDER',
  /** A file the user named cannot be read: missing, not readable, or not the kind of file asked for. */
  'FILE_UNREADABLE',
  /** Undo was asked of a pair with no edit to undo. */
  'NOTHING_TO_UNDO',
  /** A value in a recipe, a model's config.json or a command's options is out of range or of the wrong kind. */
  'INVALID_CONFIG',
  /** A data, weights, image, mask or run file is malformed: bad JSON, a truncated safetensors, a mask of the wrong size. */
  'INVALID_DATA',
  /** Weights or a checkpoint do not fit the model they are loaded into: a tensor missing or of another shape. */
  'CHECKPOINT_INCOMPATIBLE',
  /** A model folder holds an architecture (model_type) the engine does not implement. */
  'UNSUPPORTED_MODEL',
  /** Training produced a non-finite loss or gradient norm and stopped before applying that update. */
  'TRAINING_DIVERGED',
  /** A device had no room for a tensor: details name the sizes asked for and free. */
  'OUT_OF_MEMORY',
  /** A bug: an invariant of the code failed. Anything thrown without a code becomes this. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The details each code carries, where it carries a known shape; every field is optional so a site gives what it knows. */
export interface ErrorDetailsByCode {
  INVALID_CONFIG: { file?: string; recipe?: string; objective?: string; stage?: string; encoder?: string; field?: string; value?: unknown };
  INVALID_DATA: { file?: string; tensor?: string; folder?: string; line?: number; field?: string; images?: number; k?: number; pairs?: readonly number[] };
  CHECKPOINT_INCOMPATIBLE: { file?: string; tensor?: string; expected?: readonly number[]; got?: readonly number[] };
  UNSUPPORTED_MODEL: { file?: string; modelType?: string; supported?: readonly string[] };
  TRAINING_DIVERGED: { stage: string; step: number; loss: number; gradNorm?: number };
  OUT_OF_MEMORY: { backend?: string; device?: string; requestedBytes?: number; freeBytes?: number; inUseBytes?: number };
}
/** The details of one code: its shape from ErrorDetailsByCode, or anything for a code without one. */
export type ErrorDetails<C extends ErrorCode> = C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : unknown;

/** The serialised form of an error, as it crosses a process or network boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class PivotError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: ErrorDetails<C> | undefined;

  constructor(code: C, message: string, details?: ErrorDetails<C>) {
    super(message);
    this.name = 'PivotError';
    this.code = code;
    this.details = details;
  }

  toJSON(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(data: ErrorData): PivotError {
    return new PivotError(data.code, data.message, data.details);
  }

  /** Wraps anything thrown into the wire form; unknown errors become INTERNAL with their message. */
  static toData(err: unknown): ErrorData {
    if (err instanceof PivotError) return err.toJSON();
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'INTERNAL', message };
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
