// The parent's handle on an engine host process, whichever way it was started (child_process.fork under Node,
// utilityProcess.fork under Electron): send messages, hear messages, output and the exit.
import type { FromHost, ToHost } from '../engine/host/protocol';

export interface EngineHost {
  readonly pid: number | undefined;
  send(message: ToHost): void;
  onMessage(listener: (message: FromHost) => void): void;
  /** Lines the host wrote to stdout or stderr (the engine's own prints, a fatal error's report). */
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void;
  /**
   * Called once when the process has ended and every message it sent has been delivered: the exit code, or the
   * signal that killed it; `error` when it could not be started at all.
   */
  onExit(listener: (code: number | null, signal: string | null, error?: Error) => void): void;
  kill(): void;
}

/** Starts a fresh engine host. */
export type HostLauncher = () => EngineHost;

/** Splits a byte stream into lines for `onOutput`, keeping an unfinished last line until more arrives. */
export function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk.toString()).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.length > 0) emit(line);
    },
    end() {
      if (rest.length > 0) emit(rest);
      rest = '';
    },
  };
}
