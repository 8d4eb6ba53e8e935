// The `pivot` command line: the same engine and workspace as the desktop app, headless.
import { Command, CommanderError } from 'commander';
import { PivotError, type ErrorData } from '../../src-shared/errors';
import { registerBenchCommand } from './bench';
import { registerDataCommands } from './data';
import { registerStudyCommands } from './study';
import { registerDoctorCommand } from './doctor';
import { registerEvalCommands } from './eval';
import { EXIT_STATUS_HELP, exitStatusOf } from './exit-codes';
import { registerExportCommand } from './export';
import { registerHfCommands } from './hf';
import { registerProbeGradcamCommand } from './probe-gradcam';
import { registerRunsCommands } from './runs';
import { registerServeCommand } from './serve';
import { registerSweepCommand } from './sweep';
import { registerTrainCommand } from './train';

export function buildProgram(): Command {
  const program = new Command('pivot')
    .description('PIVOT Studio: curate preference pairs, post-train an MLLM with SFT and DPO, compare its vision encoders.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    // A command's options belong to it alone, so `pivot study export --workspace W` is export's, not study's.
    .enablePositionalOptions()
    .showHelpAfterError()
    .addHelpText('after', EXIT_STATUS_HELP);
  registerDataCommands(program);
  registerServeCommand(program);
  registerTrainCommand(program);
  registerDoctorCommand(program);
  registerHfCommands(program);
  registerExportCommand(program);
  registerProbeGradcamCommand(program);
  registerStudyCommands(program);
  registerBenchCommand(program);
  registerSweepCommand(program);
  registerEvalCommands(program);
  registerRunsCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code (the caller sets it, so pending output is flushed). */
export async function main(argv: string[]): Promise<number> {
  // Once, however often main runs in one process (the tests run it many times).
  process.stdout.off('error', quietOnClosedPipe).on('error', quietOnClosedPipe);
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    // commander has already printed its own errors (and help).
    if (!(err instanceof CommanderError)) process.stderr.write(`pivot: ${PivotError.toData(err).message}\n`);
    // A script reading --json output gets the failure as JSON too, rather than an empty stdout.
    if (argv.includes('--json') && !(err instanceof CommanderError && err.exitCode === 0)) {
      process.stdout.write(`${JSON.stringify({ error: errorData(err) })}\n`);
    }
    return exitStatusOf(err);
  }
}

/** The error as --json prints it; commander's usage errors are the user's request gone wrong. */
function errorData(err: unknown): ErrorData {
  if (err instanceof CommanderError) return { code: 'INVALID_REQUEST', message: err.message.replace(/^error: /, '') };
  return PivotError.toData(err);
}

/**
 * The reader of stdout went away (`pivot … --json | head`): nothing more can reach it, so stop quietly, as command-line
 * tools do on SIGPIPE, rather than die on an unhandled error with a stack trace.
 */
function quietOnClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
}
