// Measures which tfjs kernels the engine runs, by running small but real versions of every engine job on the cpu
// backend with a kernel recorder on (test/main/engine/backend/kernel-usage/record.ts), and writes the list to
// src-main/engine/backend/engine-kernels.ts: what a new backend must implement (and which dtypes it sees).
//
// Run: npx tsx scripts/kernel-usage.ts [--check]   (about a minute on 2 cores; --check writes nothing and exits 1
// when the checked-in list differs from the measured one).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHfModel } from '../src-main/cli/hf-run';
import { gradcamFocus } from '../src-main/engine/analysis/gradcam-focus';
import type { GradcamMethod } from '../src-main/engine/analysis/gradcam';
import type { GradcamObjective } from '../src-main/engine/analysis/gradcam-loss';
import { selectBackend } from '../src-main/engine/backend/select';
import * as tf from '../src-main/engine/backend/tf';
import { writeShapesWorld } from '../src-main/engine/data/shapes';
import {
  EncoderImages,
  loadEncoderFolder,
  measureAlignment,
  measureLinear,
  measureLinearWithProjector,
  measureSegmentation,
  mllmLoadedEncoder,
} from '../src-main/engine/study/measure-encoder';
import { openMllm } from '../src-main/engine/eval/open-mllm';
import { writeModelRejections } from '../src-main/engine/eval/model-rejections';
import { qaAccuracy } from '../src-main/engine/eval/qa-accuracy';
import { exportEncoder } from '../src-main/engine/export';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../src-main/engine/io/safetensors';
import { loadMllm } from '../src-main/engine/models/mllm/checkpoint';
import type { Mllm } from '../src-main/engine/models/mllm/model';
import { openProbeDataset } from '../src-main/engine/probes/image-folder';
import { train } from '../src-main/engine/train';
import type { RecipeInput } from '../src-main/engine/train/recipe-schema';
import { mergeKernelUses, recordKernels, type KernelUses } from '../test/main/engine/backend/kernel-usage/record';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..');
const OUT_FILE = join(REPO, 'src-main/engine/backend/engine-kernels.ts');
const FIXTURES = join(REPO, '../shared/fixtures/hf');
const fixture = (name: string) => join(FIXTURES, name);

type StageInput = NonNullable<RecipeInput['branches']['sft']>;

/** A stage as the training tests write them: no warm-up, small batches. */
function stage(fields: Partial<StageInput>): StageInput {
  return { trainable: ['encoder', 'projector', 'lm'], lr: 1e-3, batchSize: 2, warmupRatio: 0, maxSteps: 1, ...fields };
}

interface Context {
  root: string;
  /** 32 px worlds (toy preset and the 32 px fixtures), and 64 px for tiny. */
  world32: string;
  world64: string;
  /** Checkpoints the later jobs read, by job name. */
  checkpoints: Map<string, string>;
}

async function trainRun(ctx: Context, name: string, recipe: Omit<RecipeInput, 'seed' | 'data'> & { data?: RecipeInput['data'] }, world: string): Promise<string> {
  const file = join(ctx.root, `${name.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
  const full: RecipeInput = { seed: 3, data: { folder: world }, ...recipe };
  writeFileSync(file, JSON.stringify(full, null, 2));
  const result = await train({ recipe: file, runDir: join(ctx.root, `run-${name.replace(/[^A-Za-z0-9-]/g, '_')}`), backend: 'cpu' });
  ctx.checkpoints.set(name, result.finalCheckpoint);
  return result.finalCheckpoint;
}

const PRETRAINED_CLIP = { encoder: fixture('clip-vision'), lm: fixture('qwen2-lm'), tokenizer: fixture('tokenizer') };
const PRETRAINED_SIGLIP = { encoder: fixture('siglip-vision'), lm: fixture('qwen2-lm'), tokenizer: fixture('tokenizer') };

async function withMllm<T>(dir: string, use: (m: Mllm) => Promise<T>): Promise<T> {
  const model = await loadMllm(dir);
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

/** The probes as `pivot probe` and the demo run them, on an encoder folder (the images normalised its way). */
async function probeEncoder(ctx: Context, encoderDir: string, kinds: { linear?: boolean; segmentation?: boolean }): Promise<void> {
  const dataset = await openProbeDataset(ctx.world32);
  const encoder = await loadEncoderFolder(encoderDir);
  try {
    const images = new EncoderImages(encoder, dataset);
    if (kinds.linear) await measureLinear(images, [0]);
    if (kinds.segmentation) await measureSegmentation(images, [0]);
  } finally {
    encoder.model.dispose();
  }
}

async function gradcam(ctx: Context, checkpoint: string, method: GradcamMethod, objective: GradcamObjective): Promise<void> {
  await withMllm(checkpoint, (model) => gradcamFocus(model, ctx.world32, { method, objective, samples: 2 }));
}

/** A copy of the SigLIP fixture without its MAP head (as MLLMs use SigLIP). */
function siglipWithoutHead(ctx: Context): string {
  const dir = join(ctx.root, 'siglip-no-head');
  mkdirSync(dir, { recursive: true });
  const source = fixture('siglip-vision');
  const { tensors, metadata } = readSafetensors(join(source, 'model.safetensors'));
  const kept: Record<string, TensorToWrite> = {};
  for (const [name, t] of Object.entries(tensors)) if (!name.startsWith('head.')) kept[name] = { dtype: 'F32', shape: t.shape, data: t.data as Float32Array };
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(kept, metadata));
  copyFileSync(join(source, 'config.json'), join(dir, 'config.json'));
  return dir;
}

async function runFixture(ctx: Context, modelDir: string, tag: string): Promise<void> {
  const inputs = join(fixture(modelDir.includes('qwen2') ? 'qwen2-lm' : modelDir.includes('clip') ? 'clip-vision' : 'siglip-vision'), 'reference_outputs.safetensors');
  await runHfModel({ modelDir, inputs, out: join(ctx.root, `hf-${tag}.safetensors`), backend: 'cpu' });
}

interface Job {
  name: string;
  run(ctx: Context): Promise<unknown>;
}

const need = (ctx: Context, job: string): string => {
  const dir = ctx.checkpoints.get(job);
  if (dir === undefined) throw new Error(`job needs the checkpoint of ${job}, which did not run`);
  return dir;
};

/** Every engine job, small. Order matters: later jobs read the checkpoints of the training jobs. */
const JOBS: Job[] = [
  // Training: both objectives on both presets and on a pretrained CLIP + Qwen2 (grouped-query attention) MLLM.
  // The toy SFT run also goes through the caption and instruct stages, with gradient accumulation and weight decay.
  {
    name: 'train-sft:toy',
    run: (ctx) => trainRun(ctx, 'train-sft:toy', {
      objective: 'sft', model: { preset: 'toy' },
      stages: [{ ...stage({ trainable: ['projector'] }), name: 'align', kind: 'caption' }, { ...stage({ encoderLr: 2e-4 }), name: 'instruct', kind: 'instruct' }],
      branches: { sft: stage({ maxSteps: 2, gradAccum: 2, weightDecay: 0.01 }) },
    }, ctx.world32),
  },
  {
    name: 'train-dpo:toy',
    run: (ctx) => trainRun(ctx, 'train-dpo:toy', { objective: 'dpo', model: { preset: 'toy' }, stages: [], branches: { dpo: stage({ maxSteps: 2, lr: 2e-4, beta: 0.1 }) } }, ctx.world32),
  },
  {
    name: 'train-labels:toy',
    run: (ctx) => trainRun(ctx, 'train-labels:toy', {
      objective: 'sft', model: { preset: 'toy' },
      stages: [{ ...stage({ trainable: ['encoder'], batchSize: 4 }), name: 'pretrain-encoder', kind: 'labels' }],
      branches: { sft: stage({ trainable: ['projector'] }) },
    }, ctx.world32),
  },
  {
    name: 'train-dpo-model-rejections:toy',
    run: (ctx) => trainRun(ctx, 'train-dpo-model-rejections:toy', { objective: 'dpo', model: { preset: 'toy' }, stages: [], branches: { dpo: stage({ lr: 2e-4, rejections: 'model', subset: { from: 0, to: 0.5 } }) } }, ctx.world32),
  },
  { name: 'train-sft:tiny', run: (ctx) => trainRun(ctx, 'train-sft:tiny', { objective: 'sft', model: { preset: 'tiny' }, stages: [], branches: { sft: stage({ batchSize: 1 }) } }, ctx.world64) },
  { name: 'train-dpo:tiny', run: (ctx) => trainRun(ctx, 'train-dpo:tiny', { objective: 'dpo', model: { preset: 'tiny' }, stages: [], branches: { dpo: stage({ batchSize: 1, lr: 2e-4, subset: { from: 0, to: 0.5 } }) } }, ctx.world64) },
  { name: 'train-sft:clip+qwen2', run: (ctx) => trainRun(ctx, 'train-sft:clip+qwen2', { objective: 'sft', model: PRETRAINED_CLIP, stages: [], branches: { sft: stage({}) } }, ctx.world32) },
  { name: 'train-dpo:clip+qwen2', run: (ctx) => trainRun(ctx, 'train-dpo:clip+qwen2', { objective: 'dpo', model: PRETRAINED_CLIP, stages: [], branches: { dpo: stage({ lr: 2e-4 }) } }, ctx.world32) },
  { name: 'train-dpo:siglip+qwen2', run: (ctx) => trainRun(ctx, 'train-dpo:siglip+qwen2', { objective: 'dpo', model: PRETRAINED_SIGLIP, stages: [], branches: { dpo: stage({ lr: 2e-4 }) } }, ctx.world32) },

  // Probes (`pivot probe …`, the demo): on a trained toy checkpoint (SigLIP without head) and on the CLIP fixture.
  { name: 'probe-linear', run: (ctx) => probeEncoder(ctx, join(need(ctx, 'train-sft:toy'), 'encoder'), { linear: true }) },
  {
    name: 'probe-linear-projector',
    run: async (ctx) => {
      const checkpoint = need(ctx, 'train-sft:toy');
      const dataset = await openProbeDataset(ctx.world32);
      await withMllm(checkpoint, (mllm) => measureLinearWithProjector(new EncoderImages(mllmLoadedEncoder(mllm, checkpoint), dataset), mllm, [0]));
    },
  },
  { name: 'probe-segmentation', run: (ctx) => probeEncoder(ctx, join(need(ctx, 'train-sft:toy'), 'encoder'), { segmentation: true }) },
  {
    name: 'probe-alignment',
    run: async (ctx) => {
      const checkpoint = need(ctx, 'train-sft:toy');
      const dataset = await openProbeDataset(ctx.world32);
      const encoder = await loadEncoderFolder(join(checkpoint, 'encoder'));
      try {
        await withMllm(checkpoint, (mllm) => {
          const lm = { model: mllm.lm, encode: (t: string) => mllm.tokenizer.encode(t), padId: mllm.padTokenId, source: checkpoint };
          return measureAlignment(new EncoderImages(encoder, dataset), lm);
        });
      } finally {
        encoder.model.dispose();
      }
    },
  },
  { name: 'probe-linear+segmentation:clip', run: (ctx) => probeEncoder(ctx, fixture('clip-vision'), { linear: true, segmentation: true }) },

  // Grad-CAM (`pivot probe gradcam`, the demo's focus rows): the projector-gradient map and standard Grad-CAM.
  { name: 'gradcam-projector:sft', run: (ctx) => gradcam(ctx, need(ctx, 'train-sft:toy'), 'projector-l1', 'sft') },
  { name: 'gradcam-projector:dpo', run: (ctx) => gradcam(ctx, need(ctx, 'train-dpo:toy'), 'projector-l1', 'dpo') },
  { name: 'gradcam-layer:sft', run: (ctx) => gradcam(ctx, need(ctx, 'train-sft:toy'), 'layer', 'sft') },
  { name: 'gradcam-layer:dpo', run: (ctx) => gradcam(ctx, need(ctx, 'train-dpo:toy'), 'layer', 'dpo') },
  { name: 'gradcam-layer:clip+qwen2', run: (ctx) => gradcam(ctx, need(ctx, 'train-sft:clip+qwen2'), 'layer', 'sft') },

  // Evaluation (`pivot eval qa`, `pivot data rejections`).
  {
    name: 'eval-qa',
    run: async (ctx) => {
      const model = await openMllm(need(ctx, 'train-sft:toy'));
      try {
        await qaAccuracy(model, ctx.world32, { split: 'all', limit: 6 });
      } finally {
        model.dispose();
      }
    },
  },
  {
    name: 'model-rejections',
    run: async (ctx) => {
      const model = await openMllm(need(ctx, 'train-sft:toy'));
      try {
        await writeModelRejections(model, ctx.world32, join(ctx.root, 'rejections'), { split: 'all', limit: 6 });
      } finally {
        model.dispose();
      }
    },
  },

  // Export (`pivot export`, the window's button): written, re-loaded and checked against the checkpoint.
  { name: 'export-encoder:toy', run: (ctx) => exportEncoder({ checkpoint: need(ctx, 'train-sft:toy'), out: join(ctx.root, 'export-toy'), withProjector: true }) },
  { name: 'export-encoder:clip', run: (ctx) => exportEncoder({ checkpoint: need(ctx, 'train-sft:clip+qwen2'), out: join(ctx.root, 'export-clip') }) },

  // The Hugging Face fixtures as `pivot hf run` runs them (hidden states on; Qwen2 from ids and from embeddings).
  { name: 'hf-run:clip', run: (ctx) => runFixture(ctx, fixture('clip-vision'), 'clip') },
  { name: 'hf-run:siglip', run: (ctx) => runFixture(ctx, fixture('siglip-vision'), 'siglip') },
  { name: 'hf-run:siglip-no-head', run: (ctx) => runFixture(ctx, siglipWithoutHead(ctx), 'siglip-no-head') },
  { name: 'hf-run:qwen2', run: (ctx) => runFixture(ctx, fixture('qwen2-lm'), 'qwen2') },
];

interface KernelEntry {
  dtypes: string[];
  inputs: string[];
  attrs?: string[];
  jobs: string[];
}

/** `text` broken at spaces into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function render(entries: [string, KernelEntry][], jobs: string[]): string {
  const lines = [
    '// Generated by scripts/kernel-usage.ts — do not edit; regenerate with `npx tsx scripts/kernel-usage.ts`.',
    '//',
    '// Every tfjs kernel the engine asks a backend for (engine().runKernel, gradients included; kernels that a backend',
    '// runs inside its own kernels are not counted), measured by running small versions of every engine job on the cpu',
    '// backend: a new backend must register each of these for the engine to run on it. Per kernel: the dtypes of its',
    '// inputs, each input signature seen, for a few kernels the attribute values seen (rank = the first input\'s rank;',
    '// from = the dtype Cast casts from; batch=broadcast: BatchMatMul operands whose batch shapes differ), and the jobs.',
    '//',
    ...wrap(`Jobs: ${jobs.join(', ')}.`, 114).map((l) => `// ${l}`),
    '',
    'export interface EngineKernel {',
    '  /** Dtypes of its inputs, any input. */',
    '  dtypes: string[];',
    '  /** Each input signature seen: `name:dtype …` (`tensors[]` for list inputs such as Concat\'s). */',
    '  inputs: string[];',
    '  /** Attribute values seen, for kernels where they choose a code path. */',
    '  attrs?: string[];',
    '  /** The measured jobs that ran it. */',
    '  jobs: string[];',
    '}',
    '',
    'export const ENGINE_KERNELS: Record<string, EngineKernel> = {',
  ];
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  for (const [name, e] of entries) {
    lines.push(`  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name)}: {`);
    lines.push(`    dtypes: ${list(e.dtypes)},`);
    lines.push(`    inputs: ${list(e.inputs)},`);
    if (e.attrs) lines.push(`    attrs: ${list(e.attrs)},`);
    lines.push(`    jobs: ${list(e.jobs)},`);
    lines.push('  },');
  }
  lines.push('};', '');
  lines.push('/** The kernel names, sorted. */');
  lines.push(`export const ENGINE_KERNEL_NAMES: string[] = ${list(entries.map(([n]) => n))};`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const started = performance.now();
  await selectBackend('cpu');
  if (!existsSync(FIXTURES)) throw new Error(`${FIXTURES} is missing: the Hugging Face fixtures are needed`);
  const root = mkdtempSync(join(tmpdir(), 'pivot-kernel-usage-'));
  const ctx: Context = { root, world32: join(root, 'world32'), world64: join(root, 'world64'), checkpoints: new Map() };
  const all: KernelUses = new Map();
  const jobsOf = new Map<string, Set<string>>();
  try {
    await writeShapesWorld({ out: ctx.world32, count: 16, seed: 7, size: 32, difficulty: 'easy' });
    await writeShapesWorld({ out: ctx.world64, count: 4, seed: 7, size: 64, difficulty: 'easy' });
    for (const job of JOBS) {
      const t = performance.now();
      const tensorsBefore = tf.memory().numTensors;
      const { uses } = await recordKernels(() => job.run(ctx));
      mergeKernelUses(all, uses);
      for (const name of uses.keys()) jobsOf.set(name, (jobsOf.get(name) ?? new Set()).add(job.name));
      const calls = [...uses.values()].reduce((n, u) => n + u.calls, 0);
      const leaked = tf.memory().numTensors - tensorsBefore;
      console.log(`${job.name.padEnd(34)} ${String(uses.size).padStart(3)} kernels ${String(calls).padStart(7)} calls ${((performance.now() - t) / 1000).toFixed(1).padStart(6)} s${leaked > 0 ? ` (${leaked} tensors not freed)` : ''}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const entries = [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, use]): [string, KernelEntry] => {
    const entry: KernelEntry = { dtypes: [...use.dtypes].sort(), inputs: [...use.inputs].sort(), jobs: JOBS.map((j) => j.name).filter((j) => jobsOf.get(name)?.has(j)) };
    if (use.attrs.size > 0) entry.attrs = [...use.attrs].sort();
    return [name, entry];
  });
  const text = render(entries, JOBS.map((j) => j.name));
  console.log(`${entries.length} kernels: ${entries.map(([n, e]) => `${n}(${e.dtypes.join('|')})`).join(' ')}`);
  console.log(`measured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (check) {
    const current = existsSync(OUT_FILE) ? readFileSync(OUT_FILE, 'utf8') : '';
    if (current !== text) {
      console.error(`${OUT_FILE} is out of date: run npx tsx scripts/kernel-usage.ts`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(OUT_FILE, text);
  console.log(`wrote ${OUT_FILE}`);
}

await main();
