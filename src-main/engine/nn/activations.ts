// The activation functions Hugging Face configs name in `hidden_act`, looked up by that exact string; one fused
// kernel each on the backends that have it (native, cuda), the composed formulas elsewhere.
import { PivotError } from '../../../src-shared/errors';
import { backendHasKernel } from '../backend/native/fused/available';
import { fusedActivation, PIVOT_ACTIVATION } from '../backend/native/fused/activations';
import * as tf from '../backend/tf';

export type Activation = (x: tf.Tensor) => tf.Tensor;

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) — HF `gelu` (PyTorch's default `nn.GELU()`). */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (backendHasKernel(PIVOT_ACTIVATION)) return fusedActivation(x, 'gelu');
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1)));
}

/** Tanh approximation, 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) — HF `gelu_pytorch_tanh` / `gelu_new` (SigLIP). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  if (backendHasKernel(PIVOT_ACTIVATION)) return fusedActivation(x, 'gelu_tanh');
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/** x·σ(1.702x) — HF `quick_gelu`, what OpenAI's CLIP checkpoints use. */
export function quickGelu(x: tf.Tensor): tf.Tensor {
  if (backendHasKernel(PIVOT_ACTIVATION)) return fusedActivation(x, 'quick_gelu');
  return tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))));
}

/** x·σ(x) — HF `silu` / `swish` (Qwen2's MLP). */
export function silu(x: tf.Tensor): tf.Tensor {
  if (backendHasKernel(PIVOT_ACTIVATION)) return fusedActivation(x, 'silu');
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}

/** max(0, x) — HF `relu`. */
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

/** `hidden_act` strings accepted in configs; the names and semantics of transformers' `ACT2FN`. */
export const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  gelu,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  gelu_fast: geluTanh,
  quick_gelu: quickGelu,
  silu,
  swish: silu,
  relu,
};

/** The activation a config's `hidden_act` names; throws, listing the supported names, for any other. */
export function activationFor(hiddenAct: string): Activation {
  const fn = Object.prototype.hasOwnProperty.call(ACTIVATIONS, hiddenAct) ? ACTIVATIONS[hiddenAct] : undefined;
  if (!fn) {
    throw new PivotError('INVALID_CONFIG',
      `Unsupported hidden_act "${hiddenAct}": supported are ${Object.keys(ACTIVATIONS).join(', ')}. ` +
        'Check the "hidden_act" field of the model\'s config.json.',
    );
  }
  return fn;
}
