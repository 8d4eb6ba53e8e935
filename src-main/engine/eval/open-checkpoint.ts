// Loads the MLLM checkpoint a user names on the command line, with an error that names the path and what a
// checkpoint folder looks like when it is not one.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { loadMllm } from '../models/mllm/checkpoint';
import { MLLM_CONFIG_FILE } from '../models/mllm/config';
import type { Mllm } from '../models/mllm/model';

export async function openCheckpoint(dir: string): Promise<Mllm> {
  const path = resolve(dir);
  if (!existsSync(path)) {
    throw new PivotError('NOT_FOUND', `Checkpoint ${path} does not exist; pass an MLLM checkpoint folder (<run>/checkpoints/<stage>-<step>).`);
  }
  if (!existsSync(join(path, MLLM_CONFIG_FILE))) {
    throw new PivotError('FILE_UNREADABLE', `${path} is not an MLLM checkpoint: it has no ${MLLM_CONFIG_FILE}; pass a folder <run>/checkpoints/<stage>-<step>.`);
  }
  return loadMllm(path);
}
