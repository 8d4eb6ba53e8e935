// The kernel recorder behind scripts/kernel-usage.ts: it sees what the engine dispatches (ops, gradients, the ops
// inside a customGrad), with input dtypes and the attributes that matter, and not what a kernel runs internally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../../../src-main/engine/backend/cpu/register_all';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { mergeKernelUses, recordKernels, startKernelRecording } from './record';

const OUTER = 'PivotKernelUsageTestOuter';

beforeAll(async () => {
  await selectBackend('cpu');
  // A kernel that calls back into the engine, as a backend kernel built from ops would.
  tf.registerKernel({
    kernelName: OUTER,
    backendName: 'cpu',
    kernelFunc: ({ inputs }) => {
      const { x } = inputs as { x: tf.Tensor };
      return tf.engine().runKernel(tf.Tile, { x }, { reps: [2] }) as tf.TensorInfo;
    },
  });
});
afterAll(() => tf.unregisterKernel(OUTER, 'cpu'));

describe('recordKernels', () => {
  it('records ops with their input dtypes and the attributes that choose a code path', async () => {
    const { uses } = await recordKernels(() => tf.tidy(() => {
      const ids = tf.tensor1d([0, 2], 'int32');
      const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      tf.cast(tf.gather(table, ids), 'int32');
      tf.matMul(tf.ones([2, 3, 4]), tf.ones([1, 5, 4]), false, true);
      tf.fill([2], 3, 'int32');
    }));
    expect(uses.get('GatherV2')).toMatchObject({ dtypes: new Set(['float32', 'int32']), inputs: new Set(['x:float32 indices:int32']), attrs: new Set(['rank=2 axis=0 batchDims=0']) });
    expect(uses.get('Cast')?.attrs).toEqual(new Set(['from=float32 dtype=int32']));
    expect(uses.get('BatchMatMul')?.attrs).toEqual(new Set(['rank=3 transposeA=false transposeB=true batch=broadcast']));
    // Fill has no tensor inputs: no dtypes, no signature, but the dtype it makes.
    expect(uses.get('Fill')).toMatchObject({ dtypes: new Set(), inputs: new Set(), attrs: new Set(['dtype=int32']) });
  });

  it('records gradients and the ops inside a customGrad', async () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([x]);
      return { value: tf.exp(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0] as tf.Tensor)) };
    }) as (x: tf.Tensor) => tf.Tensor;
    const { uses } = await recordKernels(() => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(f(x)))(tf.tensor1d([1, 2]))));
    expect(uses.has('Exp')).toBe(true);
    expect(uses.has('Sigmoid')).toBe(true);
    expect(uses.has('Sum')).toBe(true);
  });

  it('leaves out kernels a kernel runs itself, and restores the engine when stopped', async () => {
    const engine = tf.engine() as unknown as { runKernelFunc: unknown };
    const before = engine.runKernelFunc;
    const { uses } = await recordKernels(() => tf.tidy(() => tf.engine().runKernel(OUTER, { x: tf.tensor1d([1, 2]) })));
    expect([...uses.keys()]).toEqual([OUTER]);
    expect(engine.runKernelFunc).toBe(before);
    const recorder = startKernelRecording();
    expect(() => startKernelRecording()).toThrow(/already running/);
    recorder.stop();
  });

  it('merges recordings', async () => {
    const a = (await recordKernels(() => tf.tidy(() => tf.add(tf.tensor1d([1]), tf.tensor1d([2]))))).uses;
    const b = (await recordKernels(() => tf.tidy(() => tf.add(tf.tensor1d([1], 'int32'), tf.tensor1d([2], 'int32'))))).uses;
    const merged = mergeKernelUses(new Map(), a);
    mergeKernelUses(merged, b);
    expect(merged.get('Add')).toMatchObject({ dtypes: new Set(['float32', 'int32']), calls: 2 });
  });
});
