// Kernels that only relabel data: reshape and identity share the buffer (no copy), as tfjs's own backends do.
import * as tf from '../../tf';
import type { KernelArgs } from '../../register-kernels';
import { backendOf, type NativeKernel } from './util';

export const shapeKernels: NativeKernel[] = [
  {
    kernelName: tf.Reshape,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { shape } = args.attrs as unknown as tf.ReshapeAttrs;
      const size = tf.util.sizeFromShape(x.shape);
      const target = tf.util.inferFromImplicitShape(shape, size);
      if (tf.util.sizeFromShape(target) !== size) throw new Error(`Reshape: [${x.shape}] has ${size} elements, [${target}] has ${tf.util.sizeFromShape(target)}`);
      return backendOf(args).share(x, target);
    },
  },
  {
    kernelName: tf.Identity,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      return backendOf(args).share(x, x.shape);
    },
  },
];
