// The Shapes world's word-level tokenizer covers every word the world writes, loads in @huggingface/tokenizers,
// and is written into every world folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIFFICULTY_PRESET_NAMES, generateSample, parseDifficulty, writeShapesWorld } from '../../../../../src-main/engine/data/shapes';
import { CAPTION_PROMPT } from '../../../../../src-main/engine/objectives/caption';
import { SHAPES_SPECIAL_TOKENS, shapesTokenizerJson, shapesTokenizerText, shapesVocabulary } from '../../../../../src-main/engine/data/shapes/tokenizer';
import { loadTokenizer, TextTokenizer } from '../../../../../src-main/engine/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'pivot-shapes-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Shapes tokenizer', () => {
  const tokenizer = TextTokenizer.fromJson(shapesTokenizerJson(), {}, 'shapes tokenizer.json');
  const unknown = tokenizer.idOf('<unk>');

  it('encodes every question, answer and caption of 300 generated images without an unknown word', () => {
    const texts = new Set<string>([CAPTION_PROMPT]);
    for (let i = 0; i < 300; i++) {
      // All three difficulties (counts up to 7 objects in 'hard', the most look-alike phrases), both sizes, and
      // position questions asked of every image.
      const difficulty = parseDifficulty(`${DIFFICULTY_PRESET_NAMES[i % 3]},positionQuestions=1`);
      const sample = generateSample(11, i, i % 2 === 0 ? 64 : 32, difficulty);
      texts.add(sample.caption);
      for (const q of sample.questions) for (const t of [q.question, q.chosen, q.rejected]) texts.add(t);
    }
    for (const text of texts) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => id !== undefined && id !== unknown), text).toBe(true);
      expect(ids.length).toBe(text.toLowerCase().match(/[a-z0-9]+|[^a-z0-9\s]/g)?.length);
    }
    expect(texts.size).toBeGreaterThan(500);
  });

  it('has the specials at fixed ids, lowercases, and splits punctuation off words', () => {
    expect(SHAPES_SPECIAL_TOKENS.map((t) => tokenizer.idOf(t))).toEqual([0, 1, 2]);
    expect([tokenizer.eosTokenId, tokenizer.padTokenId, tokenizer.imageTokenId]).toEqual([0, 0, 1]);
    expect(tokenizer.vocabSize).toBe(3 + shapesVocabulary().length);
    const ids = tokenizer.encode('<image>\nWhat colour is the LARGER circle?');
    expect(ids.map((id) => (id === 1 ? '<image>' : shapesVocabulary()[id - 3]))).toEqual(['<image>', 'what', 'colour', 'is', 'the', 'larger', 'circle', '?']);
    // A word outside the world is unknown: it maps to <unk> in Hugging Face tokenizers and to no id in tokenizers.js.
    expect([undefined, unknown]).toContain(tokenizer.encode('zebra')[0]);
  });

  it('is written, byte-identical, into every Shapes-world folder', async () => {
    await writeShapesWorld({ out: dir, count: 2, seed: 1, size: 32 });
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe(shapesTokenizerText());
    expect(loadTokenizer(dir).imageTokenId).toBe(1);
    expect(shapesTokenizerJson().model).toMatchObject({ type: 'WordLevel', unk_token: '<unk>' });
  });
});
