// Fused log-softmax gather over the vocabulary on the native backends: 'PivotLogSoftmaxGather' gives
// log softmax(logits)[row, label[row]] and each row's logsumexp in one pass per row, without the [rows, V]
// log-softmax or a scatter; 'PivotLogSoftmaxGatherGrad' writes dlogits from that logsumexp
// (src-main/native/src/kernels/logsoftmax_gather.h). objectives/logProbs.ts's tokenLogProbs calls the op.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { backendOf, type NativeKernel } from '../kernels/util';

export const PIVOT_LOG_SOFTMAX_GATHER = 'PivotLogSoftmaxGather';
export const PIVOT_LOG_SOFTMAX_GATHER_GRAD = 'PivotLogSoftmaxGatherGrad';

/** [rows, vocab] of logits [..., V] and int32 labels [...]; else throws. */
function gatherSizes(kernelName: string, logits: tf.TensorInfo, labels: tf.TensorInfo): [number, number] {
  const vocab = logits.shape.at(-1);
  if (vocab === undefined || vocab === 0 || !tf.util.arraysEqual(logits.shape.slice(0, -1), labels.shape)) {
    throw new Error(`${kernelName}: logits [${logits.shape}] and labels [${labels.shape}] do not fit together`);
  }
  if (logits.dtype !== 'float32' || labels.dtype !== 'int32') {
    throw new Error(`${kernelName}: float32 logits and int32 labels only, got ${logits.dtype} and ${labels.dtype}`);
  }
  return [tf.util.sizeFromShape(labels.shape), vocab];
}

const logSoftmaxGatherKernel: NativeKernel = {
  kernelName: PIVOT_LOG_SOFTMAX_GATHER,
  kernelFunc: (args: KernelArgs) => {
    const backend = backendOf(args);
    const { logits, labels } = args.inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
    const [rows, vocab] = gatherSizes(PIVOT_LOG_SOFTMAX_GATHER, logits, labels);
    const out = backend.makeOutput(labels.shape, 'float32');
    const lse = backend.makeOutput(labels.shape, 'float32');
    const h = (t: tf.TensorInfo) => backend.handle(t);
    backend.addon.logSoftmaxGather(h(logits), h(labels), h(out), h(lse), rows, vocab);
    return [out, lse];
  },
};

const logSoftmaxGatherGradKernel: NativeKernel = {
  kernelName: PIVOT_LOG_SOFTMAX_GATHER_GRAD,
  kernelFunc: (args: KernelArgs) => {
    const backend = backendOf(args);
    const { logits, labels, lse, dy } = args.inputs as Record<'logits' | 'labels' | 'lse' | 'dy', tf.TensorInfo>;
    const [rows, vocab] = gatherSizes(PIVOT_LOG_SOFTMAX_GATHER_GRAD, logits, labels);
    if (!tf.util.arraysEqual(lse.shape, labels.shape) || !tf.util.arraysEqual(dy.shape, labels.shape)) {
      throw new Error(`${PIVOT_LOG_SOFTMAX_GATHER_GRAD}: lse [${lse.shape}] and dy [${dy.shape}] are not shaped as labels [${labels.shape}]`);
    }
    const dlogits = backend.makeOutput(logits.shape, 'float32');
    const h = (t: tf.TensorInfo) => backend.handle(t);
    backend.addon.logSoftmaxGatherGrad(h(logits), h(labels), h(lse), h(dy), h(dlogits), rows, vocab);
    return dlogits;
  },
};

/** Both kernels, registered for `native` and `cuda` by register_all.ts. */
export const logSoftmaxGatherKernels: NativeKernel[] = [logSoftmaxGatherKernel, logSoftmaxGatherGradKernel];

/** The gradient of the first output w.r.t. the logits (labels are indices: no gradient of their own). */
const logSoftmaxGatherGradConfig: tf.GradConfig = {
  kernelName: PIVOT_LOG_SOFTMAX_GATHER,
  inputsToSave: ['logits', 'labels'],
  outputsToSave: [false, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [logits, labels, lse] = saved;
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const inputs = { logits, labels, lse, dy } as unknown as tf.NamedTensorMap;
    const dlogits = tf.engine().runKernel(PIVOT_LOG_SOFTMAX_GATHER_GRAD, inputs) as tf.Tensor;
    return { logits: () => dlogits, labels: () => tf.zeros(labels.shape) };
  },
};
if (tf.getGradient(PIVOT_LOG_SOFTMAX_GATHER) === undefined) tf.registerGradient(logSoftmaxGatherGradConfig);

/**
 * log softmax(logits)[..., labels[...]] over the last axis in one kernel, labels clipped to [0, V − 1] as
 * tokenLogProbs clips them: logits [..., V], labels [...] (cast to int32) → [...].
 */
export function fusedLogSoftmaxGather(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inputs = { logits, labels: tf.cast(labels, 'int32') } as unknown as tf.NamedTensorMap;
    const [logProbs] = tf.engine().runKernel(PIVOT_LOG_SOFTMAX_GATHER, inputs) as tf.Tensor[];
    return logProbs;
  });
}
