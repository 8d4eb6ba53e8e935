// Saves an MLLM as a Hugging Face LLaVA folder in the layout it was loaded from (transformers 5's for a preset or
// composed model): config.json, the weights (sharded with an index over the shard size), tokenizer, chat template
// and processor files. Written into a temporary folder, re-loaded and compared tensor by tensor, then renamed.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { preprocessorConfig } from '../../export/preprocessor';
import { DEFAULT_MAX_SHARD_BYTES, writeSafetensorsFolder, type TensorToWrite } from '../../io/safetensors';
import { replaceFolder } from '../mllm/checkpoint';
import type { Mllm } from '../mllm/model';
import { MLLM_PARTS } from '../mllm/parts';
import { llavaConfigJson } from './config';
import { LLAVA_KEYS } from './layout';
import { loadLlava } from './load';

/** Options of `saveLlava`. */
export interface SaveLlavaOptions {
  /** Most bytes of tensor data in one safetensors file; above it the weights are sharded. Default 5 GB, as transformers. */
  maxShardBytes?: number;
}

/** What was written. */
export interface SavedLlava {
  dir: string;
  files: string[];
}

/** Every weight of `model` under its key in the LLaVA layout `model` came from (transformers 5's if none). */
async function llavaTensors(model: Mllm): Promise<Record<string, TensorToWrite>> {
  const keys = LLAVA_KEYS[model.origin?.layout ?? 'transformers-5'];
  const rename = (tensors: Record<string, TensorToWrite>, key: (name: string) => string): [string, TensorToWrite][] =>
    Object.entries(tensors).map(([name, tensor]) => [key(name), tensor]);
  return Object.fromEntries([
    ...rename(await model.encoder.params.toHf(), (name) => keys.visionPrefix + name),
    ...rename(await model.projector.params.toHf(), (name) => keys.projectorPrefix + name),
    ...rename(await model.lm.parameters.toHf(), keys.lmKey),
  ]);
}

/** Writes `model` as the LLaVA folder `dir`, replacing any folder there only once the new one has loaded back equal. */
export async function saveLlava(model: Mllm, dir: string, options: SaveLlavaOptions = {}): Promise<SavedLlava> {
  const tmp = join(dirname(dir), `.${basename(dir)}.save-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp, { recursive: true });
    const files = await writeLlavaFiles(model, tmp, options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
    await checkSavedLlava(model, tmp, dir);
    await replaceFolder(tmp, dir);
    return { dir, files: files.sort() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function writeLlavaFiles(model: Mllm, dir: string, maxShardBytes: number): Promise<string[]> {
  const written = await writeSafetensorsFolder(dir, await llavaTensors(model), { format: 'pt' }, maxShardBytes);
  const text: Record<string, string> = { ...model.origin?.files, ...model.tokenizerFiles };
  const originalText = model.origin?.files['preprocessor_config.json'];
  const original = originalText === undefined ? null : (JSON.parse(originalText) as Record<string, unknown>);
  // The folder keeps its tokenizer, so the processor_class the encoder export drops stays.
  const processorClass = original?.processor_class === undefined ? {} : { processor_class: original.processor_class };
  text['preprocessor_config.json'] = json({ ...preprocessorConfig(model.config.imageProcessor, original), ...processorClass });
  // transformers' LlavaProcessor expands <image> to (size / patch)² + num_additional_image_tokens, less one under 'default'.
  text['processor_config.json'] ??= json({
    image_token: '<image>',
    num_additional_image_tokens: model.encoder.hasClassToken ? 1 : 0,
    patch_size: model.encoder.config.patch_size,
    processor_class: 'LlavaProcessor',
    vision_feature_select_strategy: model.config.selectStrategy,
  });
  text['config.json'] = json(llavaConfigJson(model));
  for (const [name, content] of Object.entries(text)) await writeFile(join(dir, name), content);
  return [...written, ...Object.keys(text)];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Loads the written folder and compares every weight with the model's, bit for bit (both are float32). */
async function checkSavedLlava(model: Mllm, tmp: string, dir: string): Promise<void> {
  const saved = await loadLlava(tmp);
  try {
    for (const part of MLLM_PARTS) {
      const mine = new Map(allVariables(model, part));
      for (const [name, variable] of allVariables(saved, part)) {
        const expected = mine.get(name);
        const [want, got] = expected === undefined ? [null, null] : await Promise.all([expected.data(), variable.data()]);
        const same = want !== null && got !== null && want.length === got.length && want.every((v, i) => Object.is(v, got[i]));
        if (!same) throw new PivotError('INVALID_DATA', `Saving ${dir}: weight "${name}" did not load back as it was written; nothing was replaced`, { file: dir, tensor: name });
        mine.delete(name);
      }
      if (mine.size > 0) throw new PivotError('INVALID_DATA', `Saving ${dir}: weight "${[...mine.keys()][0]}" is missing from the written folder; nothing was replaced`, { file: dir });
    }
  } finally {
    saved.dispose();
  }
}

/** Every weight of a part (not only the trained ones), by name. */
function allVariables(model: Mllm, part: (typeof MLLM_PARTS)[number]) {
  const params = part === 'encoder' ? model.encoder.params : part === 'projector' ? model.projector.params : model.lm.parameters;
  return params.specs.map((spec) => [spec.name, params.get(spec.name)] as const);
}
