// The tokenizer wrapper reproduces Hugging Face's ids and builds answer-only loss masks.
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTrainingExample, encodePrompt, loadTokenizer, TextTokenizer } from '../../../../src-main/engine/tokenizer';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/hf/tokenizer');
const tokenizerJson = JSON.parse(readFileSync(join(fixtureDir, 'tokenizer.json'), 'utf8')) as { added_tokens: { content: string }[] };

describe('TextTokenizer', () => {
  const tokenizer = loadTokenizer(fixtureDir);

  it('encodes the fixture texts to exactly the ids Hugging Face tokenizers produced', () => {
    const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')) as { text: string; ids: number[] }[];
    for (const { text, ids } of expected) expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('exposes special tokens and falls back to the plain template without a tokenizer_config', () => {
    expect(tokenizer.imageTokenId).toBe(3);
    expect(tokenizer.eosTokenId).toBe(0);
    expect(tokenizer.padTokenId).toBe(0);
    expect([...tokenizer.specialTokenIds]).toEqual([['<|endoftext|>', 0], ['<|im_start|>', 1], ['<|im_end|>', 2], ['<image>', 3]]);
    expect(tokenizer.chatFormat.source).toBe('plain');
    expect(tokenizer.vocabSize).toBe(104);
    expect(tokenizer.decode(tokenizer.encode('<image>the red circle'), { skipSpecialTokens: true })).toBe('the red circle');
  });

  it('reads eos, pad and the chat template from tokenizer_config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pivot-tok-'));
    try {
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
      writeFileSync(
        join(dir, 'tokenizer_config.json'),
        JSON.stringify({ eos_token: '<|im_end|>', pad_token: { content: '<|endoftext|>' }, chat_template: '{% for m in messages %}<|im_start|>{{ m.role }}{% endfor %}' }),
      );
      const qwen = loadTokenizer(dir);
      expect([qwen.chatFormat.source, qwen.eosTokenId, qwen.padTokenId]).toEqual([join(dir, 'tokenizer_config.json'), 2, 0]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('names the file and says to add the token when <image> is missing', () => {
    const withoutImage = { ...tokenizerJson, added_tokens: tokenizerJson.added_tokens.filter((t) => t.content !== '<image>') };
    const plain = TextTokenizer.fromJson(withoutImage, {}, '/models/toy/tokenizer.json');
    expect(() => plain.imageTokenId).toThrow(/\/models\/toy\/tokenizer\.json has no "<image>" token.*add_special_tokens/);
  });
});

describe('buildTrainingExample', () => {
  const plain = loadTokenizer(fixtureDir);
  // ChatML without a default system turn: the prompt the hand-written Qwen format wrote before templates were rendered.
  const chatMl =
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  const qwen = TextTokenizer.fromJson(tokenizerJson, {}, 'qwen/tokenizer.json', { text: chatMl, source: 'qwen/chat_template.jinja' });

  it('masks the image placeholder and prompt, and keeps the answer and its EOS (plain template)', () => {
    const example = buildTrainingExample(plain, { id: 'q1', question: 'Is the blue square above the circle?', answer: 'yes' });
    // "<image>\nIs the blue square above the circle? yes" in expected.json, then <|endoftext|>.
    expect(example.inputIds).toEqual([3, 20, 50, 75, 65, 74, 50, 49, 4, 26, 25, 9, 20, 0]);
    expect(example.labelsMask).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(example.imagePosition).toBe(0);
  });

  it('renders a ChatML template to the same ids as before and ends the answer with <|im_end|>', () => {
    const example = buildTrainingExample(qwen, { question: 'what color is the circle?', answer: 'red' });
    const prompt = plain.encode('<|im_start|>user\n<image>\nwhat color is the circle?<|im_end|>\n<|im_start|>assistant\n');
    expect(example.inputIds).toEqual([...prompt, ...plain.encode('red'), 2]);
    expect(example.labelsMask).toEqual([...prompt.map(() => 0), 1, 1]);
    expect(example.inputIds[example.imagePosition]).toBe(3);
    expect(encodePrompt(qwen, { question: 'what color is the circle?' })).toEqual(prompt);
  });

  it('keeps a placeholder the question places itself, and supports text-only records', () => {
    const placed = buildTrainingExample(plain, { question: 'what color is <image> the circle?', answer: 'red' });
    expect(placed.imagePosition).toBe(plain.encode('what color is ').length);
    const textOnly = buildTrainingExample(plain, { question: 'what color?', answer: 'red', hasImage: false });
    expect([textOnly.imagePosition, textOnly.inputIds.includes(3)]).toEqual([-1, false]);
  });

  it('refuses to truncate: too long names the record and the limit, counting the expanded image', () => {
    const record = { id: 'shapes-0042', question: 'what color is the circle?', answer: 'red' };
    // <image> what color is the circle ? | red <|endoftext|>: 9 ids, 8 + 576 positions once expanded.
    const fits = buildTrainingExample(plain, record, { maxLength: 584, imageTokenCount: 576 });
    expect(fits.inputIds.length).toBe(9);
    expect(() => buildTrainingExample(plain, record, { maxLength: 583, imageTokenCount: 576 })).toThrow(
      /Record "shapes-0042" needs 584 tokens .*maxLength is 583.*never truncated/,
    );
    expect(() => buildTrainingExample(plain, { ...record, question: '<image><image>hi' })).toThrow(/shapes-0042.*2 time/);
  });
});
