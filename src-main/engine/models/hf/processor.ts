// A model folder's processor, as transformers' AutoProcessor loads it for a LLaVA-style model: the LM's tokenizer
// with its chat template, and the vision tower's image processor — read from one folder, written back to one.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTokenizerFiles, tokenizerFromFiles, type TextTokenizer } from '../../tokenizer/textTokenizer';
import { PREPROCESSOR_FILE, imageProcessorToJson, loadImageProcessor, type ImageProcessorConfig } from './image-processor';
import type { VisionFamily } from './vision-family';

/** Text and images of one model, prepared as its own folder says. */
export interface Processor {
  tokenizer: TextTokenizer;
  /** The tokenizer files as read (tokenizer.json, tokenizer_config.json, chat templates), to write back unchanged. */
  tokenizerFiles: Readonly<Record<string, string>>;
  imageProcessor: ImageProcessorConfig;
}

/**
 * The processor of `dir`: tokenizer.json (required), tokenizer_config.json and the chat template files, and
 * preprocessor_config.json read for a `family` encoder taking `imageSize` px (the family's defaults without one).
 */
export function loadProcessor(dir: string, vision: { family: VisionFamily; imageSize: number }): Processor {
  const tokenizerFiles = readTokenizerFiles(dir);
  return {
    tokenizer: tokenizerFromFiles(tokenizerFiles, dir),
    tokenizerFiles,
    imageProcessor: loadImageProcessor(dir, vision.family, vision.imageSize),
  };
}

/** Writes the processor's files into `dir` (an existing folder): the tokenizer files as read, and preprocessor_config.json. */
export async function saveProcessor(processor: Processor, dir: string): Promise<void> {
  for (const [name, text] of Object.entries(processor.tokenizerFiles)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, PREPROCESSOR_FILE), `${JSON.stringify(imageProcessorToJson(processor.imageProcessor), null, 2)}\n`);
}
