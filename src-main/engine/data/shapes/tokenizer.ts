// The Shapes world's word-level tokenizer: a Hugging Face `tokenizer.json` whose vocabulary is every word the
// world's questions, answers and captions can produce, so a toy language model needs no subword vocabulary.
// The caption stages' prompt is text the world's tokenizer must encode too.
import { CAPTION_PROMPT } from '../../objectives/caption';
import { DIFFICULTY_KNOBS } from './difficulty';
import { COLORS, SHAPES, SHAPE_PLURAL } from './vocab';

/** End of text (also padding), the image placeholder, and the unknown word; their ids are 0, 1, 2. */
export const SHAPES_SPECIAL_TOKENS = ['<|endoftext|>', '<image>', '<unk>'] as const;

/**
 * The fixed words of every sentence the generator writes (questions.ts, captions.ts), with each slot written as
 * `{…}`: slots are filled from the world's vocabulary below. Keep in step with those files; the tokenizer test
 * renders hundreds of scenes and fails on any word missing here.
 */
const TEMPLATES = [
  // Attribute questions and the phrases that single an object out among look-alikes.
  'What colour is {desc}? What shape is {desc}? {Color}. {Shape}.',
  'the {noun}, the larger, the largest, the smaller, the smallest, on the left, the leftmost, on the right,',
  'the rightmost, the upper, the topmost, the lower, the bottommost, {color} object',
  // Counts.
  'How many {plural} are there? There are no {plural}. There is 1 {singular}. There are {n} {plural}. {color} objects',
  // Relations.
  'Is the {color} {shape} to the left of or to the right of the {color} {shape}? Is {a} above or below {b}?',
  'To the left. To the right. Above. Below.',
  // Positions (difficulty positionQuestions).
  'Is the {color} {shape} on the left or the right? Is the {color} {shape} upper or lower? On the left. On the right. Upper. Lower.',
  // Captions.
  'a small {color} {shape} left of a large {color} {shape}, with an {x} and a {y}. an empty textured background',
  CAPTION_PROMPT,
];

/** How the tokenizer splits text (lowercase, then words and single punctuation marks). */
export function shapesWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu) ?? [];
}

/** Every word the world can write, sorted: template words, shapes, plurals, colours and the counts 0…max+1. */
export function shapesVocabulary(): string[] {
  const words = new Set<string>();
  for (const template of TEMPLATES) {
    for (const word of shapesWords(template.replace(/\{[A-Za-z]+\}/g, ' '))) words.add(word);
  }
  for (const value of [...SHAPES, ...Object.values(SHAPE_PLURAL), ...COLORS]) words.add(value);
  // A wrong count is the true one plus or minus one, so the largest is one above the most objects an image holds.
  for (let n = 0; n <= DIFFICULTY_KNOBS.objects.max + 1; n++) words.add(String(n));
  return [...words].sort();
}

/** The `tokenizer.json` object: WordLevel model, lowercase normaliser, whitespace + punctuation pre-tokenizer. */
export function shapesTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  const tokens = [...SHAPES_SPECIAL_TOKENS, ...shapesVocabulary()];
  tokens.forEach((token, id) => (vocab[token] = id));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SHAPES_SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }],
    },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
}

/** The file's bytes: fixed key order and formatting, so the same generator always writes the same file. */
export function shapesTokenizerText(): string {
  return `${JSON.stringify(shapesTokenizerJson(), null, 2)}\n`;
}
