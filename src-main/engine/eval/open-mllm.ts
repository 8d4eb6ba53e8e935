// The one way the engine opens an MLLM it is pointed at — a run's checkpoint written here (mllm.json) or a Hugging
// Face LLaVA folder (an imported run, a model trained elsewhere) — with an error that names the path and what such a
// folder looks like when it is neither. Eval, probes, Grad-CAM, the study, the sweep and export all open through it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { isLlavaFolder, loadLlava } from '../models/llava/load';
import { loadMllm } from '../models/mllm/checkpoint';
import { MLLM_CONFIG_FILE } from '../models/mllm/config';
import type { Mllm } from '../models/mllm/model';

export async function openMllm(dir: string): Promise<Mllm> {
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
