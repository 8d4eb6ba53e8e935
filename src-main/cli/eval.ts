// `pivot eval qa`: how often a checkpoint answers a Shapes world's questions right (closed-set ranking of every
// possible answer by log-prob), with its standard error, the chance level and the split per kind of question.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import type { QaAccuracyResult, QaScore } from '../engine/eval/qa-accuracy';
import { QA_SPLITS, type QaSplit } from '../engine/eval/qa-items';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { progressBar } from './progress';

interface QaCommandOptions {
  checkpoint: string;
  data: string;
  split: QaSplit;
  limit?: number;
  backend?: string;
  threads?: number;
  json?: boolean;
}

export function registerEvalCommands(program: Command): void {
  const group = program.command('eval').description('Evaluate the MLLM itself (not its encoder).');
  group
    .command('qa')
    .description("QA accuracy of a checkpoint on a Shapes world: each question's possible answers ranked by log-prob, the top one taken.")
    .requiredOption('--checkpoint <dir>', 'an MLLM checkpoint folder (<run>/checkpoints/<stage>-<step>)')
    .requiredOption('--data <dir>', 'a Shapes world folder (pivot data shapes)')
    .option('--split <split>', `pairs to ask (${QA_SPLITS.join('|')})`, oneOf('--split', QA_SPLITS), 'test')
    .option('--limit <n>', 'at most this many pairs (file order)', positiveInt('--limit'))
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object: accuracy, se, chance, per kind and per sample')
    .action(async (o: QaCommandOptions) => {
      const [{ selectBackend }, { openMllm }, { qaAccuracy }] = await Promise.all([
        import('../engine/backend/select'),
        import('../engine/eval/open-mllm'),
        import('../engine/eval/qa-accuracy'),
      ]);
      const backend = await selectBackend(o.backend, { threads: o.threads });
      const model = await openMllm(o.checkpoint);
      const bar = progressBar('qa', !o.json && process.stderr.isTTY === true);
      let result: QaAccuracyResult;
      try {
        result = await qaAccuracy(model, resolve(o.data), { split: o.split, ...(o.limit ? { limit: o.limit } : {}), onProgress: (done, total) => bar.update(done, total) });
      } finally {
        bar.done();
        model.dispose();
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ checkpoint: resolve(o.checkpoint), backend: backend.name, ...result }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
        return;
      }
      process.stdout.write(formatQa(result, resolve(o.checkpoint)));
    });
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const line = (s: QaScore): string => `${fmt(s.accuracy)} ± ${fmt(s.se)}  (n ${s.n}, chance ${fmt(s.chance)})`;

export function formatQa(r: QaAccuracyResult, checkpoint: string): string {
  const kinds = Object.entries(r.perKind).map(([kind, s]) => `  ${kind.padEnd(9)}${line(s)}\n`).join('');
  return `QA accuracy of ${checkpoint} on the ${r.split} split of ${r.folder}:\n  all      ${line(r)}\n${kinds}`;
}
