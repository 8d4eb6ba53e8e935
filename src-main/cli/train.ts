// `pivot train`: a training run from the command line, recorded in the workspace like the window's, and run the same
// way — on an engine host process, never in the CLI's own event loop. `--resume` trains a crashed or cancelled run on
// from its folder's last checkpoint. Ctrl+C or SIGTERM cancels at the next step (checkpoint kept); a second stops at once.
import type { Command } from 'commander';
import { PivotError } from '../../src-shared/errors';
import { ENGINE_BACKENDS, OBJECTIVES, type EngineBackend, type RunEventData, type RunInfo, type RunObjective } from '../../src-shared/domain/runs';
import type { Events } from '../../src-shared/ipc/contract';
import type { RunManagerOptions } from '../runs/run-manager';
import type { EmitEvent } from '../runs/run-session';
import type { Workspace } from '../store/workspace';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { progressBar } from './progress';

interface TrainCommandOptions {
  workspace: string;
  recipe?: string;
  resume?: number;
  objective?: RunObjective;
  data?: string;
  backend?: EngineBackend;
  threads?: number;
  name?: string;
  json?: boolean;
  base?: string;
  encoder?: string;
  lm?: string;
}

/** Exit codes: 0 completed, 130 cancelled (as for an interrupted command), 1 failed or crashed. */
const EXIT_CANCELLED = 130;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** How the command's runs reach an engine: by default (loaded when the command runs) a forked host running the engine's own `train` job. */
export type TrainEngine = Pick<RunManagerOptions, 'launch' | 'checkRecipe'>;

export function registerTrainCommand(program: Command, engine?: TrainEngine): void {
  program
    .command('train')
    .description('Post-train with a recipe (SFT or DPO) on an engine host process; the run is recorded in the workspace.')
    .requiredOption('--workspace <dir>', 'workspace folder; the run lives in <dir>/runs/<id>')
    .option('--recipe <file|name>', 'a recipe file (YAML or JSON) or a built-in recipe name')
    .option('--resume <run>', 'train a crashed or cancelled run on from its last checkpoint (same run, folder, recipe and data)', positiveInt('--resume'))
    .option('--objective <objective>', `post-training branch (${OBJECTIVES.join('|')}); the recipe's default otherwise`, oneOf('--objective', OBJECTIVES))
    .option('--data <folder>', "dataset folder (pairs.jsonl + images, as pivot data export writes it); the recipe's data otherwise")
    .option('--base <folder>', "a Hugging Face LLaVA folder to post-train, in place of the recipe's model")
    .option('--encoder <folder>', "with --lm: a CLIP or SigLIP folder joined to the LM by a fresh projector, in place of the recipe's model")
    .option('--lm <folder>', 'with --encoder: a Qwen2 folder with its tokenizer')
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--name <name>', 'a name for the run')
    .option('--json', 'print one JSON object at the end: the run id, its status and the engine\'s result')
    .action(async (o: TrainCommandOptions) => {
      checkRunChoice(o);
      const { Workspace } = await import('../store/workspace');
      const ws = Workspace.open(o.workspace);
      try {
        process.exitCode = await train(ws, o, engine);
      } finally {
        ws.close();
      }
    });
}

async function train(ws: Workspace, o: TrainCommandOptions, engine: TrainEngine | undefined): Promise<number> {
  const [{ forkEngineHost }, { RunManager }] = await Promise.all([import('../engine-jobs/fork'), import('../runs/run-manager')]);
  const display = stageDisplay({ bars: !o.json && process.stderr.isTTY === true, notes: !o.json });
  let runId = 0;
  const emit: EmitEvent = (event, payload) => {
    if (event !== 'run:event') return;
    const { runId: id, event: runEvent } = payload as Events['run:event'];
    if (id === runId) display.event(runEvent);
  };
  const manager = new RunManager(ws, { ...(engine ?? { launch: () => forkEngineHost() }), emit });
  const run = o.resume !== undefined ? manager.resume(o.resume, o.threads) : await manager.start({
    recipe: await recipeWithBase(ws, o),
    ...(o.objective ? { objective: o.objective } : {}),
    ...(o.data ? { data: { folder: o.data } } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.threads ? { threads: o.threads } : {}),
    ...(o.name ? { name: o.name } : {}),
  });
  runId = run.id;
  let interrupts = 0;
  const interrupt = (): void => {
    interrupts += 1;
    try {
      if (interrupts === 1) {
        display.note('Cancelling at the next step; the checkpoint is kept. Interrupt again (Ctrl+C) to stop at once.');
        manager.cancel(run.id);
      } else {
        manager.stopNow(run.id);
      }
    } catch {
      // The run ended in the meantime: nothing left to stop.
    }
  };
  // A service manager or `kill` stops with SIGTERM: the same clean stop as Ctrl+C.
  for (const signal of STOP_SIGNALS) process.on(signal, interrupt);
  let ended: RunInfo;
  try {
    ended = await manager.finished(run.id);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, interrupt);
    display.end();
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ runId: ended.id, status: ended.status, ...(ended.result ?? {}), ...(ended.error ? { error: ended.error } : {}) })}\n`);
  } else {
    // A failure's message was shown as it happened (the run's log lines on stderr): not again.
    process.stdout.write(summary(ended, display.shown(ended.error)));
  }
  if (ended.status === 'completed') return 0;
  return ended.status === 'cancelled' ? EXIT_CANCELLED : 1;
}

/**
 * The recipe to run: the one given, or with --base / --encoder + --lm a copy of it with that model, written into the
 * workspace's `recipes/` folder (kept there: a resumed run reads its recipe again).
 */
async function recipeWithBase(ws: Workspace, o: TrainCommandOptions): Promise<string> {
  const recipe = o.recipe as string;
  if (o.base === undefined && o.encoder === undefined) return recipe;
  const [{ writeRecipeWithBase }, { createHash }, { mkdirSync }, { basename, join }] = await Promise.all([
    import('../engine/train/recipe'), import('node:crypto'), import('node:fs'), import('node:path'),
  ]);
  const base = o.base !== undefined ? { path: o.base } : { encoder: o.encoder as string, lm: o.lm as string };
  const dir = join(ws.dir, 'recipes');
  mkdirSync(dir, { recursive: true });
  const tag = createHash('sha256').update(JSON.stringify([recipe, base, process.cwd()])).digest('hex').slice(0, 8);
  const out = join(dir, `${basename(recipe).replace(/\.(ya?ml|json)$/i, '')}-${basename(o.base ?? (o.lm as string))}-${tag}.json`);
  writeRecipeWithBase(recipe, base, out);
  return out;
}

/** A new run needs its recipe; a resumed one has its own recipe, data, objective, model and name. */
function checkRunChoice(o: TrainCommandOptions): void {
  if (o.resume === undefined) {
    if (o.recipe === undefined) throw new PivotError('INVALID_REQUEST', 'Give --recipe <file|name> for a new run, or --resume <run> to train a crashed or cancelled run on.');
    if (o.base !== undefined && (o.encoder !== undefined || o.lm !== undefined)) {
      throw new PivotError('INVALID_REQUEST', 'Give either --base <LLaVA folder> or --encoder <folder> --lm <folder>, not both.');
    }
    if ((o.encoder === undefined) !== (o.lm === undefined)) {
      throw new PivotError('INVALID_REQUEST', `--${o.encoder === undefined ? 'lm' : 'encoder'} needs --${o.encoder === undefined ? 'encoder' : 'lm'} too: an encoder folder and an LM folder are joined by a fresh projector.`);
    }
    return;
  }
  const given = (['recipe', 'objective', 'data', 'base', 'encoder', 'lm', 'backend', 'name'] as const).filter((k) => o[k] !== undefined);
  if (given.length > 0) {
    throw new PivotError(
      'INVALID_REQUEST',
      `--resume ${o.resume} trains run ${o.resume} on with its own recipe, objective, data, model, backend and name: leave out ${given.map((k) => `--${k}`).join(', ')}.`,
    );
  }
}

function summary(run: RunInfo, errorShown: boolean): string {
  const head = `Run ${run.id} (${run.name}) ${run.status}${run.result ? ` on ${run.result.backend}, ${run.result.objective}` : ''}.`;
  const stages = run.result?.stages.map((s) => `  ${s.name}: ${s.steps} steps, final loss ${s.finalLoss.toPrecision(4)}`) ?? [];
  const tail = run.result ? [`Final checkpoint: ${run.result.finalCheckpoint}`] : run.error && !errorShown ? [run.error] : [];
  return `${[head, ...stages, ...tail, `Run folder: ${run.runDir}`].join('\n')}\n`;
}

/** A progress bar per stage on stderr (terminal only), and the engine's warnings (above the bar on a terminal). */
function stageDisplay(show: { bars: boolean; notes: boolean }) {
  let bar: ReturnType<typeof progressBar> | null = null;
  const notes: string[] = [];
  const note = (message: string): void => {
    if (!show.notes) return;
    notes.push(message);
    process.stderr.write(show.bars ? `\r\x1b[K${message}\n` : `${message}\n`);
  };
  return {
    note,
    /** Whether `text` was already written as (part of) a note. */
    shown: (text: string | null): boolean => text !== null && notes.some((n) => n.includes(text)),
    event(event: RunEventData): void {
      if (event.type === 'stage') {
        bar?.done();
        bar = progressBar(`${event.stage} (${event.index}/${event.of})`, show.bars);
        bar.update(0, event.totalSteps);
      } else if (event.type === 'metrics') {
        const loss = event.values.loss;
        bar?.update(event.step, event.totalSteps, loss === undefined ? '' : `loss ${loss.toPrecision(4)}`);
      } else if (event.type === 'log' && event.level === 'warn') {
        note(event.message);
      }
    },
    end(): void {
      bar?.done();
      bar = null;
    },
  };
}
