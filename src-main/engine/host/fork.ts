// Starts the engine host as a Node child process: `child_process.fork` of entry.ts with tsx's loader preloaded
// (`--import <absolute URL of tsx>`, so it resolves from any working directory), an IPC channel using structured
// clone (NaN and Infinity losses survive, JSON would turn them into null), and stdout / stderr piped to the parent.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lineSplitter, type EngineHost } from './engine-host';
import { JOB_MODULE_ARG, type FromHost } from './protocol';

/** The host's entry, run from source like the rest of the CLI. */
export const ENGINE_HOST_ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));

/** tsx's loader as a file URL: `--import` resolves a bare name from the working directory, which may be anywhere. */
export function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export interface ForkOptions {
  /** A module whose `jobs` the host runs instead of the registry's of the same kind (tests' doubles). */
  jobModule?: string;
}

export function forkEngineHost(options: ForkOptions = {}): EngineHost {
  const child = fork(ENGINE_HOST_ENTRY, options.jobModule ? [`${JOB_MODULE_ARG}${options.jobModule}`] : [], {
    execArgv: ['--import', tsxLoaderUrl()],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let spawnError: Error | undefined;
  child.on('error', (err) => {
    spawnError ??= err;
  });
  return {
    pid: child.pid,
    send(message) {
      // A host that has exited cannot be told anything; its exit is reported through onExit.
      if (child.connected) child.send(message);
    },
    onMessage(listener) {
      child.on('message', (message) => listener(message as FromHost));
    },
    onOutput(listener) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const lines = lineSplitter((line) => listener(stream, line));
        child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk));
        child[stream]?.on('end', () => lines.end());
      }
    },
    onExit(listener) {
      // 'close' comes after the IPC channel and the pipes are drained: no message arrives after it.
      child.once('close', (code, signal) => listener(code, signal, spawnError));
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
