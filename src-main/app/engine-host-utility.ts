// The engine host under Electron: `utilityProcess.fork` of the host the app was built with (out/main/engine-host.js,
// inside the asar archive when installed: a utility process reads it like main does), behind the EngineHost interface
// the run manager uses. Only this folder imports electron.
import { utilityProcess } from 'electron';
import { lineSplitter, type EngineHost } from '../engine-jobs/engine-host';
import { engineHostLaunch } from '../engine-jobs/host-entry';
import type { FromHost } from '../engine/host/protocol';

export function launchUtilityEngineHost(): EngineHost {
  const { entry, execArgv } = engineHostLaunch();
  const child = utilityProcess.fork(entry, [], {
    serviceName: 'PIVOT Studio engine',
    stdio: 'pipe',
    execArgv,
  });
  const outputListeners: Array<(stream: 'stdout' | 'stderr', line: string) => void> = [];
  const emitLine = (stream: 'stdout' | 'stderr', line: string): void => {
    for (const listener of outputListeners) listener(stream, line);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = lineSplitter((line) => emitLine(stream, line));
    child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk));
    child[stream]?.on('end', () => lines.end());
  }
  // V8's fatal errors (out of memory among them) come as an event, not on stderr: keep them for the crash report.
  child.on('error', (type, location, report) => {
    emitLine('stderr', `${type} at ${location}`);
    for (const line of report.split('\n').slice(0, 20)) if (line.trim()) emitLine('stderr', line);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (!exited) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => listener(message as FromHost));
    },
    onOutput(listener) {
      outputListeners.push(listener);
    },
    onExit(listener) {
      // Electron gives only the code (waitpid's): a signal shows as a non-zero code.
      child.once('exit', (code) => listener(code, null));
    },
    kill() {
      if (!exited) child.kill();
    },
  };
}
