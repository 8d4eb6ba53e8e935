#!/usr/bin/env node
// The `pivot` command: the built CLI when it is up to date with the sources (see built-cli.mjs), else the TypeScript
// sources through tsx, so a checkout runs without a build step and an edit takes effect at once (slower to start).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { upToDateBuiltCli } from './built-cli.mjs';

const built = upToDateBuiltCli(fileURLToPath(new URL('..', import.meta.url)));
let cli;
if (built) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src-main/cli/main.ts');
}
process.exitCode = await cli.main(process.argv);
