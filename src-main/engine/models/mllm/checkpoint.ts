// An MLLM checkpoint folder: `encoder/` and `lm/` as Hugging Face folders, `projector.safetensors` with LLaVA's
// names, the tokenizer files and `mllm.json`. Written into `<dir>.tmp` and renamed, so a folder is whole or absent.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PivotError } from '../../../../src-shared/errors';
import { SafetensorsFile, writeSafetensorsAtomic } from '../../io/safetensors';
import { loadVisionModel } from '../hf/load-vision-model';
import { saveVisionModel } from '../hf/save-vision-model';
import { loadQwen2, saveQwen2 } from '../qwen2/checkpoint';
import { MLLM_CONFIG_FILE, mllmConfigToJson, readMllmConfig } from './config';
import { readTokenizerFiles, tokenizerFromFiles } from './build';
import { Mllm } from './model';
import { MultiModalProjector } from './projector';
import { weightTensor } from '../weight-tensor';

export const PROJECTOR_FILE = 'projector.safetensors';

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
  if (addFiles) await addFiles(tmp);
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
  const config = readMllmConfig(configPath);
  const tokenizerFiles = readTokenizerFiles(dir);
  const tokenizer = tokenizerFromFiles(tokenizerFiles, dir);
  const encoder = await loadVisionModel(join(dir, 'encoder'));
  const lm = loadQwen2(join(dir, 'lm'));
  let projector: MultiModalProjector | undefined;
  try {
    const projectorFile = SafetensorsFile.open(join(dir, PROJECTOR_FILE));
    projector = MultiModalProjector.fromHf(encoder.config.hidden_size, lm.config.hidden_size, (spec) => {
      if (!projectorFile.has(spec.name)) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${projectorFile.file}: tensor "${spec.name}" is missing`, { file: projectorFile.file, tensor: spec.name });
      return weightTensor(projectorFile, spec.name);
    });
    return new Mllm(encoder, projector, lm, tokenizer, tokenizerFiles, config);
  } catch (err) {
    encoder.dispose();
    lm.dispose();
    projector?.dispose();
    throw err;
  }
}
