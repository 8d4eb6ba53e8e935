#!/usr/bin/env node
// Builds the native addon (src-main/native) with cmake-js; run by `npm ci` (postinstall) and `npm run
// build:native`. A failed build never fails the install: the engine then runs on wasm, and `pivot doctor`
// shows the reason this script leaves in src-main/native/build/status.json with the end of the build log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'src-main', 'native');
const strict = process.argv.includes('--strict');
const extra = process.argv.slice(2).filter((a) => a.startsWith('-D'));
// `--out DIR`: build there instead (the GPU check's portable build must not replace this machine's own).
const outAt = process.argv.indexOf('--out');
const build = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]) : join(native, 'build');
if (process.env.PIVOT_NATIVE === 'off') {
  console.log('pivot: PIVOT_NATIVE=off, native addon not built (the engine will use wasm)');
  process.exit(0);
}

mkdirSync(build, { recursive: true });
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const args = [cmakeJs, 'compile', '--directory', native, '--out', build, ...extra.map((d) => `--CD${d.slice(2)}`)];
console.log(`pivot: building the native addon (${native}); this compiles the CPU device and, with nvcc, the CUDA one`);
const started = Date.now();
const result = existsSync(cmakeJs)
  ? spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  : { status: 1, stdout: '', stderr: `cmake-js is not installed (${cmakeJs})` };
const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
writeFileSync(join(build, 'build.log'), log);
const addon = join(build, 'Release', 'pivot_native.node');
const ok = result.status === 0 && existsSync(addon);
const tail = log.trim().split('\n').slice(-15).join('\n');
/** cmake says so when it configures; an incremental build only compiles, so then ask the cache and the objects. */
function builtWithCuda(buildLog) {
  if (/building the CUDA device/.test(buildLog)) return true;
  const cache = join(build, 'CMakeCache.txt');
  return existsSync(cache) && /^PIVOT_CUDA:BOOL=ON$/m.test(readFileSync(cache, 'utf8')) &&
    existsSync(join(build, 'CMakeFiles', 'pivot_native.dir', 'src', 'cuda', 'cuda_kernels.cu.o'));
}
const status = {
  ok,
  builtAt: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 100) / 10,
  withCuda: builtWithCuda(log),
  reason: ok ? '' : `the native addon failed to build (cmake, a C++17 compiler and node-addon-api are needed): ${tail}`,
};
writeFileSync(join(build, 'status.json'), `${JSON.stringify(status, null, 2)}\n`);
console.log(ok
  ? `pivot: native addon built in ${status.seconds} s${status.withCuda ? ' (with the CUDA device)' : ' (CPU only: no nvcc)'}`
  : `pivot: native addon NOT built; the engine will use wasm. Last lines of the log:\n${tail}`);
if (!ok && strict) process.exit(1);
