// `pivot train` as a user runs it, but with its runs on engine hosts that run the training double (training-job.ts):
// the launcher is injected, as the app and `pivot serve` inject theirs.
import { Command } from 'commander';
import { registerTrainCommand } from '../../src-main/cli/train';
import { checkTestRecipe, testHost } from './training';

const program = new Command('pivot').exitOverride();
registerTrainCommand(program, { launch: testHost, checkRecipe: checkTestRecipe });
await program.parseAsync(process.argv);
