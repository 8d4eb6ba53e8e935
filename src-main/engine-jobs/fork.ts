// Starts the engine host as a Node child process: `child_process.fork` of its entry (built or from source, see
// host-entry.ts), an IPC channel using structured clone (NaN and Infinity losses survive, JSON would turn them into
// null), and stdout / stderr piped to the parent.
import { fork } from 'node:child_process';
import { lineSplitter, type EngineHost } from './engine-host';
import { engineHostLaunch } from './host-entry';
import { JOB_MODULE_ARG, type FromHost } from '../engine/host/protocol';

export interface ForkOptions {
  /** A module whose `jobs` the host runs instead of the registry's of the same kind (tests' doubles). */
  jobModule?: string;
}

export function forkEngineHost(options: ForkOptions = {}): EngineHost {
  // A test double is TypeScript: only the host run from source (through tsx) can load it.
  const { entry, execArgv } = engineHostLaunch({ loadsTypeScript: options.jobModule !== undefined });
  const child = fork(entry, options.jobModule ? [`${JOB_MODULE_ARG}${options.jobModule}`] : [], {
    execArgv,
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
