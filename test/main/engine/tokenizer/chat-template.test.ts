// Chat templates are rendered from the model folder's own Jinja (Qwen2.5-Instruct's and llava-1.5-hf's real
// templates), and a training example's answer span is exactly what the template adds after the prompt.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTrainingExample, encodePrompt, tokenizerFromFiles, type JinjaChatFormat } from '../../../../src-main/engine/tokenizer';

const here = dirname(fileURLToPath(import.meta.url));
const tokenizerJson = readFileSync(join(here, '../../../fixtures/hf/tokenizer/tokenizer.json'), 'utf8');
/** Qwen/Qwen2.5-0.5B-Instruct's tokenizer_config.json `chat_template`, unchanged. */
const QWEN25 = readFileSync(join(here, 'templates/qwen2.5-instruct.jinja'), 'utf8');
/** llava-hf/llava-1.5-7b-hf's chat template, unchanged (as in transformers' LLaVA processor tests). */
const LLAVA15 = readFileSync(join(here, 'templates/llava-1.5.jinja'), 'utf8');

const QWEN_SYSTEM = '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n';

describe('Qwen2.5-Instruct chat template (string content)', () => {
  const tokenizer = tokenizerFromFiles({ 'tokenizer.json': tokenizerJson, 'tokenizer_config.json': JSON.stringify({ chat_template: QWEN25, eos_token: '<|im_end|>' }) }, '/models/qwen');
  const record = { question: 'what color is the circle?', answer: 'red' };

  it('renders the prompt with the default system turn and the generation prompt', () => {
    const format = tokenizer.chatFormat as JinjaChatFormat;
    expect([format.source, format.imageAsPart]).toEqual(['/models/qwen/tokenizer_config.json', false]);
    expect(format.prompt({ ...record, hasImage: true })).toBe(`${QWEN_SYSTEM}<|im_start|>user\n<image>\nwhat color is the circle?<|im_end|>\n<|im_start|>assistant\n`);
    expect(format.prompt({ ...record, hasImage: false, systemPrompt: 'Be brief.' })).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nwhat color is the circle?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('learns the answer and <|im_end|>, not the newline ChatML puts after it', () => {
    expect(tokenizer.chatFormat.answer({ ...record, hasImage: true }, 'red')).toEqual({ prefix: '', text: 'red', end: '<|im_end|>' });
    const example = buildTrainingExample(tokenizer, record);
    const prompt = tokenizer.encode(`${QWEN_SYSTEM}<|im_start|>user\n<image>\nwhat color is the circle?<|im_end|>\n<|im_start|>assistant\n`);
    expect(example.inputIds).toEqual([...prompt, ...tokenizer.encode('red'), 2]);
    expect(example.labelsMask).toEqual([...prompt.map(() => 0), ...tokenizer.encode('red').map(() => 1), 1]);
    expect(encodePrompt(tokenizer, record)).toEqual(prompt);
  });
});

describe('llava-1.5 chat template (content parts)', () => {
  const tokenizer = tokenizerFromFiles({ 'tokenizer.json': tokenizerJson, 'chat_template.json': JSON.stringify({ chat_template: LLAVA15 }) }, '/models/llava');
  const format = tokenizer.chatFormat as JinjaChatFormat;

  it('gives the image as a content part, which the template writes as <image> before the text', () => {
    expect([format.source, format.imageAsPart]).toEqual(['/models/llava/chat_template.json', true]);
    expect(format.prompt({ question: 'what color is the circle?', hasImage: true })).toBe('USER: <image>\nwhat color is the circle? ASSISTANT:');
    expect(format.prompt({ question: 'what color?', hasImage: false })).toBe('USER: what color? ASSISTANT:');
  });

  it('learns " red" and the EOS token, as the template writes nothing after the answer but a space', () => {
    expect(format.answer({ question: 'what color?', hasImage: true }, 'red')).toEqual({ prefix: ' ', text: 'red', end: '' });
    const example = buildTrainingExample(tokenizer, { question: 'what color?', answer: 'red' });
    const prompt = tokenizer.encode('USER: <image>\nwhat color? ASSISTANT:');
    const answer = tokenizer.encode(' red');
    expect(example.inputIds).toEqual([...prompt, ...answer, 0]);
    expect(example.labelsMask).toEqual([...prompt.map(() => 0), ...answer.map(() => 1), 1]);
    expect(example.imagePosition).toBe(tokenizer.encode('USER: ').length);
  });
});

describe('where the template comes from', () => {
  const files = (extra: Record<string, string>) => tokenizerFromFiles({ 'tokenizer.json': tokenizerJson, ...extra }, '/m');
  const turn = { question: 'hi', hasImage: false };

  it('prefers chat_template.jinja, then chat_template.json, then tokenizer_config.json (a list: its "default")', () => {
    const config = { 'tokenizer_config.json': JSON.stringify({ chat_template: [{ name: 'tool_use', template: 'T' }, { name: 'default', template: 'C{{ messages[0].content }}' }] }) };
    const processor = { 'chat_template.json': JSON.stringify({ chat_template: 'P{{ messages[0].content }}' }) };
    const jinja = { 'chat_template.jinja': 'J{{ messages[0].content }}\n' };
    expect(files({ ...config, ...processor, ...jinja }).chatFormat.prompt(turn)).toBe('Jhi');
    expect(files({ ...config, ...processor }).chatFormat.prompt(turn)).toBe('Phi');
    expect(files(config).chatFormat.prompt(turn)).toBe('Chi');
    expect(files(config).chatFormat.source).toBe('/m/tokenizer_config.json (chat_template "default")');
  });

  it('passes bos_token and eos_token as transformers does', () => {
    const config = JSON.stringify({ bos_token: '<|im_start|>', eos_token: { content: '<|endoftext|>' }, chat_template: '{{ bos_token }}{{ messages[0].content }}{{ eos_token }}' });
    expect(files({ 'tokenizer_config.json': config }).chatFormat.prompt(turn)).toBe('<|im_start|>hi<|endoftext|>');
  });

  it('learns the answer as the template writes it: trimmed by a template that trims, ended by its end token', () => {
    const template = "{% for m in messages %}<|im_start|>{{ m.content | trim }}<|im_end|>{% endfor %}{% if add_generation_prompt %}<|im_start|>{% endif %}";
    const tokenizer = files({ 'chat_template.jinja': template });
    expect(tokenizer.chatFormat.answer(turn, ' red ')).toEqual({ prefix: '', text: 'red', end: '<|im_end|>' });
    const example = buildTrainingExample(tokenizer, { question: 'hi', answer: ' red ', hasImage: false });
    expect(example.inputIds.slice(example.labelsMask.indexOf(1))).toEqual([...tokenizer.encode('red'), 2]);
  });

  it('refuses a template whose prompt is not the start of the whole exchange, naming the file and where they differ', () => {
    const template = "{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}{% if add_generation_prompt %} >{% endif %}";
    const tokenizer = files({ 'chat_template.jinja': template });
    expect(() => buildTrainingExample(tokenizer, { question: 'hi', answer: 'yo', hasImage: false })).toThrow(
      '/m/chat_template.jinja: the chat template\'s prompt (add_generation_prompt) is not the start of the whole exchange, so the answer ' +
        'cannot be told apart: from character 9 the prompt has " >" but the whole has "[assistant] yo". Use a template whose generation ' +
        'prompt ends where the answer starts.',
    );
  });

  it('refuses a chat_template that is neither a string nor a list with "default", and Jinja that does not parse', () => {
    expect(() => files({ 'tokenizer_config.json': JSON.stringify({ chat_template: [{ name: 'tool_use', template: 'T' }] }) })).toThrow(
      /^\/m\/tokenizer_config\.json: "chat_template" must be a string or a list of \{name, template\} with one named "default"/,
    );
    expect(() => files({ 'chat_template.jinja': '{% for m in messages %}' })).toThrow(/^\/m\/chat_template\.jinja: the chat template does not parse as Jinja/);
  });
});
