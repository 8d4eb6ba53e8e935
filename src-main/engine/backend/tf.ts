// The one place the engine imports TensorFlow.js from: tfjs-core with all its gradients and chained ops, and
// our BatchMatMul gradient. Engine code writes `import * as tf from '../backend/tf'`, never the package.
import './esm-resolve';
import * as core from '@tensorflow/tfjs-core';
import { batchMatMulGradConfig } from './gradients/BatchMatMul_grad';

export * from '@tensorflow/tfjs-core';

// tfjs-core's CommonJS entry (what Node loads) registers no gradients, so `variableGrads` / `minimize` fail,
// and no chained ops (`x.square()`; gather's batchDims=1 gradient calls `x.split`). Both exist only in its
// ES-module tree; registering them writes to tfjs's global registries, shared by every copy of tfjs-core.
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');

// After tfjs's own gradients, so that ours replaces theirs on every backend.
core.registerGradient(batchMatMulGradConfig);
