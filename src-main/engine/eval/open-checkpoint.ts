// Loads the MLLM a user names on the command line — a checkpoint folder or a Hugging Face LLaVA folder — with an
// error that names the path and what such a folder looks like when it is neither.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { isLlavaFolder, loadLlava } from '../models/llava/load';
import { loadMllm } from '../models/mllm/checkpoint';
import { MLLM_CONFIG_FILE } from '../models/mllm/config';
import type { Mllm } from '../models/mllm/model';

export async function openCheckpoint(dir: string): Promise<Mllm> {
  const path = resolve(dir);
  if (!existsSync(path)) {
    throw new PivotError('NOT_FOUND', `Checkpoint ${path} does not exist; pass an MLLM checkpoint folder (<run>/checkpoints/<stage>-<step>) or a Hugging Face LLaVA folder.`);
  }
  if (isLlavaFolder(path)) return loadLlava(path);
  if (!existsSync(join(path, MLLM_CONFIG_FILE))) {
    throw new PivotError('FILE_UNREADABLE',
      `${path} is not an MLLM checkpoint: it has no ${MLLM_CONFIG_FILE} nor a LLaVA config.json (model_type "llava"); ` +
        'pass a folder <run>/checkpoints/<stage>-<step> or a LlavaForConditionalGeneration folder.',
    );
  }
  return loadMllm(path);
}
