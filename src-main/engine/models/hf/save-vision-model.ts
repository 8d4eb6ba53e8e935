// Writes a vision tower as a Hugging Face folder that transformers loads unchanged: config.json
// (the fields read at load time, kept) and model.safetensors in the transformers-5 key format.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write';
import { SAFETENSORS_FILE, writeSafetensorsAtomic } from '../../io/safetensors';
import type { VisionModel } from './vision-family';

/**
 * Saves `model` into `dir` (created if needed; existing files replaced atomically). Keys carry no
 * `vision_model.` prefix; the `format: pt` metadata is what transformers requires of a safetensors file.
 */
export async function saveVisionModel(model: VisionModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeSafetensorsAtomic(join(dir, SAFETENSORS_FILE), await model.params.toHf(), { format: 'pt' });
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(model.config.toJSON(), null, 2)}\n`);
}
