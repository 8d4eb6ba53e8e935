// The vision tower of an imported LLaVA folder written beside it as `encoder/`, the Hugging Face vision folder
// (config.json, model.safetensors, preprocessor_config.json) that the probes of the Compare tab and `pivot probe
// --checkpoint` open in every run's checkpoint, so a model trained elsewhere is measured like one trained here.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportedCheckpoint } from '../../src-shared/domain/runs';
import { loadSafetensorsFolder, writeSafetensorsAtomic, type TensorToWrite } from '../engine/io/safetensors';

/** The folder, inside a checkpoint, that holds its encoder (engine/jobs/probe.ts opens `<checkpoint>/encoder`). */
export const ENCODER_DIR = 'encoder';

/** Each weight layout's prefix before the vision tower's own `vision_model.…` names. */
export const VISION_TOWER_PREFIXES: Readonly<Record<ImportedCheckpoint['weightNames'], string>> = {
  'transformers-4': 'vision_tower.',
  'transformers-5': 'model.vision_tower.',
};

/**
 * Writes `<checkpoint>/encoder/` of a folder checkLlavaFolder accepted: config.json is the LLaVA config's vision_config, the weights are the tower's tensors
 * under their CLIPVisionModel / SiglipVisionModel names (float32), the image processor is the folder's own.
 */
export async function writeImportedEncoder(checkpoint: string, weightNames: ImportedCheckpoint['weightNames']): Promise<string> {
  // checkLlavaFolder (run-import.ts) has made sure there is one.
  const { vision_config: visionConfig } = JSON.parse(await readFile(join(checkpoint, 'config.json'), 'utf8')) as { vision_config: object };
  const prefix = VISION_TOWER_PREFIXES[weightNames];
  const weights = loadSafetensorsFolder(checkpoint);
  const tensors: Record<string, TensorToWrite> = {};
  for (const name of weights.names()) {
    if (!name.startsWith(prefix)) continue;
    const tensor = weights.read(name);
    tensors[name.slice(prefix.length)] = { dtype: tensor.dtype === 'int32' ? 'I32' : 'F32', shape: tensor.shape, data: tensor.data };
  }
  const dir = join(checkpoint, ENCODER_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(visionConfig, null, 2)}\n`);
  await writeFile(join(dir, 'preprocessor_config.json'), await readFile(join(checkpoint, 'preprocessor_config.json')));
  await writeSafetensorsAtomic(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  return dir;
}
