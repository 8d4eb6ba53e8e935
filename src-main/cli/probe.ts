// `pivot probe linear|segmentation|alignment`: one encoder folder on one dataset, through the same functions the
// study measures its three encoders with (src-main/engine/study/measure-encoder.ts).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ENGINE_BACKENDS } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import type { ProbeDataset } from '../engine/probes/image-folder';
import { oneOf, positiveInt, threadCount, THREADS_HELP } from './options';

interface ProbeCommandOptions {
  encoder?: string;
  checkpoint?: string;
  withProjector?: boolean;
  data: string;
  seeds: number;
  images?: number;
  lm?: string;
  backend?: string;
  threads?: number;
  json?: boolean;
}

type ProbeKind = 'linear' | 'segmentation' | 'alignment';

const DESCRIPTIONS: Record<ProbeKind, string> = {
  linear: 'Linear probe (mean-pooled L2 features, logistic regression, C chosen on validation) of an encoder on image labels.',
  segmentation: 'Patch-Seg probe (2-layer MLP on patch tokens, 5 epochs, LR 1e-3) of an encoder on image + mask folders.',
  alignment: "Mutual k-NN (k = 10) alignment between an encoder's per-layer features and an LM's features of the captions.",
};

/** Adds linear, segmentation and alignment under `pivot probe` (the group probe-gradcam.ts may already have made). */
export function registerProbeCommands(program: Command): void {
  const probe = program.commands.find((c) => c.name() === 'probe') ?? program.command('probe').description('Measure what a trained vision encoder sees.');
  for (const kind of ['linear', 'segmentation', 'alignment'] as const) {
    const cmd = probe
      .command(kind)
      .description(DESCRIPTIONS[kind])
      .option('--encoder <dir>', "a Hugging Face vision folder (pivot export's output, or a checkpoint's encoder/)")
      .option('--checkpoint <dir>', 'an MLLM checkpoint folder (mllm.json), probing its encoder/, or a Hugging Face LLaVA folder, probing its vision tower')
      .requiredOption('--data <dir>', 'a Shapes world, class folders (<class>/*.png) or images/ + masks/ folders')
      .option('--seeds <k>', 'seeds 0..k-1', positiveInt('--seeds'), 3)
      .option('--images <n>', "measure n of the folder's images: class folders in proportion to each class (and split), a Shapes world or images/ + masks/ its first n; all by default", positiveInt('--images'))
      .option('--backend <name>', `engine backend (${ENGINE_BACKENDS.join('|')}); the best available otherwise`, oneOf('--backend', ENGINE_BACKENDS))
      .option('--threads <n>', THREADS_HELP, threadCount)
      .option('--json', 'print one JSON object');
    if (kind === 'linear') cmd.option('--with-projector', "probe the checkpoint's visual tokens (encoder + projector, what its LM receives); needs --checkpoint");
    if (kind === 'alignment') cmd.option('--lm <checkpoint>', "the MLLM checkpoint or LLaVA folder whose LM and tokenizer read the captions; default the checkpoint the encoder belongs to");
    cmd.action(async (o: ProbeCommandOptions) => runProbe(kind, o));
  }
}

/** The refusal of `--encoder` with `--with-projector`: an encoder folder has no projector. */
export const PROJECTOR_NEEDS_CHECKPOINT =
  '--with-projector probes the MLLM\'s encoder + projector: pass the MLLM checkpoint with --checkpoint <dir> (the folder with mllm.json), not --encoder';

/** The options that cannot go together, refused before the engine is loaded. */
function checkOptions(o: ProbeCommandOptions): void {
  if (o.withProjector && o.encoder !== undefined) throw new PivotError('INVALID_REQUEST', PROJECTOR_NEEDS_CHECKPOINT);
  if ((o.encoder === undefined) === (o.checkpoint === undefined)) throw new PivotError('INVALID_REQUEST', 'pass exactly one of --encoder <dir> (a vision folder) or --checkpoint <dir> (an MLLM checkpoint or LLaVA folder)');
}

/** The MLLM folder the encoder belongs to: --checkpoint (checked), or the folder above --encoder. */
function mllmFolderOf(o: ProbeCommandOptions, isLlava: (dir: string) => boolean): string {
  if (o.checkpoint === undefined) return dirname(resolve(o.encoder as string));
  const checkpoint = resolve(o.checkpoint);
  if (!isLlava(checkpoint) && !existsSync(join(checkpoint, 'mllm.json'))) {
    throw new PivotError('NOT_FOUND', `${checkpoint} is not an MLLM checkpoint (it has no mllm.json) nor a LLaVA folder; pass a checkpoint folder, a LLaVA folder, or --encoder for a vision folder`);
  }
  return checkpoint;
}

/** Where a sampled dataset's images came from, as a sentence; nothing when every image is measured. */
function sampleText(dataset: ProbeDataset): string {
  if (dataset.imagesInFolder === undefined) return '';
  const how = dataset.layout === 'class-folders' ? 'in proportion to each class' : 'its first images';
  return `On ${dataset.items.length} of the ${dataset.imagesInFolder} images of ${dataset.root} (${how}; --images).\n`;
}

async function runProbe(kind: ProbeKind, o: ProbeCommandOptions): Promise<void> {
  checkOptions(o);
  const [{ selectBackend }, { openProbeDataset }, { sampleImages }, m, { formatNumber }, { openMllm }, { isLlavaFolder }] = await Promise.all([
    import('../engine/backend/select'),
    import('../engine/probes/image-folder'),
    import('../engine/probes/sample-images'),
    import('../engine/study/measure-encoder'),
    import('../engine/study/table'),
    import('../engine/eval/open-mllm'),
    import('../engine/models/llava/load'),
  ]);
  const mllmDir = mllmFolderOf(o, isLlavaFolder);
  const backend = await selectBackend(o.backend, { threads: o.threads });
  const folder = await openProbeDataset(resolve(o.data));
  const dataset = o.images === undefined ? folder : sampleImages(folder, o.images);
  // With --with-projector the whole MLLM is loaded: its encoder is probed from it.
  const mllm = o.withProjector ? await openMllm(mllmDir) : undefined;
  const encoder = mllm ? m.mllmLoadedEncoder(mllm, mllmDir) : o.checkpoint !== undefined ? await m.openCheckpointEncoder(mllmDir) : await m.loadEncoderFolder(resolve(o.encoder as string));
  const images = new m.EncoderImages(encoder, dataset);
  const seeds = m.seedList(o.seeds);
  const head = {
    probe: kind, encoder: encoder.dir, data: dataset.root, layout: dataset.layout, images: dataset.items.length, imagesInFolder: dataset.imagesInFolder ?? dataset.items.length,
    backend: backend.name, preprocess: encoder.prepSource,
  };
  const fmt = (x: { mean: number; std: number }) => `${formatNumber(x.mean)} ± ${formatNumber(x.std)}`;
  let report: Record<string, unknown>;
  let text: string;
  try {
    if (kind === 'linear') {
      const throughProjector = o.withProjector === true && mllm !== undefined;
      const { result, data, layer } = throughProjector ? await m.measureLinearWithProjector(images, mllm, seeds) : await m.measureLinear(images, seeds);
      report = { ...head, variant: throughProjector ? 'encoder+projector' : 'encoder', layer, split: data, ...result };
      text = `Linear probe (${result.protocol}), ${seeds.length} seeds: accuracy ${fmt(result.accuracy)} (chance: majority ${formatNumber(result.chance.majority)}, uniform ${formatNumber(result.chance.uniform)}; ceiling ${formatNumber(result.ceiling)}).\n`;
    } else if (kind === 'segmentation') {
      const { result, data, layer } = await m.measureSegmentation(images, seeds);
      report = { ...head, layer, split: data, ...result, predictions: undefined };
      text = `Segmentation probe (${result.protocol}), ${seeds.length} seeds: macro recall ${fmt(result.macroRecall)} (chance ${formatNumber(result.chance.macroRecall)}), ` +
        `mIoU ${fmt(result.mIoU)} (chance ${formatNumber(result.chance.mIoU)}, ceiling ${formatNumber(result.ceiling.mIoU)}).\n`;
    } else {
      const lmDir = resolve(o.lm ?? mllmDir);
      if (!existsSync(join(lmDir, 'mllm.json')) && !isLlavaFolder(lmDir)) {
        throw new PivotError('NOT_FOUND', `${lmDir} is not an MLLM checkpoint nor a LLaVA folder; pass --lm <checkpoint> for the language model that reads the captions`);
      }
      const reader = mllm !== undefined && lmDir === mllmDir ? mllm : await openMllm(lmDir);
      try {
        const lm = { model: reader.lm, encode: (t: string) => reader.tokenizer.encode(t), padId: reader.padTokenId, source: `the LM of ${lmDir}` };
        const { result, data, visionPooling } = await m.measureAlignment(images, lm);
        report = { ...head, lm: lmDir, data, visionPooling, protocol: `mutual-knn/k${result.k}/max-over-layer-pairs`, ...result };
        text = `Alignment (mutual k-NN, k = ${result.k}) over ${result.samples} images: max ${formatNumber(result.max.score)} at vision block ${result.max.visionLayer + 1} × LM hidden state ${result.max.lmLayer} (chance ≈ ${formatNumber(result.k / (result.samples - 1))}).\n`;
      } finally {
        if (reader !== mllm) reader.dispose();
      }
    }
  } finally {
    if (mllm) mllm.dispose();
    else encoder.model.dispose();
  }
  if (o.json) process.stdout.write(`${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
  else process.stdout.write(sampleText(dataset) + text);
}
