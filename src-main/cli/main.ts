// The `pivot` command line: the same engine and workspace as the desktop app, headless.
import { Command, CommanderError } from 'commander';
import { PivotError } from '../../src-shared/errors';
import { registerBenchCommand } from './bench';
import { registerDataCommands } from './data';
import { registerStudyCommands } from './study';
import { registerDoctorCommand } from './doctor';
import { registerEvalCommands } from './eval';
import { EXIT_STATUS_HELP, exitStatusOf } from './exit-codes';
import { registerExportCommand } from './export';
import { registerHfCommands } from './hf';
import { registerProbeGradcamCommand } from './probe-gradcam';
import { registerServeCommand } from './serve';
import { registerSweepCommand } from './sweep';
import { registerTrainCommand } from './train';

export function buildProgram(): Command {
  const program = new Command('pivot')
    .description('PIVOT Studio: curate preference pairs, post-train an MLLM with SFT and DPO, compare its vision encoders.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
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
  return program;
}

/** Runs the CLI and returns the exit code (the caller sets it, so pending output is flushed). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    // commander has already printed its own errors (and help).
    if (!(err instanceof CommanderError)) process.stderr.write(`pivot: ${PivotError.toData(err).message}\n`);
    return exitStatusOf(err);
  }
}
