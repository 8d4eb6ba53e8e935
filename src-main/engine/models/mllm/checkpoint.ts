// An MLLM checkpoint folder: `encoder/` and `lm/` as Hugging Face folders, `projector.safetensors` with LLaVA's
// names, the tokenizer files and `mllm.json`. Written into `<dir>.tmp` and renamed, so a folder is whole or absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { SafetensorsFile, writeSafetensorsAtomic } from '../../io/safetensors';
import { loadVisionModel } from '../hf/load-vision-model';
import { saveVisionModel } from '../hf/save-vision-model';
import { loadQwen2, saveQwen2 } from '../qwen2/checkpoint';
import type { Qwen2ForCausalLM } from '../qwen2/modeling';
import { MLLM_CONFIG_FILE, mllmConfigToJson, readMllmConfig, type LlavaOrigin } from './config';
import { readTokenizerFiles, tokenizerFromFiles } from './build';
import { Mllm } from './model';
import { MultiModalProjector } from './projector';
import { weightTensor } from '../weight-tensor';

export const PROJECTOR_FILE = 'projector.safetensors';
/** Where a model loaded from a LLaVA folder keeps that folder's config and files, to be saved back as it came. */
const ORIGIN_DIR = 'llava-origin';
const ORIGIN_FILE = 'origin.json';

async function saveOrigin(origin: LlavaOrigin, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ORIGIN_FILE), `${JSON.stringify({ layout: origin.layout, config: origin.config }, null, 2)}\n`);
  for (const [name, text] of Object.entries(origin.files)) await writeFile(join(dir, name), text);
}

/** The origin `saveOrigin` wrote, or undefined for a model that did not come from a LLaVA folder. */
function readOrigin(dir: string): LlavaOrigin | undefined {
  const path = join(dir, ORIGIN_FILE);
  if (!existsSync(path)) return undefined;
  const { layout, config } = JSON.parse(readFileSync(path, 'utf8')) as Pick<LlavaOrigin, 'layout' | 'config'>;
  const files = Object.fromEntries(readdirSync(dir).filter((name) => name !== ORIGIN_FILE).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  return { layout, config, files };
}

/**
 * Saves `model` as the folder `dir`, replacing any folder there only once the new one is complete.
 * `addFiles` may write more into the temporary folder first (a trainer's optimizer state), so that they
 * appear together with the weights or not at all.
 */
export async function saveMllm(model: Mllm, dir: string, addFiles?: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await saveVisionModel(model.encoder, join(tmp, 'encoder'));
  await saveQwen2(model.lm, join(tmp, 'lm'));
  await writeSafetensorsAtomic(join(tmp, PROJECTOR_FILE), await model.projector.params.toHf(), { format: 'pt' });
  for (const [name, text] of Object.entries(model.tokenizerFiles)) await writeFile(join(tmp, name), text);
  const description = mllmConfigToJson(model.config, {
    imageTokenIndex: model.tokenizer.imageTokenId,
    imageSeqLength: model.imageTokenCount,
  });
  await writeFile(join(tmp, MLLM_CONFIG_FILE), `${JSON.stringify(description, null, 2)}\n`);
  if (model.origin) await saveOrigin(model.origin, join(tmp, ORIGIN_DIR));
  if (addFiles) await addFiles(tmp);
  await replaceFolder(tmp, dir);
}

/** Puts the complete folder `tmp` in place of `dir` (which may not exist). */
export async function replaceFolder(tmp: string, dir: string): Promise<void> {
  // A directory cannot be renamed over a non-empty one: move the old aside, put the new in place, drop the old.
  const old = `${dir}.old`;
  await rm(old, { recursive: true, force: true });
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** Loads a folder written by `saveMllm`; errors name the file that is missing or does not fit. */
export async function loadMllm(dir: string): Promise<Mllm> {
  const configPath = join(dir, MLLM_CONFIG_FILE);
  if (!existsSync(configPath)) throw new PivotError('FILE_UNREADABLE', `${dir} is not an MLLM checkpoint: it has no ${MLLM_CONFIG_FILE}`);
  const tokenizerFiles = readTokenizerFiles(dir);
  const tokenizer = tokenizerFromFiles(tokenizerFiles, dir);
  const encoder = await loadVisionModel(join(dir, 'encoder'));
  let lm: Qwen2ForCausalLM | undefined;
  let projector: MultiModalProjector | undefined;
  try {
    const config = readMllmConfig(configPath, encoder.hasClassToken);
    lm = loadQwen2(join(dir, 'lm'));
    const projectorFile = SafetensorsFile.open(join(dir, PROJECTOR_FILE));
    // A projector saved without biases (LLaVA's multimodal_projector_bias: false) has none to read.
    const bias = projectorFile.has('multi_modal_projector.linear_1.bias');
    projector = MultiModalProjector.fromHf(encoder.config.hidden_size, lm.config.hidden_size, (spec) => {
      if (!projectorFile.has(spec.name)) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${projectorFile.file}: tensor "${spec.name}" is missing`, { file: projectorFile.file, tensor: spec.name });
      return weightTensor(projectorFile, spec.name);
    }, bias);
    return new Mllm(encoder, projector, lm, tokenizer, tokenizerFiles, config, readOrigin(join(dir, ORIGIN_DIR)));
  } catch (err) {
    encoder.dispose();
    lm?.dispose();
    projector?.dispose();
    throw err;
  }
}
