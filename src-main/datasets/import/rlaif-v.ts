// Reads one record of RLAIF-V's JSON/JSONL form: plain-text `question` / `chosen` / `rejected` and a relative
// `image_path` (or `image`), with its provenance fields (`ds_name`, `origin_dataset`, `origin_split`, `idx`) kept.
import { type Draft, type JsonObject, imageRefs, isMissing, provenance, textField } from '../../engine/data/formats/fields';

const CONSUMED = new Set(['question', 'chosen', 'rejected', 'image_path', 'image']);

export function parseRlaifV(record: JsonObject): Draft {
  const question = textField(record, 'question');
  const chosen = textField(record, 'chosen');
  const rejected = textField(record, 'rejected');
  // The Hub's parquet stores `image` as bytes; in JSON it is a path, named `image_path` by RLAIF-V's own exports.
  const field = isMissing(record.image_path) && !isMissing(record.image) ? 'image' : 'image_path';
  const [imagePath] = imageRefs(record, field);
  return { question, chosen, rejected, imagePath: imagePath!, ...provenance(record, CONSUMED) };
}
