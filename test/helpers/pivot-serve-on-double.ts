// `pivot serve` as a user runs it, but with its runs on engine hosts that run the training double (training-job.ts):
// the launcher is injected, as the app and `pivot train` inject theirs. The e2e tests watch runs they hold this way.
import { Command } from 'commander';
import { registerServeCommand } from '../../src-main/cli/serve';
import { checkTestRecipe, testHost } from './training';

const program = new Command('pivot').exitOverride();
registerServeCommand(program, { engineHost: testHost, checkRecipe: checkTestRecipe });
await program.parseAsync(process.argv);
