// Reads one record of TRL's vision preference format: `images` (or `image`) plus `prompt` / `chosen` / `rejected`,
// each either plain text or TRL's conversational message lists.
import {
  type Draft,
  type JsonObject,
  RecordProblem,
  imageRefs,
  isMissing,
  isObject,
  kindOf,
  nonEmpty,
  provenance,
  tooManyImages,
} from './fields';

const CONSUMED = new Set(['images', 'image', 'prompt', 'chosen', 'rejected']);

/** The text and the image placeholders of one side of a conversational field. */
interface Conversation {
  text: string;
  imageParts: number;
}

export function parseTrl(record: JsonObject): Draft {
  const prompt = conversation(record, 'prompt', 'user');
  const chosen = conversation(record, 'chosen', 'assistant');
  const rejected = conversation(record, 'rejected', 'assistant');

  // `images` is TRL's column; `image` (a single path) is accepted too since many hand-made files use it.
  const field = isMissing(record.images) && !isMissing(record.image) ? 'image' : 'images';
  if (prompt.imageParts > 1) throw tooManyImages(prompt.imageParts);
  const [imagePath] = imageRefs(record, field);

  return {
    question: prompt.text,
    chosen: chosen.text,
    rejected: rejected.text,
    imagePath: imagePath!,
    ...provenance(record, CONSUMED),
  };
}

/**
 * A field that is either a string or a list of `{ role, content }` messages, where content is a string or a list
 * of `{ type: 'text', text }` / `{ type: 'image' }` parts. Only the turns of `role` count: the prompt's question is
 * its user text (a system prompt is not the question), an answer is its assistant text.
 */
function conversation(record: JsonObject, field: string, role: 'user' | 'assistant'): Conversation {
  const value = record[field];
  if (isMissing(value)) throw new RecordProblem(`missing field "${field}"`);
  if (typeof value === 'string') return { text: nonEmpty(value, field), imageParts: 0 };
  if (!Array.isArray(value)) {
    throw new RecordProblem(`field "${field}" must be a string or a list of messages, got ${kindOf(value)}`);
  }
  if (value.length === 0) throw new RecordProblem(`field "${field}" is empty`);

  const texts: string[] = [];
  let imageParts = 0;
  value.forEach((message: unknown, m) => {
    const where = `field "${field}" message ${m + 1}`;
    if (!isObject(message) || typeof message.role !== 'string' || isMissing(message.content)) {
      throw new RecordProblem(`${where} must be {"role": …, "content": …}`);
    }
    const content = message.content;
    const mine = message.role === role;
    if (typeof content === 'string') {
      if (mine) texts.push(content);
      return;
    }
    if (!Array.isArray(content)) {
      throw new RecordProblem(`${where} content must be a string or a list of parts, got ${kindOf(content)}`);
    }
    content.forEach((part: unknown, p) => {
      if (isObject(part) && part.type === 'text' && typeof part.text === 'string') {
        if (mine) texts.push(part.text);
      } else if (isObject(part) && part.type === 'image') {
        imageParts++;
      } else {
        throw new RecordProblem(`${where} part ${p + 1} must be {"type": "text", "text": …} or {"type": "image"}`);
      }
    });
  });

  // Parts are trimmed one by one so `[text, image, text]` layouts do not leave stray blank lines in the question.
  const text = texts
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .join('\n');
  if (text === '') throw new RecordProblem(`field "${field}" has no ${role} text`);
  return { text, imageParts };
}
