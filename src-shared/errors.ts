// One list of error codes for every boundary (IPC, WebSocket, CLI): errors cross as data, not as thrown objects,
// because Electron keeps only the message of an error thrown across IPC.

export const ERROR_CODES = {
  INVALID_REQUEST: { retryable: false },
  UNKNOWN_CHANNEL: { retryable: false },
  UNAUTHORIZED: { retryable: false },
  NOT_FOUND: { retryable: false },
  WORKSPACE_TOO_NEW: { retryable: false },
  WORKSPACE_UNAVAILABLE: { retryable: true },
  PATH_OUTSIDE_FOLDER: { retryable: false },
  FILE_UNREADABLE: { retryable: false },
  NOTHING_TO_UNDO: { retryable: false },
  INVALID_CONFIG: { retryable: false },
  INVALID_DATA: { retryable: false },
  CHECKPOINT_INCOMPATIBLE: { retryable: false },
  TRAINING_DIVERGED: { retryable: false },
  /** A device had no room for a tensor: details name the sizes asked for and free. */
  OUT_OF_MEMORY: { retryable: false },
  INTERNAL: { retryable: true },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The serialised form of an error, as it crosses a process or network boundary. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class PivotError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'PivotError';
    this.code = code;
    this.details = details;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
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
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
