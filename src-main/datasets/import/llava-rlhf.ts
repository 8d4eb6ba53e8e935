// Reads one record of LLaVA-RLHF's human preference data: a conversation whose last human turn is the question,
// two candidate outputs, and `preference` naming the better one (1 or 2).
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
} from '../../engine/data/formats/fields';

const CONSUMED = new Set(['image', 'conversations', 'output_1', 'output_2', 'preference']);
const HUMAN = new Set(['human', 'user']);
const PLACEHOLDER = /\s*<image>\s*/g;

export function parseLlavaRlhf(record: JsonObject): Draft {
  const { question, placeholders } = lastHumanTurn(record);
  const preference = record.preference;
  if (isMissing(preference)) throw new RecordProblem('missing field "preference"');
  if (preference !== 1 && preference !== 2) {
    throw new RecordProblem(`preference must be 1 or 2, got ${JSON.stringify(preference)}`);
  }
  const output1 = output(record, 'output_1');
  const output2 = output(record, 'output_2');

  // Each `<image>` placeholder stands for one image fed to the model, so two of them mean a multi-image record.
  if (placeholders > 1) throw tooManyImages(placeholders);
  const [imagePath] = imageRefs(record, 'image');

  return {
    question,
    chosen: preference === 1 ? output1 : output2,
    rejected: preference === 1 ? output2 : output1,
    imagePath: imagePath!,
    ...provenance(record, CONSUMED),
  };
}

function lastHumanTurn(record: JsonObject): { question: string; placeholders: number } {
  const turns = record.conversations;
  if (isMissing(turns)) throw new RecordProblem('missing field "conversations"');
  if (!Array.isArray(turns)) {
    throw new RecordProblem(`field "conversations" must be a list of turns, got ${kindOf(turns)}`);
  }
  if (turns.length === 0) throw new RecordProblem('field "conversations" is empty');

  let last: string | undefined;
  let placeholders = 0;
  turns.forEach((turn: unknown, t) => {
    if (!isObject(turn) || typeof turn.from !== 'string' || typeof turn.value !== 'string') {
      throw new RecordProblem(`field "conversations" turn ${t + 1} must be {"from": …, "value": …}`);
    }
    if (!HUMAN.has(turn.from)) return;
    placeholders += turn.value.match(PLACEHOLDER)?.length ?? 0;
    last = turn.value;
  });
  if (last === undefined) throw new RecordProblem('field "conversations" has no human turn');

  // The placeholder marks where the image goes in LLaVA's template; the question a user reads is the text around it.
  const question = last.replace(PLACEHOLDER, ' ').trim();
  if (question === '') throw new RecordProblem('field "conversations" has an empty last human turn');
  return { question, placeholders };
}

/** An output is `{ "from": "llava", "value": … }` in the released files; a plain string is accepted too. */
function output(record: JsonObject, field: string): string {
  const value = record[field];
  if (isMissing(value)) throw new RecordProblem(`missing field "${field}"`);
  if (typeof value === 'string') return nonEmpty(value, field);
  if (isObject(value) && typeof value.value === 'string') return nonEmpty(value.value, field);
  throw new RecordProblem(`field "${field}" must be a string or {"from": …, "value": …}, got ${kindOf(value)}`);
}
