// Proof that an exported folder is the run's encoder: re-load it the way any user would (`loadVisionModel`) and
// compare every output on a fixed random input, and read the projector back tensor by tensor.
import { join } from 'node:path';
import * as tf from '../backend/tf';
import { SafetensorsFile, type TensorToWrite } from '../io/safetensors';
import { loadVisionModel } from '../models/hf/load-vision-model';
import type { VisionModel } from '../models/hf/vision-family';

/** The largest relative error an export may show: float32 weights written and read back are bit-exact. */
export const EXPORT_TOLERANCE = 1e-5;
const INPUT_SEED = 20_251_016;

export interface ExportCheck {
  /** max over outputs of max|exported − original| / max|original|. */
  maxRelativeError: number;
  /** The outputs compared: last_hidden_state, pooler_output when present, hidden_states.{i}. */
  compared: string[];
}

/** Named outputs of a tower on `pixels`: what transformers' forward returns with output_hidden_states. */
function outputsOf(model: VisionModel, pixels: tf.Tensor4D): Map<string, Float32Array> {
  const out = model.forward(pixels, { outputHiddenStates: true });
  const named = new Map<string, Float32Array>([['last_hidden_state', Float32Array.from(out.lastHiddenState.dataSync())]]);
  if (out.poolerOutput) named.set('pooler_output', Float32Array.from(out.poolerOutput.dataSync()));
  out.hiddenStates?.forEach((h, i) => named.set(`hidden_states.${i}`, Float32Array.from(h.dataSync())));
  tf.dispose([out.lastHiddenState, ...(out.poolerOutput ? [out.poolerOutput] : []), ...(out.hiddenStates ?? [])]);
  return named;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((actual[i] as number) - (expected[i] as number));
    worst = Number.isNaN(diff) ? Infinity : Math.max(worst, diff);
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return worst === 0 ? 0 : worst / (scale > 0 ? scale : 1);
}

/** Loads `dir` and compares its outputs with `original`'s on two seeded random images. */
export async function checkExportedEncoder(dir: string, original: VisionModel): Promise<ExportCheck> {
  const exported = await loadVisionModel(dir);
  try {
    if (exported.config.architecture !== original.config.architecture) {
      return { maxRelativeError: Infinity, compared: [`architecture ${exported.config.architecture} ≠ ${original.config.architecture}`] };
    }
    const { num_channels: c, image_size: size } = original.config;
    const pixels = tf.randomNormal([2, c, size, size], 0, 1, 'float32', INPUT_SEED) as tf.Tensor4D;
    const expected = outputsOf(original, pixels);
    const actual = outputsOf(exported, pixels);
    pixels.dispose();
    let maxRelativeError = 0;
    for (const [name, values] of expected) {
      const got = actual.get(name);
      maxRelativeError = Math.max(maxRelativeError, got ? relativeError(got, values) : Infinity);
    }
    if (actual.size !== expected.size) maxRelativeError = Infinity;
    return { maxRelativeError, compared: [...expected.keys()] };
  } finally {
    exported.dispose();
  }
}

/** Names of tensors in `file` that differ from `expected` (missing, other shape or other values). */
export function projectorMismatches(file: string, expected: Record<string, TensorToWrite>): string[] {
  const written = SafetensorsFile.open(file);
  const bad: string[] = [];
  for (const [name, tensor] of Object.entries(expected)) {
    if (!written.has(name)) {
      bad.push(`${name} (missing)`);
      continue;
    }
    const read = written.read(name);
    const data = read.data as ArrayLike<number>;
    let same = read.sourceDtype === 'F32' && tf.util.arraysEqual(read.shape, [...tensor.shape]) && data.length === tensor.data.length;
    for (let i = 0; same && i < data.length; i++) same = data[i] === tensor.data[i];
    if (!same) bad.push(name);
  }
  return bad;
}

export const projectorFileIn = (dir: string): string => join(dir, 'projector.safetensors');
