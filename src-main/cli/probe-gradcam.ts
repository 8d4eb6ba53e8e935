// `pivot probe gradcam`: Grad-CAM maps of a checkpoint on a Shapes world's pairs and their focus score on the
// question's objects (mean ± std, chance level), with a heat-map PNG per sample when --out is given.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ENGINE_BACKENDS, OBJECTIVES, type RunObjective } from '../../src-shared/domain/runs';
import type { GradcamFocusResult, GradcamSplit } from '../engine/analysis/gradcam-focus';
import type { GradcamMethod } from '../engine/analysis/gradcam';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';
import { progressBar } from './progress';

const METHODS: readonly GradcamMethod[] = ['projector-l1', 'layer'];
const SPLITS: readonly GradcamSplit[] = ['test', 'train', 'all'];

interface GradcamCommandOptions {
  checkpoint: string;
  data: string;
  objective: RunObjective;
  method: GradcamMethod;
  layer?: number;
  samples: number;
  split?: GradcamSplit;
  out?: string;
  size: number;
  backend?: string;
  threads?: number;
  json?: boolean;
}

/** Adds `gradcam` under `pivot probe`, creating the `probe` group unless another command file already did. */
export function registerProbeGradcamCommand(program: Command): void {
  const probe = program.commands.find((c) => c.name() === 'probe') ?? program.command('probe').description('Measure what a trained vision encoder sees.');
  probe
    .command('gradcam')
    .description("Grad-CAM of a checkpoint on a Shapes world's pairs: the focus score of the maps on the question's objects.")
    .requiredOption('--checkpoint <dir>', 'an MLLM checkpoint folder (<run>/checkpoints/<stage>-<step>) or a Hugging Face LLaVA folder (an imported run\'s checkpoint)')
    .requiredOption('--data <dir>', 'a Shapes world (pivot data shapes): pairs.jsonl with target_instances, instances/<id>.png')
    .option('--objective <objective>', `the loss differentiated (${OBJECTIVES.join('|')})`, oneOf('--objective', OBJECTIVES), 'sft')
    .option('--method <method>', "projector-l1 (the study's: L1 of the gradient at the visual tokens) or layer (standard Grad-CAM on --layer)", oneOf('--method', METHODS), 'projector-l1')
    .option('--layer <n>', "with --method layer: the encoder hidden state (negative from the end); default the MLLM's feature layer", integer('--layer'))
    .option('--samples <n>', 'pairs to use (file order)', positiveInt('--samples'), 32)
    .option('--split <split>', `records to use (${SPLITS.join('|')}); default test, or all when the world has no test pairs`, oneOf('--split', SPLITS))
    .option('--out <dir>', 'write a heat-map PNG per sample (over the image, target outlined) and gradcam.json')
    .option('--size <px>', 'side of the PNGs', positiveInt('--size'), 224)
    .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
    .option('--threads <n>', THREADS_HELP, threadCount)
    .option('--json', 'print one JSON object: the focus summary and per-sample scores')
    .action(async (o: GradcamCommandOptions) => {
      const [{ selectBackend }, { openMllm }, { gradcamFocus }] = await Promise.all([
        import('../engine/backend/select'),
        import('../engine/eval/open-mllm'),
        import('../engine/analysis/gradcam-focus'),
      ]);
      const backend = await selectBackend(o.backend, { threads: o.threads });
      const model = await openMllm(o.checkpoint);
      const bar = progressBar('gradcam', !o.json && process.stderr.isTTY === true);
      let result: GradcamFocusResult;
      try {
        result = await gradcamFocus(model, resolve(o.data), {
          method: o.method, objective: o.objective, samples: o.samples, onSample: (done, total) => bar.update(done, total),
          ...(o.layer !== undefined ? { layer: o.layer } : {}), ...(o.split ? { split: o.split } : {}),
        });
      } finally {
        bar.done();
        model.dispose();
      }
      const pngs = o.out ? await writePngs(resolve(o.out), result, o.size) : null;
      const report = {
        checkpoint: resolve(o.checkpoint), data: resolve(o.data), backend: backend.name,
        method: result.method, objective: result.objective, ...(o.layer !== undefined ? { layer: o.layer } : {}), split: result.split,
        grid: [result.gridH, result.gridW], mean: result.mean, std: result.std, n: result.n, chance: result.chance, skipped: result.skipped,
        perSample: result.samples.map((s, i) => ({ id: s.id, question: s.question, score: s.score, maskFraction: s.maskFraction, loss: s.loss, ...(pngs ? { png: pngs[i] } : {}) })),
        ...(o.out ? { out: resolve(o.out) } : {}),
      };
      if (o.out) await writeFile(join(resolve(o.out), 'gradcam.json'), `${JSON.stringify({ ...report, maps: result.samples.map((s) => Array.from(s.map)) }, null, 2)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
        process.stdout.write(
          `Grad-CAM (${result.method}, ${result.objective} loss) on ${result.n} ${result.split} pairs: focus ${fmt(result.mean)} ± ${fmt(result.std)} ` +
            `(chance ${fmt(result.chance)}${result.skipped ? `; ${result.skipped} empty maps skipped` : ''}).\n${o.out ? `Heat maps in ${resolve(o.out)}\n` : ''}`,
        );
      }
    });
}

/** One PNG per sample: the map over its image with the target objects outlined. Returns the file paths. */
async function writePngs(out: string, result: GradcamFocusResult, size: number): Promise<string[]> {
  const [{ default: sharp }, { renderHeatmapPng }] = await Promise.all([import('sharp'), import('../engine/analysis/gradcam-render')]);
  await mkdir(out, { recursive: true });
  const paths: string[] = [];
  for (const [i, s] of result.samples.entries()) {
    const { data, info } = await sharp(s.image).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const png = await renderHeatmapPng(s.map, result.gridH, result.gridW, { size, image: { data, width: info.width, height: info.height, channels: 3 }, maskOutline: s.mask });
    const path = join(out, `${String(i).padStart(3, '0')}-${s.id.replace(/[^\w.-]+/g, '_')}.png`);
    await writeFile(path, png);
    paths.push(path);
  }
  return paths;
}

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}".`);
    return n;
  };
}
