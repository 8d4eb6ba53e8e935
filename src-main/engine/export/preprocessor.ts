// `preprocessor_config.json` of an exported encoder: the image processor the MLLM prepared its images with, written
// back as transformers reads it (CLIPImageProcessor / SiglipImageProcessor).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageProcessorToJson, type ImageProcessorConfig } from '../models/hf/image-processor';

/**
 * The processor config of an encoder whose images `processor` prepared. When the original encoder came with a
 * preprocessor_config.json, its other fields are kept; `processor_class` is dropped because no tokenizer is
 * exported beside it.
 */
export function preprocessorConfig(processor: ImageProcessorConfig, original?: Record<string, unknown> | null): Record<string, unknown> {
  const kept: Record<string, unknown> = { ...(original ?? {}), ...imageProcessorToJson(processor) };
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
