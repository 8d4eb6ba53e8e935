// `ref_logps.json`: a DPO stage's reference log-probs with what they were computed for (stage, start checkpoint,
// items and their content), so a resumed run reuses them only when all of that is unchanged.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';

export const REF_LOGPS_FILE = 'ref_logps.json';

const referenceLogpsFileSchema = z.object({
  stage: z.string(),
  startCheckpoint: z.string(),
  keys: z.array(z.string()),
  content: z.string(),
  chosen: z.array(z.number()),
  rejected: z.array(z.number()),
});

export type ReferenceLogpsFile = z.output<typeof referenceLogpsFileSchema>;

export function readReferenceLogpsFile(runDir: string): ReferenceLogpsFile | null {
  return readJsonFile(join(runDir, REF_LOGPS_FILE), referenceLogpsFileSchema);
}

export async function writeReferenceLogpsFile(runDir: string, file: ReferenceLogpsFile): Promise<void> {
  await writeJsonFile(join(runDir, REF_LOGPS_FILE), referenceLogpsFileSchema, file);
}
