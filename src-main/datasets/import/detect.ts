// Guesses a dataset's format from the keys of its records, for imports where the user did not say which it is.
import type { ImportFormat } from '../../../src-shared/domain/import-report';
import type { JsonObject } from '../../engine/data/formats/fields';

/**
 * The format a record's keys point to, or undefined when they point nowhere. The rules go from the most specific
 * keys to the least: LLaVA-RLHF's `output_1`/`preference` are unique to it, while `prompt` is the generic TRL key.
 */
export function detectFormat(record: JsonObject): ImportFormat | undefined {
  if ('output_1' in record || 'preference' in record) return 'llava-rlhf';
  if ('image_path' in record || 'ds_name' in record || 'question' in record) return 'rlaif-v';
  if ('prompt' in record) return 'trl';
  return undefined;
}
