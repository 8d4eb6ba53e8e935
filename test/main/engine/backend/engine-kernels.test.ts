// The generated list of kernels the engine uses (scripts/kernel-usage.ts) is consistent: sorted, every name a kernel
// the cpu backend registers, and it holds the kernels one SFT step of a ViT + LM is known to run (ENVIRONMENT.md).
import { describe, expect, it } from 'vitest';
import '../../../../src-main/engine/backend/cpu/register_all';
import { ENGINE_KERNEL_NAMES, ENGINE_KERNELS } from '../../../../src-main/engine/backend/engine-kernels';
import * as tf from '../../../../src-main/engine/backend/tf';

/** One SFT step (28 kernels), DPO's additions, Adam's and exact GELU's, as measured in ENVIRONMENT.md. */
const SFT_STEP = [
  'Multiply', 'Identity', 'Add', 'Reshape', 'RealDiv', 'Cast', 'BatchMatMul', 'Square', 'Sum', 'Sqrt', 'Transpose', 'Sub', 'Neg', 'Mean',
  'Rsqrt', 'Pow', 'SplitV', 'Tanh', 'Concat', 'Softmax', 'Exp', 'GatherV2', 'Slice', 'Max', 'Log', 'OneHot', 'PadV2', 'UnsortedSegmentSum',
];
const DPO_ADAM_GELU = ['Softplus', 'Sigmoid', 'ZerosLike', 'Erf'];
const DTYPES = ['bool', 'complex64', 'float32', 'int32', 'string'];

const sorted = (xs: readonly string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('ENGINE_KERNELS', () => {
  it('names each kernel once, sorted, the same in both exports', () => {
    expect(ENGINE_KERNEL_NAMES).toEqual(sorted(ENGINE_KERNEL_NAMES));
    expect(new Set(ENGINE_KERNEL_NAMES).size).toBe(ENGINE_KERNEL_NAMES.length);
    expect(Object.keys(ENGINE_KERNELS)).toEqual(ENGINE_KERNEL_NAMES);
  });

  it('holds only kernels the cpu backend registers', () => {
    expect(ENGINE_KERNEL_NAMES.filter((name) => tf.getKernel(name, 'cpu') === undefined)).toEqual([]);
  });

  it('holds the kernels of one SFT step, DPO, Adam and exact GELU', () => {
    expect([...SFT_STEP, ...DPO_ADAM_GELU].filter((name) => !ENGINE_KERNEL_NAMES.includes(name))).toEqual([]);
  });

  it('gives each kernel known dtypes and at least one job', () => {
    for (const [name, kernel] of Object.entries(ENGINE_KERNELS)) {
      expect(kernel.dtypes.filter((d) => !DTYPES.includes(d)), name).toEqual([]);
      expect(kernel.dtypes, name).toEqual(sorted(kernel.dtypes));
      expect(kernel.jobs.length, name).toBeGreaterThan(0);
    }
    expect(ENGINE_KERNELS.GatherV2?.dtypes).toEqual(['float32', 'int32']);
  });
});
