// Test helper for the CLI tests that probe, evaluate, export or post-train a model: the toy preset MLLM with the
// Shapes tokenizer, seeded so that its weights are the same on every run, saved where the test wants it; and the
// Shapes world the probe tests measure it on.
import { writeShapesWorld } from '../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../src-main/engine/data/shapes/tokenizer';
import { saveLlava } from '../../src-main/engine/models/llava';
import { createPresetMllm, saveMllm } from '../../src-main/engine/models/mllm';

/** Where to save the toy model; either or both. */
export interface ToyModelFolders {
  /** A checkpoint folder as training writes it. */
  checkpoint?: string;
  /** A LLaVA folder as `pivot export --mllm` writes it. */
  llava?: string;
}

/** Saves the toy MLLM made from `seed` (Shapes tokenizer) as a checkpoint and/or a LLaVA folder; needs a backend. */
export async function saveToyModel(seed: number, folders: ToyModelFolders): Promise<void> {
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed });
  try {
    if (folders.checkpoint) await saveMllm(model, folders.checkpoint);
    if (folders.llava) await saveLlava(model, folders.llava);
  } finally {
    model.dispose();
  }
}

/** The probe tests' world: 30 easy Shapes images of 32 px (the toy preset's size, so nothing is resized), seed 5. */
export async function writeProbeWorld(out: string): Promise<void> {
  await writeShapesWorld({ out, count: 30, seed: 5, size: 32, difficulty: 'easy' });
}
