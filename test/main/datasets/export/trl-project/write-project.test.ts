// `pivot study export --to trl`: the project compiles, its rows are what TRL reads, its launch configs are what
// accelerate and DeepSpeed read, the scripts train with the recipe's hyper-parameters, and OUT is never half-written
// nor replaced without --force.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadRecipe } from '../../../../../src-main/engine/train/recipe';
import { writeTrlProject } from '../../../../../src-main/datasets/export/trl-project/write-project';
import type { Workspace } from '../../../../../src-main/store/workspace';
import { tempDir, workspaceWithPairs } from '../../../../helpers/workspace';

const STUBS = join(import.meta.dirname, 'run-with-stubs.py');

/**
 * TRL's vision preference rows, conversational (TRL docs, dataset_formats.md, "Preference" and "Vision datasets"):
 * `images` a list of images, `prompt` the user turn(s) whose content lists `{"type": "image"}` and
 * `{"type": "text", "text": …}`, `chosen` / `rejected` the assistant turns.
 */
const textPart = z.strictObject({ type: z.literal('text'), text: z.string().min(1) });
const userTurn = z.strictObject({ role: z.literal('user'), content: z.tuple([z.strictObject({ type: z.literal('image') }), textPart]) });
const assistantTurn = z.strictObject({ role: z.literal('assistant'), content: z.tuple([textPart]) });
const preferenceRow = z.object({ images: z.array(z.string()).length(1), prompt: z.tuple([userTurn]), chosen: z.tuple([assistantTurn]), rejected: z.tuple([assistantTurn]) });
/** TRL's conversational language-modeling rows (same docs, "Language modeling"), with the vision `images`. */
const sftRow = z.strictObject({ id: z.number(), images: z.array(z.string()).length(1), messages: z.tuple([userTurn, assistantTurn]) });

let ws: Workspace;
let base = '';

beforeAll(async () => {
  ws = await workspaceWithPairs([{ question: 'What colour is the circle?', chosen: 'Red.', rejected: 'Blue.' }, {}, { split: 'test' }]);
  base = tempDir('pivot-llava-');
  writeFileSync(join(base, 'config.json'), JSON.stringify({ model_type: 'llava', architectures: ['LlavaForConditionalGeneration'] }));
});
afterAll(() => ws.close());

const jsonl = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const recipe = loadRecipe('shapes-study');

async function project(options: { recipe?: typeof recipe | null; force?: boolean; out?: string } = {}) {
  const out = options.out ?? join(tempDir('pivot-trl-'), 'project');
  const result = await writeTrlProject(ws, { out, base, recipe: options.recipe === undefined ? recipe : options.recipe, filter: {}, force: options.force ?? false });
  return { out, result };
}

function runWithStubs(out: string, script: string, ...args: string[]) {
  return JSON.parse(execFileSync('python3', [STUBS, script, out, ...args], { encoding: 'utf8' })) as {
    base_model: string;
    data_files: string;
    config: Record<string, unknown>;
    trainer: string[];
    ref_model: string;
    trainable: string[];
    param_groups: Array<{ lr: number; weight_decay: number; params: string[] }>;
  };
}

describe('pivot study export --to trl', () => {
  it('writes a project whose Python compiles, with the train split in TRL preference rows and SFT messages, images relative to data/', async () => {
    const { out, result } = await project();
    expect(result).toMatchObject({ out, pairs: 2, images: 2 });
    expect(result.files).toEqual([
      'README.md', 'accelerate/multi-node-zero2.yaml', 'accelerate/multi-node-zero3.yaml', 'accelerate/one-gpu.yaml', 'accelerate/one-node-ddp.yaml',
      'data/dpo.jsonl', 'data/sft.jsonl', 'deepspeed/zero2.json', 'deepspeed/zero3.json', 'dpo.py', 'pivot_trl.py', 'requirements.txt', 'settings.py', 'sft.py',
    ]);
    const python = readdirSync(out).filter((f) => f.endsWith('.py')).map((f) => join(out, f));
    expect(python).toHaveLength(4);
    execFileSync('python3', ['-m', 'py_compile', ...python]);

    const dpo = jsonl(join(out, 'data/dpo.jsonl'));
    const sft = jsonl(join(out, 'data/sft.jsonl'));
    expect(dpo.map((row) => row.split)).toEqual(['train', 'train']);
    for (const row of dpo) {
      const parsed = preferenceRow.parse(row);
      expect(existsSync(join(out, 'data', parsed.images[0]!))).toBe(true);
    }
    for (const row of sft) sftRow.parse(row);
    expect(dpo[0]).toMatchObject({
      prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour is the circle?' }] }],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'Red.' }] }],
      rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'Blue.' }] }],
    });
    expect(sft[0]!.messages).toEqual([dpo[0]!.prompt, dpo[0]!.chosen].flat());
    expect(sft.map((row) => row.images)).toEqual(dpo.map((row) => row.images));
    expect(readFileSync(join(out, 'requirements.txt'), 'utf8')).toBe('torch==2.7.1\ntransformers==4.53.3\ntrl==0.19.1\naccelerate==1.9.0\ndeepspeed==0.17.2\ndatasets==4.0.0\npillow==11.3.0\n');
  }, 30_000);

  it('writes accelerate configs for one GPU, one node (DDP) and several nodes under DeepSpeed ZeRO-2 / ZeRO-3, naming JSON that exists', async () => {
    const { out, result } = await project();
    // Read as accelerate reads them: PyYAML (YAML 1.1, where an unquoted no is false).
    const yaml = (name: string) =>
      JSON.parse(execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', join(out, 'accelerate', `${name}.yaml`)], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(yaml('one-gpu').downcast_bf16).toBe('no');
    expect(yaml('one-gpu')).toMatchObject({ distributed_type: 'NO', num_machines: 1, num_processes: 1, mixed_precision: 'bf16' });
    expect(yaml('one-node-ddp')).toMatchObject({ distributed_type: 'MULTI_GPU', num_machines: 1, num_processes: 8, mixed_precision: 'bf16' });
    for (const [name, stage] of [['zero2', 2], ['zero3', 3]] as const) {
      const config = yaml(`multi-node-${name}`);
      expect(config).toMatchObject({ distributed_type: 'DEEPSPEED', num_machines: 2, num_processes: 16, main_process_port: 29500 });
      const deepspeed = (config.deepspeed_config as { deepspeed_config_file: string }).deepspeed_config_file;
      expect(deepspeed).toBe(`deepspeed/${name}.json`);
      const json = JSON.parse(readFileSync(join(out, deepspeed), 'utf8')) as Record<string, unknown>;
      expect((json.zero_optimization as { stage: number }).stage).toBe(stage);
      // The Trainer's optimizer (per-part LRs) and its batch / clipping are used: DeepSpeed's are left "auto" or out.
      expect(json).not.toHaveProperty('optimizer');
      expect(json).not.toHaveProperty('scheduler');
      expect(json).toMatchObject({ train_micro_batch_size_per_gpu: 'auto', gradient_accumulation_steps: 'auto', gradient_clipping: 'auto', bf16: { enabled: 'auto' } });
    }
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('accelerate launch --config_file accelerate/one-gpu.yaml dpo.py\n');
    expect(readme).toContain('accelerate launch --config_file accelerate/multi-node-zero3.yaml --num_machines 2 --num_processes 16 --machine_rank $NODE_RANK --main_process_ip $MAIN_NODE_IP sft.py\n');
    expect(readme).toContain(`pivot runs import dpo-out --workspace ${ws.dir} --name "TRL dpo"`);
    expect(result.pairs).toBe(2);
  }, 30_000);

  it("hands TRL the recipe's hyper-parameters: β, per-part LRs, epochs, batch, warm-up, seed; the vision tower trains; reference log-probs precomputed", async () => {
    const { out } = await project();
    const dpo = runWithStubs(out, 'dpo.py');
    const branch = recipe.branches.dpo!;
    expect(dpo.base_model).toBe(base);
    expect(dpo.data_files).toBe(join(out, 'data', 'dpo.jsonl'));
    expect(dpo.config).toMatchObject({
      beta: branch.beta, learning_rate: branch.lr, num_train_epochs: branch.epochs, per_device_train_batch_size: branch.batchSize,
      gradient_accumulation_steps: branch.gradAccum, warmup_ratio: branch.warmupRatio, weight_decay: branch.weightDecay,
      max_grad_norm: branch.clipNorm, seed: recipe.seed, precompute_ref_log_probs: true, max_length: null, max_prompt_length: null,
      output_dir: join(out, 'dpo-out'), bf16: true,
    });
    expect([branch.beta, branch.lr, branch.epochs, branch.batchSize, branch.gradAccum]).toEqual([0.1, 3e-5, 3, 8, 2]);
    expect(dpo.ref_model).toBe('None');
    expect(dpo.trainable).toHaveLength(5);
    expect(dpo.param_groups).toEqual([
      { lr: branch.encoderLr, weight_decay: 0, params: ['vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight'] },
      { lr: branch.encoderLr, weight_decay: 0, params: ['vision_tower.vision_model.encoder.layers.0.mlp.fc1.bias'] },
      { lr: branch.lr, weight_decay: 0, params: ['multi_modal_projector.linear_1.weight'] },
      { lr: branch.lr, weight_decay: 0, params: ['language_model.model.layers.0.mlp.up_proj.weight', 'lm_head.weight'] },
    ]);

    const sft = runWithStubs(out, 'sft.py');
    expect(sft.data_files).toBe(join(out, 'data', 'sft.jsonl'));
    expect(sft.config).toMatchObject({ learning_rate: 1.5e-4, num_train_epochs: 3, per_device_train_batch_size: 16, gradient_accumulation_steps: 1, warmup_ratio: 0.03, seed: 0, remove_unused_columns: false });
    expect(sft.trainer).toEqual(['data_collator', 'processing_class', 'train_dataset']);
    expect(runWithStubs(out, 'dpo.py', join(out, 'sft-out')).base_model).toBe(join(out, 'sft-out'));
  }, 30_000);

  it("uses the paper's values without a recipe, and freezes only what a recipe's trainable leaves out", async () => {
    const { out } = await project({ recipe: null });
    const dpo = runWithStubs(out, 'dpo.py');
    expect(dpo.config).toMatchObject({ beta: 0.1, learning_rate: 1e-6, warmup_ratio: 0.03, precompute_ref_log_probs: true });
    expect(runWithStubs(out, 'sft.py').config).toMatchObject({ learning_rate: 5e-6 });

    const folder = tempDir('pivot-recipe-');
    const file = join(folder, 'frozen-encoder.json');
    const frozen = JSON.parse(JSON.stringify({ ...readRecipeJson(), name: 'frozen' })) as { branches: { dpo: { trainable: string[] } }; data: { maxLength?: number } };
    frozen.branches.dpo.trainable = ['projector', 'lm'];
    frozen.data.maxLength = 1024;
    writeFileSync(file, JSON.stringify(frozen));
    const { out: out2 } = await project({ recipe: loadRecipe(file) });
    const frozenRun = runWithStubs(out2, 'dpo.py');
    expect(frozenRun.trainable).toEqual(['multi_modal_projector.linear_1.weight', 'language_model.model.layers.0.mlp.up_proj.weight', 'lm_head.weight']);
    expect(frozenRun.config.max_length).toBe(1024);
  }, 30_000);

  it('refuses a non-empty OUT without --force (leaving it as it was), replaces it with --force, and refuses the workspace itself', async () => {
    const out = join(tempDir('pivot-trl-'), 'project');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'keep me');
    await expect(project({ out })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: `"${out}" already exists and is not empty: choose another folder, or replace it with --force.` });
    expect(readdirSync(out)).toEqual(['keep.txt']);
    await project({ out, force: true });
    expect(existsSync(join(out, 'keep.txt'))).toBe(false);
    expect(existsSync(join(out, 'dpo.py'))).toBe(true);
    expect(readdirSync(join(out, '..'))).toEqual(['project']);

    await expect(project({ out: ws.dir, force: true })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: `Cannot write the TRL project to "${ws.dir}": it would replace the workspace ${ws.dir} or its own files. Choose a folder outside it.` });
    expect(existsSync(join(ws.dir, 'images'))).toBe(true);
  }, 30_000);

  it('refuses a base that is not a LLaVA folder, and a selection with no pairs, leaving no OUT behind', async () => {
    const notLlava = tempDir('pivot-clip-');
    writeFileSync(join(notLlava, 'config.json'), JSON.stringify({ model_type: 'clip' }));
    const out = join(tempDir('pivot-trl-'), 'project');
    await expect(writeTrlProject(ws, { out, base: notLlava, recipe: null, filter: {}, force: false })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: `--base "${notLlava}" is a "clip" model, but the TRL project trains a LLaVA model (config.json "model_type": "llava"): give a LLaVA folder, e.g. one written by \`pivot export --mllm\`.`,
    });
    await expect(writeTrlProject(ws, { out, base, recipe: null, filter: { status: ['accepted'] }, force: false })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: `No pairs of the workspace ${ws.dir} match status accepted, split train: there is nothing to train on. Curate some pairs, or widen --status / --dataset.`,
    });
    await expect(writeTrlProject(ws, { out, base, recipe: null, filter: { dataset: 'rlaif-v' }, force: false })).rejects.toMatchObject({
      code: 'INVALID_REQUEST', message: expect.stringContaining('match dataset "rlaif-v", split train: there is nothing to train on.'),
    });
    expect(readdirSync(join(out, '..'))).toEqual([]);
  }, 30_000);
});

/** shapes-study as a JSON object, to vary one field of it. */
function readRecipeJson(): Record<string, unknown> {
  return parseYaml(readFileSync(recipe.source, 'utf8')) as Record<string, unknown>;
}
