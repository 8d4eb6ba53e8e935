// Field checks shared by the format parsers, so every format words the same problem the same way
// (`missing field "chosen"`, `field "chosen" is empty`, …) and the user can fix the file from the reason alone.
import { SPLITS, type Split } from '../../../../src-shared/domain/pairs';

export type OriginValue = string | number | boolean | null;
export type Origin = Record<string, OriginValue>;
export type JsonObject = Record<string, unknown>;

/** What a format parser makes of one record before its image is resolved and decoded. */
export interface Draft {
  question: string;
  chosen: string;
  rejected: string;
  /** The image path as written in the record, relative to the dataset file's folder. */
  imagePath: string;
  origin: Origin;
  split?: Split;
}

/** Thrown by parsers for a record that cannot be imported; the message is the reason shown to the user. */
export class RecordProblem extends Error {}

export const ONE_IMAGE_ONLY = 'PIVOT Studio studies single-image pairs; split the record or keep one image';

export function tooManyImages(count: number): RecordProblem {
  return new RecordProblem(`${count} images in one record: ${ONE_IMAGE_ONLY}`);
}

/** How a JSON value is named in reasons: JSON's own vocabulary, with arrays called lists as the formats do. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent and null read the same to the user: the field is not there. */
export function isMissing(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** A required plain-text field, trimmed. */
export function textField(record: JsonObject, field: string): string {
  const value = record[field];
  if (isMissing(value)) throw new RecordProblem(`missing field "${field}"`);
  if (typeof value !== 'string') throw new RecordProblem(`field "${field}" must be a string, got ${kindOf(value)}`);
  return nonEmpty(value, field);
}

export function nonEmpty(text: string, field: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new RecordProblem(`field "${field}" is empty`);
  return trimmed;
}

/**
 * The image references of a field: one path, or a list of paths (or of `{ "path": … }` objects, as Hugging Face
 * `datasets` writes its Image feature to JSON). Returns every reference so the caller can refuse more than one.
 */
export function imageRefs(record: JsonObject, field: string): string[] {
  const value = record[field];
  if (isMissing(value)) throw new RecordProblem(`missing field "${field}"`);
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new RecordProblem(`field "${field}" is empty`);
  if (items.length > 1) throw tooManyImages(items.length);
  return items.map((item) => {
    const path = isObject(item) && typeof item.path === 'string' ? item.path : item;
    if (typeof path !== 'string') {
      const where = Array.isArray(value)
        ? `field "${field}" must be a list of image paths`
        : `field "${field}" must be an image path`;
      throw new RecordProblem(`${where}, got ${kindOf(Array.isArray(value) ? item : value)}`);
    }
    if (path.trim() === '') throw new RecordProblem(`field "${field}" is empty`);
    return path;
  });
}

/** The record's own id (string or number), used to locate it in reports. */
export function recordId(record: JsonObject): string | undefined {
  const id = record.id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.trim() !== '') return id;
  return undefined;
}

/** Scalar top-level fields not consumed by the parser, kept as provenance; lists and objects are dropped. */
export function originOf(record: JsonObject, consumed: ReadonlySet<string>): Origin {
  const origin: Origin = {};
  for (const [key, value] of Object.entries(record)) {
    if (consumed.has(key)) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      origin[key] = value;
    }
  }
  return origin;
}

/** The record's `split`, when it names one PIVOT Studio knows; anything else stays in origin only. */
export function splitOf(record: JsonObject): Split | undefined {
  const split = record.split;
  return typeof split === 'string' && (SPLITS as readonly string[]).includes(split) ? (split as Split) : undefined;
}

/** Origin and split together, the tail every parser's Draft ends with. */
export function provenance(record: JsonObject, consumed: ReadonlySet<string>): Pick<Draft, 'origin' | 'split'> {
  const split = splitOf(record);
  return split ? { origin: originOf(record, consumed), split } : { origin: originOf(record, consumed) };
}
