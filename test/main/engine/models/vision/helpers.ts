// Shared by the vision-model tests: fixture paths, reference outputs, an error measure, and
// temporary copies of a fixture checkpoint with rewritten weights or config.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, writeSafetensors, type TensorToWrite } from '../../../../../src-main/engine/io/safetensors';
import type { VisionModelOutput } from '../../../../../src-main/engine/models/clip/vision-transformer';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/hf');
export const fixtureDir = (name: 'clip-vision' | 'siglip-vision') => join(FIXTURES, name);

/** The reference outputs of a fixture as tensors (pixel_values, last_hidden_state, …). */
export function loadReference(name: 'clip-vision' | 'siglip-vision'): Record<string, tf.Tensor> {
  const { tensors } = readSafetensors(join(fixtureDir(name), 'reference_outputs.safetensors'));
  return Object.fromEntries(Object.entries(tensors).map(([key, t]) => [key, tf.tensor(t.data as Float32Array, t.shape)]));
}

/** A model output under the reference file's key names. */
export function outputsByReferenceName(output: VisionModelOutput): Record<string, tf.Tensor> {
  const named: Record<string, tf.Tensor> = { last_hidden_state: output.lastHiddenState };
  if (output.poolerOutput) named.pooler_output = output.poolerOutput;
  output.hiddenStates?.forEach((state, i) => (named[`hidden_states.${i}`] = state));
  return named;
}

/**
 * max|actual − expected| / max|expected|: the error relative to the tensor's scale. (Element-wise
 * relative error is meaningless at entries near 0, where float32 rounding alone exceeds 1e-4.)
 */
export function maxRelativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  if (!tf.util.arraysEqual(actual.shape, expected.shape)) {
    throw new Error(`shape [${actual.shape}] differs from the reference [${expected.shape}]`);
  }
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (e[i] as number)));
    scale = Math.max(scale, Math.abs(e[i] as number));
  }
  return worst / scale;
}

/**
 * A temporary copy of a fixture checkpoint; `rewrite` edits the weights (name → tensor, F32) and
 * `config` the parsed config.json before they are written. Returns the folder and its cleanup.
 */
export function copyFixture(
  name: 'clip-vision' | 'siglip-vision',
  rewrite: (tensors: Record<string, TensorToWrite>) => Record<string, TensorToWrite> = (t) => t,
  config: (json: Record<string, unknown>) => unknown = (j) => j,
): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pivot-${name}-`));
  const source = fixtureDir(name);
  const { tensors, metadata } = readSafetensors(join(source, 'model.safetensors'));
  const asWritable: Record<string, TensorToWrite> = Object.fromEntries(
    Object.entries(tensors).map(([key, t]) => [key, { dtype: 'F32', shape: t.shape, data: t.data as Float32Array }]),
  );
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(rewrite(asWritable), metadata));
  const json = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config(json)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
