// Starts the engine host as a Node child process: `child_process.fork` of its entry (built or from source, see
// host-entry.ts), an IPC channel using structured clone (NaN and Infinity losses survive, JSON would turn them into
// null), and stdout / stderr piped to the parent.
import { fork } from 'node:child_process';
import { lineSplitter, type EngineHost } from './engine-host';
import { engineHostLaunch } from './host-entry';
import { ENGINE_JOB_ENV, type FromHost } from './protocol';

export interface ForkOptions {
  /** A module to run instead of the engine's `train` (sets $PIVOT_ENGINE_JOB for the host). */
  jobModule?: string;
}

export function forkEngineHost(options: ForkOptions = {}): EngineHost {
  const env = { ...process.env, ...(options.jobModule ? { [ENGINE_JOB_ENV]: options.jobModule } : {}) };
  const { entry, execArgv } = engineHostLaunch({ loadsTypeScript: env[ENGINE_JOB_ENV] !== undefined });
  const child = fork(entry, [], {
    execArgv,
    env,
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
