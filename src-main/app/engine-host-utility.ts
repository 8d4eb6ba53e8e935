// The engine host under Electron: `utilityProcess.fork` of the same entry the CLI forks (run from source with tsx's
// loader preloaded), behind the EngineHost interface the run manager uses. Only this folder imports electron.
import { join } from 'node:path';
import { app, utilityProcess } from 'electron';
import { lineSplitter, type EngineHost } from '../engine/host/engine-host';
import { tsxLoaderUrl } from '../engine/host/fork';
import type { FromHost } from '../engine/host/protocol';

/**
 * The host entry in the app's folder: a checkout under `electron-vite preview`, or in an installed app the sources
 * electron-builder unpacked beside the asar archive (a forked process reads real files).
 */
export function engineHostEntry(): string {
  return join(app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked'), 'src-main', 'engine', 'host', 'entry.ts');
}

export function launchUtilityEngineHost(): EngineHost {
  const child = utilityProcess.fork(engineHostEntry(), [], {
    serviceName: 'PIVOT Studio engine',
    stdio: 'pipe',
    execArgv: ['--import', tsxLoaderUrl()],
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
