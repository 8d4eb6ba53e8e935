// A LLaVA-style folder's processor loads from one folder (tokenizer, chat template, image processor) and writes
// back to files that load to the same processor.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultImageProcessor, loadProcessor, saveProcessor } from '../../../../../src-main/engine/models/hf';
import { buildTrainingExample } from '../../../../../src-main/engine/tokenizer';

const here = dirname(fileURLToPath(import.meta.url));
const tokenizerJson = readFileSync(join(here, '../../../../fixtures/hf/tokenizer/tokenizer.json'), 'utf8');
const llavaTemplate = readFileSync(join(here, '../../tokenizer/templates/llava-1.5.jinja'), 'utf8');
const root = mkdtempSync(join(tmpdir(), 'pivot-processor-'));
afterAll(() => rmSync(root, { recursive: true }));

describe('loadProcessor / saveProcessor', () => {
  const dir = join(root, 'llava');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '<|endoftext|>' }));
  writeFileSync(join(dir, 'chat_template.json'), JSON.stringify({ chat_template: llavaTemplate }));
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify({ image_processor_type: 'SiglipImageProcessor', size: { height: 32, width: 32 }, resample: 2, processor_class: 'LlavaProcessor' }));

  it('reads the tokenizer with its chat template and the image processor from one folder', () => {
    const processor = loadProcessor(dir, { family: 'siglip', imageSize: 32 });
    expect(processor.tokenizer.chatFormat.source).toBe(join(dir, 'chat_template.json'));
    expect(processor.imageProcessor).toEqual({ ...defaultImageProcessor('siglip', 32), resample: 2 });
    expect(Object.keys(processor.tokenizerFiles).sort()).toEqual(['chat_template.json', 'tokenizer.json', 'tokenizer_config.json']);
    const example = buildTrainingExample(processor.tokenizer, { question: 'what color?', answer: 'red' });
    const { tokenizer } = processor;
    expect(example.inputIds).toEqual([...tokenizer.encode('USER: <image>\nwhat color? ASSISTANT:'), ...tokenizer.encode(' red'), tokenizer.eosTokenId]);
  });

  it('writes the tokenizer files unchanged and the image processor as transformers reads it, which loads back the same', async () => {
    const processor = loadProcessor(dir, { family: 'siglip', imageSize: 32 });
    const out = join(root, 'saved');
    mkdirSync(out);
    await saveProcessor(processor, out);
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'chat_template.json']) expect(readFileSync(join(out, name))).toEqual(readFileSync(join(dir, name)));
    expect(JSON.parse(readFileSync(join(out, 'preprocessor_config.json'), 'utf8'))).toEqual({
      do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true, image_mean: [0.5, 0.5, 0.5], image_processor_type: 'SiglipImageProcessor',
      image_std: [0.5, 0.5, 0.5], resample: 2, rescale_factor: 1 / 255, size: { height: 32, width: 32 },
    });
    expect(loadProcessor(out, { family: 'siglip', imageSize: 32 }).imageProcessor).toEqual(processor.imageProcessor);
  });

  it('takes the family defaults without preprocessor_config.json, and names the folder without tokenizer.json', () => {
    const bare = join(root, 'bare');
    mkdirSync(bare);
    expect(() => loadProcessor(bare, { family: 'clip', imageSize: 224 })).toThrow(`No tokenizer.json in ${bare}.`);
    writeFileSync(join(bare, 'tokenizer.json'), tokenizerJson);
    const processor = loadProcessor(bare, { family: 'clip', imageSize: 224 });
    expect([processor.imageProcessor, processor.tokenizer.chatFormat.source]).toEqual([defaultImageProcessor('clip', 224), 'plain']);
  });
});
