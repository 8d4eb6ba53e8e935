// Fused layer norm (PyTorch nn.LayerNorm) and RMSNorm (Qwen2RMSNorm) over the last axis on the native backends:
// the kernels 'PivotLayerNorm' and 'PivotRmsNorm' (one pass per row instead of ~8 tfjs kernels and their
// intermediates), their 'Grad' kernels (src-main/native/src/kernels/norms.h), the gradients joining them, and the
// ops nn/layer-norm.ts calls. The two norms differ only in centring and beta, so they share everything here.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { backendOf, type NativeKernel } from '../kernels/util';

export const PIVOT_LAYER_NORM = 'PivotLayerNorm';
export const PIVOT_LAYER_NORM_GRAD = 'PivotLayerNormGrad';
export const PIVOT_RMS_NORM = 'PivotRmsNorm';
export const PIVOT_RMS_NORM_GRAD = 'PivotRmsNormGrad';

interface NormAttrs {
  eps: number;
}

/** [rows, cols] of x [..., C] normalised over C, gamma (and beta, when given) holding C values; else throws. */
function normSizes(kernelName: string, x: tf.TensorInfo, gamma: tf.TensorInfo, beta?: tf.TensorInfo): [number, number] {
  const cols = x.shape.at(-1);
  const fits = cols !== undefined && [gamma, beta].every((t) => t === undefined || tf.util.sizeFromShape(t.shape) === cols);
  if (!fits) {
    throw new Error(`${kernelName}: x [${x.shape}] and gamma [${gamma.shape}]${beta ? ` and beta [${beta.shape}]` : ''} do not fit together`);
  }
  for (const t of [x, gamma, beta]) {
    if (t !== undefined && t.dtype !== 'float32') throw new Error(`${kernelName}: float32 only, got ${t.dtype}`);
  }
  return [cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols];
}

function normKernel(kernelName: string, centre: boolean): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta?: tf.TensorInfo };
      const { eps } = args.attrs as unknown as NormAttrs;
      if (centre && beta === undefined) throw new Error(`${kernelName}: no beta`);
      const [rows, cols] = normSizes(kernelName, x, gamma, centre ? beta : undefined);
      const y = backend.makeOutput(x.shape, 'float32');
      const h = (t: tf.TensorInfo) => backend.handle(t);
      backend.addon.normForward(h(x), h(gamma), centre ? h(beta!) : null, h(y), rows, cols, eps);
      return y;
    },
  };
}

/** dy → [dx, dgamma] and, for layer norm, dbeta; each shaped as its input. */
function normGradKernel(kernelName: string, centre: boolean): NativeKernel {
  return {
    kernelName,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x, gamma, dy } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; dy: tf.TensorInfo };
      const { eps } = args.attrs as unknown as NormAttrs;
      const [rows, cols] = normSizes(kernelName, x, gamma);
      if (!tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`${kernelName}: dy [${dy.shape}] is not shaped as x [${x.shape}]`);
      const dx = backend.makeOutput(x.shape, 'float32');
      const dgamma = backend.makeOutput(gamma.shape, 'float32');
      const dbeta = centre ? backend.makeOutput(gamma.shape, 'float32') : undefined;
      const h = (t: tf.TensorInfo) => backend.handle(t);
      backend.addon.normBackward(h(x), h(gamma), h(dy), h(dx), h(dgamma), dbeta ? h(dbeta) : null, rows, cols, eps);
      return dbeta ? [dx, dgamma, dbeta] : [dx, dgamma];
    },
  };
}

/** The four kernels, registered for `native` and `cuda` by register_all.ts. */
export const normKernels: NativeKernel[] = [
  normKernel(PIVOT_LAYER_NORM, true),
  normGradKernel(PIVOT_LAYER_NORM_GRAD, true),
  normKernel(PIVOT_RMS_NORM, false),
  normGradKernel(PIVOT_RMS_NORM_GRAD, false),
];

/** The gradient of a norm: its Grad kernel recomputes the row statistics from x, so only x and gamma are saved. */
function normGradConfig(kernelName: string, gradName: string, centre: boolean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x, gamma] = saved;
      const inputs = { x, gamma, dy } as unknown as tf.NamedTensorMap;
      const [dx, dgamma, dbeta] = tf.engine().runKernel(gradName, inputs, attrs) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, ...(centre ? { beta: () => dbeta } : {}) };
    },
  };
}
if (tf.getGradient(PIVOT_LAYER_NORM) === undefined) tf.registerGradient(normGradConfig(PIVOT_LAYER_NORM, PIVOT_LAYER_NORM_GRAD, true));
if (tf.getGradient(PIVOT_RMS_NORM) === undefined) tf.registerGradient(normGradConfig(PIVOT_RMS_NORM, PIVOT_RMS_NORM_GRAD, false));

/** nn/layer-norm.ts's layerNorm in one kernel: (x − mean) / √(var + eps) · gamma + beta over the last axis. */
export function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel(PIVOT_LAYER_NORM, { x, gamma, beta }, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** nn/layer-norm.ts's rmsNorm in one kernel: x / √(mean(x²) + eps) · weight over the last axis. */
export function fusedRmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel(PIVOT_RMS_NORM, { x, gamma: weight }, { eps } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
