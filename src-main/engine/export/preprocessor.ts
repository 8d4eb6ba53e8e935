// `preprocessor_config.json` of an exported encoder: the image processor transformers pairs with CLIP / SigLIP,
// set to prepare images as the MLLM did in training (square resize, bicubic, /255, the MLLM's mean and std).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MllmConfig } from '../models/mllm/config';
import type { VisionFamily } from '../models/hf/vision-family';

/** PIL's BICUBIC, the resample CLIP's and SigLIP's processors use (and the MLLM's sharp resize, kernel cubic). */
const BICUBIC = 3;
const RESCALE_FACTOR = 1 / 255;

/**
 * The processor config for an encoder of `family` that took `config`'s images. When the original encoder came with
 * a preprocessor_config.json, its fields are kept (they describe the same preparation); only the normalisation the
 * MLLM used is written over them, and `processor_class` is dropped because no tokenizer is exported beside it.
 */
export function preprocessorConfig(family: VisionFamily, config: MllmConfig, original?: Record<string, unknown> | null): Record<string, unknown> {
  const square = { height: config.imageSize, width: config.imageSize };
  const generated: Record<string, unknown> =
    family === 'clip'
      ? {
          // The MLLM resizes to a square without cropping; size {height, width} with no centre crop does the same.
          crop_size: square,
          do_center_crop: false,
          do_convert_rgb: true,
          do_normalize: true,
          do_rescale: true,
          do_resize: true,
          image_mean: [...config.imageMean],
          image_processor_type: 'CLIPImageProcessor',
          image_std: [...config.imageStd],
          resample: BICUBIC,
          rescale_factor: RESCALE_FACTOR,
          size: square,
        }
      : {
          do_convert_rgb: true,
          do_normalize: true,
          do_rescale: true,
          do_resize: true,
          image_mean: [...config.imageMean],
          image_processor_type: 'SiglipImageProcessor',
          image_std: [...config.imageStd],
          resample: BICUBIC,
          rescale_factor: RESCALE_FACTOR,
          size: square,
        };
  if (!original) return generated;
  const kept: Record<string, unknown> = { ...original, image_mean: [...config.imageMean], image_std: [...config.imageStd] };
  delete kept.processor_class;
  return Object.fromEntries(Object.keys(kept).sort().map((k) => [k, kept[k]]));
}

/** The original encoder folder's preprocessor_config.json, when the folder (still) exists and has a readable one. */
export function readOriginalPreprocessor(encoderDir: string | undefined): Record<string, unknown> | null {
  if (encoderDir === undefined) return null;
  const path = join(encoderDir, 'preprocessor_config.json');
  if (!existsSync(path)) return null;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The Hub id of the original encoder, for the model card's `base_model`: its config's `_name_or_path` when that is
 * an `org/name` id, else the id in a Hub cache path (`models--org--name/snapshots/…`); null otherwise (a preset,
 * or a local folder whose origin is unknown — never guessed).
 */
export function baseModelOf(encoderDir: string | undefined): string | null {
  if (encoderDir === undefined) return null;
  const hubId = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
  try {
    const config = JSON.parse(readFileSync(join(encoderDir, 'config.json'), 'utf8')) as { _name_or_path?: unknown };
    if (typeof config._name_or_path === 'string' && hubId.test(config._name_or_path)) return config._name_or_path;
  } catch {
    // No readable config: fall through to the path.
  }
  const cached = /models--([^/\\]+?)--([^/\\]+)[/\\]snapshots[/\\]/.exec(encoderDir);
  return cached ? `${cached[1]}/${cached[2]}` : null;
}
