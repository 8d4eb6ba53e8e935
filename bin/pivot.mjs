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
  const tsx = await import('tsx/esm/api').catch(() => null);
  if (!tsx) {
    // tsx is a development dependency: an installed package runs its build, which `npm pack` makes (prepack).
    process.stderr.write('pivot: out/main/cli.js is missing or older than the sources, and tsx is not installed to run them: run `npm run build`.\n');
    process.exit(70);
  }
  tsx.register();
  cli = await import('../src-main/cli/main.ts');
}
process.exitCode = await cli.main(process.argv);
