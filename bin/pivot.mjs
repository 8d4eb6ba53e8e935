#!/usr/bin/env node
// The `pivot` command: runs the TypeScript CLI from source through tsx, so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv);
