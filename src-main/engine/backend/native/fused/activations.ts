// Fused activations on the native backends: 'PivotActivation' computes a Hugging Face `hidden_act` (gelu,
// gelu_pytorch_tanh, silu, quick_gelu) in one pass, and 'PivotActivationGrad' its derivative times dy — instead of
// the 4–9 tfjs kernels (and as many intermediates) the composed formulas in nn/activations.ts run each way.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { BINARY, UNARY } from '../ops';
import { backendOf, type NativeKernel } from '../kernels/util';

export const PIVOT_ACTIVATION = 'PivotActivation';
export const PIVOT_ACTIVATION_GRAD = 'PivotActivationGrad';

/** The activations fused here, and their forward and gradient operation codes. */
const CODES = {
  gelu: [UNARY.gelu, BINARY.geluGrad],
  gelu_tanh: [UNARY.geluTanh, BINARY.geluTanhGrad],
  silu: [UNARY.silu, BINARY.siluGrad],
  quick_gelu: [UNARY.quickGelu, BINARY.quickGeluGrad],
} as const;
export type FusedActivation = keyof typeof CODES;

interface ActivationAttrs {
  activation: FusedActivation;
}

function codesOf(kernelName: string, attrs: unknown, x: tf.TensorInfo): readonly [number, number] {
  const { activation } = attrs as ActivationAttrs;
  const codes = CODES[activation];
  if (codes === undefined) throw new Error(`${kernelName}: unknown activation "${String(activation)}"`);
  if (x.dtype !== 'float32') throw new Error(`${kernelName}: float32 only, got ${x.dtype}`);
  return codes;
}

export const activationKernels: NativeKernel[] = [
  {
    kernelName: PIVOT_ACTIVATION,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x } = args.inputs as { x: tf.TensorInfo };
      const [forward] = codesOf(PIVOT_ACTIVATION, args.attrs, x);
      const y = backend.makeOutput(x.shape, 'float32');
      backend.addon.unary(forward, backend.dtypeCode('float32'), backend.handle(x), backend.handle(y), tf.util.sizeFromShape(x.shape), 0, 0);
      return y;
    },
  },
  {
    kernelName: PIVOT_ACTIVATION_GRAD,
    kernelFunc: (args: KernelArgs) => {
      const backend = backendOf(args);
      const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const [, gradient] = codesOf(PIVOT_ACTIVATION_GRAD, args.attrs, x);
      if (!tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`${PIVOT_ACTIVATION_GRAD}: dy [${dy.shape}] is not shaped as x [${x.shape}]`);
      const dx = backend.makeOutput(x.shape, 'float32');
      const n = tf.util.sizeFromShape(x.shape);
      if (n > 0) backend.addon.binary(gradient, backend.dtypeCode('float32'), backend.handle(x), backend.handle(dy), backend.handle(dx), [n], [1], [1]);
      return dx;
    },
  },
];

if (tf.getGradient(PIVOT_ACTIVATION) === undefined) {
  tf.registerGradient({
    kernelName: PIVOT_ACTIVATION,
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ({
      x: () => tf.engine().runKernel(PIVOT_ACTIVATION_GRAD, { x: saved[0]!, dy: dy as tf.Tensor }, attrs) as tf.Tensor,
    }),
  });
}

/** `activation`(x) in one kernel. */
export function fusedActivation(x: tf.Tensor, activation: FusedActivation): tf.Tensor {
  return tf.engine().runKernel(PIVOT_ACTIVATION, { x }, { activation } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
