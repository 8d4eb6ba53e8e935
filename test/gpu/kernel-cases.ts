// One or more cases for every kernel of ENGINE_KERNEL_NAMES, on awkward shapes: odd sizes, broadcasting, empty
// tensors, sizes beyond one launch grid, each attribute the engine uses. A case names the kernel it is for (the
// check verifies that kernel really ran) and its tolerance: max|Δ|/max|ref| against `cpu`.
import * as tf from '../../src-main/engine/backend/tf';

export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  /** Seeded values in [lo, hi) (floored for int32); default [-1, 1). */
  lo?: number;
  hi?: number;
  /** Fixed values instead of seeded ones. */
  values?: number[];
}

export interface KernelCase {
  kernel: string;
  what: string;
  inputs: InputSpec[];
  run: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Data movement and integer kernels must agree exactly (0); float arithmetic to rounding. */
  tol: number;
  /** Also compare the gradients of Σ(output · seeded weights) with respect to the float32 inputs. */
  grad?: boolean;
}

/** Beyond one block of threads and one grid-stride pass, and not a multiple of anything. */
const LARGE = 2 ** 21 + 3;
const EXACT = 0;
/** IEEE basic operations may still round differently once fused (a·b + c) by a compiler. */
const ARITH = 1e-6;
/** Library math (expf, erff, tanhf …), reductions and products in float32, summed in another order. */
const MATH = 1e-5;

const f = (shape: number[], lo = -1, hi = 1): InputSpec => ({ shape, lo, hi });
const i32 = (shape: number[], lo: number, hi: number): InputSpec => ({ shape, dtype: 'int32', lo, hi });
const fixed = (values: number[], shape: number[], dtype: InputSpec['dtype'] = 'int32'): InputSpec => ({ shape, dtype, values });

function unary(kernel: string, op: (x: tf.Tensor) => tf.Tensor, lo: number, hi: number, tol: number, grad = true): KernelCase[] {
  return [
    { kernel, what: '[7,13]', inputs: [f([7, 13], lo, hi)], run: op, tol, grad },
    { kernel, what: '[0,5] empty', inputs: [f([0, 5], lo, hi)], run: op, tol },
    { kernel, what: `[${LARGE}]`, inputs: [f([LARGE], lo, hi)], run: op, tol },
  ];
}

/** `grad`: the engine differentiates it (Maximum's gradient, for one, needs kernels the engine never asks for). */
function binary(kernel: string, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, tol: number, lo = -1, hi = 1, grad = true): KernelCase[] {
  return [
    { kernel, what: '[5,1,7] ⊕ [3,1]', inputs: [f([5, 1, 7], lo, hi), f([3, 1], lo, hi)], run: op, tol, grad },
    { kernel, what: '[2,3,4,33] ⊕ [33]', inputs: [f([2, 3, 4, 33], lo, hi), f([33], lo, hi)], run: op, tol, grad },
    { kernel, what: '[] ⊕ [9,17]', inputs: [f([], lo, hi), f([9, 17], lo, hi)], run: op, tol, grad },
    { kernel, what: '[0,5] ⊕ [5]', inputs: [f([0, 5], lo, hi), f([5], lo, hi)], run: op, tol },
    { kernel, what: `[${LARGE}] ⊕ [${LARGE}]`, inputs: [f([LARGE], lo, hi), f([LARGE], lo, hi)], run: op, tol },
  ];
}

const sum = (axis?: number | number[], keepDims = false) => (x: tf.Tensor) => tf.sum(x, axis, keepDims);
const mean = (axis?: number | number[], keepDims = false) => (x: tf.Tensor) => tf.mean(x, axis, keepDims);

export const KERNEL_CASES: KernelCase[] = [
  ...unary('Abs', tf.abs, -2, 2, EXACT),
  ...binary('Add', tf.add, ARITH),
  { kernel: 'Add', what: 'int32 [4,6] + [6]', inputs: [i32([4, 6], -1000, 1000), i32([6], -1000, 1000)], run: tf.add, tol: EXACT },
  { kernel: 'AddN', what: '3 × [9,17]', inputs: [f([9, 17]), f([9, 17]), f([9, 17])], run: (a, b, c) => tf.addN([a, b, c]), tol: ARITH, grad: true },
  { kernel: 'BatchMatMul', what: '[33,65]·[65,17]', inputs: [f([33, 65]), f([65, 17])], run: (a, b) => tf.matMul(a, b), tol: MATH, grad: true },
  { kernel: 'BatchMatMul', what: '[2,3,17,9]·[2,3,9,31]', inputs: [f([2, 3, 17, 9]), f([2, 3, 9, 31])], run: (a, b) => tf.matMul(a, b), tol: MATH, grad: true },
  { kernel: 'BatchMatMul', what: '[2,3,17,9]·[2,3,31,9]ᵀ', inputs: [f([2, 3, 17, 9]), f([2, 3, 31, 9])], run: (a, b) => tf.matMul(a, b, false, true), tol: MATH, grad: true },
  { kernel: 'BatchMatMul', what: '[2,5,7,3]ᵀ·[2,5,7,4]', inputs: [f([2, 5, 7, 3]), f([2, 5, 7, 4])], run: (a, b) => tf.matMul(a, b, true, false), tol: MATH },
  { kernel: 'BatchMatMul', what: '[2,4,5,8]·[2,1,8,6] broadcast', inputs: [f([2, 4, 5, 8]), f([2, 1, 8, 6])], run: (a, b) => tf.matMul(a, b), tol: MATH, grad: true },
  { kernel: 'BatchMatMul', what: '[3,0]·[0,4] (k = 0)', inputs: [f([3, 0]), f([0, 4])], run: (a, b) => tf.matMul(a, b), tol: EXACT },
  { kernel: 'BatchMatMul', what: '[257,511]·[511,129]', inputs: [f([257, 511]), f([511, 129])], run: (a, b) => tf.matMul(a, b), tol: MATH },
  { kernel: 'Cast', what: 'bool → float32', inputs: [{ shape: [37], dtype: 'bool', lo: -1, hi: 1 }], run: (x) => tf.cast(x, 'float32'), tol: EXACT },
  { kernel: 'Cast', what: 'int32 → float32', inputs: [i32([37], -(2 ** 20), 2 ** 20)], run: (x) => tf.cast(x, 'float32'), tol: EXACT },
  { kernel: 'Cast', what: 'float32 → int32 (truncates)', inputs: [f([37], -10, 10)], run: (x) => tf.cast(x, 'int32'), tol: EXACT },
  { kernel: 'Cast', what: 'float32 → float32', inputs: [f([0, 3])], run: (x) => tf.cast(x, 'float32'), tol: EXACT },
  { kernel: 'Cast', what: 'int32 → int32', inputs: [i32([11], -5, 5)], run: (x) => tf.cast(x, 'int32'), tol: EXACT },
  { kernel: 'ClipByValue', what: 'int32 [37] to [3, 20]', inputs: [i32([37], -5, 30)], run: (x) => tf.clipByValue(x, 3, 20), tol: EXACT },
  { kernel: 'Concat', what: 'rank 1, axis 0, with an empty part', inputs: [f([3]), f([0]), f([5])], run: (a, b, c) => tf.concat([a, b, c], 0), tol: EXACT, grad: true },
  { kernel: 'Concat', what: 'rank 2, axis 0', inputs: [f([2, 7]), f([5, 7])], run: (a, b) => tf.concat([a, b], 0), tol: EXACT },
  { kernel: 'Concat', what: 'rank 3, axis 1', inputs: [f([2, 3, 5]), f([2, 1, 5]), f([2, 4, 5])], run: (a, b, c) => tf.concat([a, b, c], 1), tol: EXACT, grad: true },
  { kernel: 'Concat', what: 'rank 4, axis −1', inputs: [f([2, 3, 4, 5]), f([2, 3, 4, 3])], run: (a, b) => tf.concat([a, b], -1), tol: EXACT, grad: true },
  { kernel: 'Concat', what: 'rank 4, axis 2', inputs: [f([2, 3, 1, 5]), f([2, 3, 6, 5])], run: (a, b) => tf.concat([a, b], 2), tol: EXACT },
  ...unary('Erf', tf.erf, -3, 3, MATH),
  ...unary('Exp', tf.exp, -10, 10, MATH),
  { kernel: 'ExpandDims', what: '[5,7] axis 1', inputs: [f([5, 7])], run: (x) => tf.expandDims(x, 1), tol: EXACT },
  { kernel: 'GatherV2', what: '[50,17] rows by [23] (repeats)', inputs: [f([50, 17]), i32([23], 0, 50)], run: (x, i) => tf.gather(x, i), tol: EXACT, grad: true },
  { kernel: 'GatherV2', what: '[31] by [2,5]', inputs: [f([31]), i32([2, 5], 0, 31)], run: (x, i) => tf.gather(x, i), tol: EXACT, grad: true },
  { kernel: 'GatherV2', what: '[4,9] by [0] (no indices)', inputs: [f([4, 9]), fixed([], [0])], run: (x, i) => tf.gather(x, i), tol: EXACT },
  { kernel: 'Greater', what: '[5,7] > [7] with ties', inputs: [fixed([...Array(35).keys()].map((k) => (k % 7) - 3), [5, 7], 'float32'), fixed([-3, -1, 0, 1, 2, 3, 4], [7], 'float32')], run: tf.greater, tol: EXACT },
  { kernel: 'Identity', what: 'float32 [7,13]', inputs: [f([7, 13])], run: (x) => tf.clone(x), tol: EXACT },
  { kernel: 'Identity', what: 'int32 [11]', inputs: [i32([11], -9, 9)], run: (x) => tf.clone(x), tol: EXACT },
  ...unary('Log', tf.log, 1e-3, 100, MATH),
  { kernel: 'Max', what: 'rank 2, axis 1, keepDims', inputs: [f([9, 1001])], run: (x) => tf.max(x, 1, true), tol: EXACT },
  { kernel: 'Max', what: 'rank 3, axis 2, keepDims', inputs: [f([3, 5, 7])], run: (x) => tf.max(x, 2, true), tol: EXACT },
  ...binary('Maximum', tf.maximum, EXACT, -1, 1, false),
  { kernel: 'Mean', what: 'rank 1, all', inputs: [f([LARGE])], run: mean(), tol: MATH },
  { kernel: 'Mean', what: 'rank 2, axis 0', inputs: [f([33, 7])], run: mean(0), tol: MATH, grad: true },
  { kernel: 'Mean', what: 'rank 2, axis 1, keepDims', inputs: [f([7, 1001])], run: mean(1, true), tol: MATH },
  { kernel: 'Mean', what: 'rank 2, all', inputs: [f([7, 9])], run: mean(), tol: MATH },
  { kernel: 'Mean', what: 'rank 3, axis 1', inputs: [f([3, 65, 5])], run: mean(1), tol: MATH, grad: true },
  { kernel: 'Mean', what: 'rank 3, axis 2, keepDims', inputs: [f([3, 5, 257])], run: mean(2, true), tol: MATH },
  ...binary('Multiply', tf.mul, ARITH),
  { kernel: 'Multiply', what: 'int32 [4,6] · [4,1]', inputs: [i32([4, 6], -1000, 1000), i32([4, 1], -1000, 1000)], run: tf.mul, tol: EXACT },
  ...unary('Neg', tf.neg, -2, 2, EXACT),
  { kernel: 'OneHot', what: '[13] depth 11, out-of-range −1 and 11', inputs: [fixed([0, 3, 10, -1, 11, 5, 5, 2, 7, 9, 1, 4, 6], [13])], run: (i) => tf.oneHot(i, 11), tol: EXACT },
  { kernel: 'PadV2', what: '[3,5,7] by [[1,2],[0,0],[3,0]], 0', inputs: [f([3, 5, 7])], run: (x) => tf.pad(x, [[1, 2], [0, 0], [3, 0]]), tol: EXACT, grad: true },
  { kernel: 'PadV2', what: '[4,6] by [[0,1],[2,2]], 1.5', inputs: [f([4, 6])], run: (x) => tf.pad(x, [[0, 1], [2, 2]], 1.5), tol: EXACT },
  // The exponent is a constant, as in the engine (its gradient would need Select, which the engine never asks for).
  { kernel: 'Pow', what: '[5,1,7] ^ [3,1]', inputs: [f([5, 1, 7], 0.1, 3)], run: (x) => tf.pow(x, tf.tensor2d([-2, 0.5, 1.7], [3, 1])), tol: MATH, grad: true },
  { kernel: 'Pow', what: `[${LARGE}] ^ 0.5`, inputs: [f([LARGE], 0, 4)], run: (x) => tf.pow(x, 0.5), tol: MATH },
  { kernel: 'Range', what: 'int32 0..17 step 3', inputs: [], run: () => tf.range(0, 17, 3, 'int32'), tol: EXACT },
  { kernel: 'Range', what: 'int32 5..−4 step −2', inputs: [], run: () => tf.range(5, -4, -2, 'int32'), tol: EXACT },
  ...binary('RealDiv', tf.div, ARITH, 0.5, 2),
  ...unary('Relu', tf.relu, -1, 1, EXACT),
  { kernel: 'Reshape', what: 'float32 [6,35] → [2,3,5,7]', inputs: [f([6, 35])], run: (x) => tf.reshape(x, [2, 3, 5, 7]), tol: EXACT },
  { kernel: 'Reshape', what: 'int32 [12] → [3,−1]', inputs: [i32([12], -9, 9)], run: (x) => tf.reshape(x, [3, -1]), tol: EXACT },
  ...unary('Rsqrt', tf.rsqrt, 1e-2, 100, MATH),
  ...unary('Sigmoid', tf.sigmoid, -20, 20, MATH),
  { kernel: 'Slice', what: 'float32 [7,9,5] from [1,2,0] size [5,−1,3]', inputs: [f([7, 9, 5])], run: (x) => tf.slice(x, [1, 2, 0], [5, -1, 3]), tol: EXACT, grad: true },
  { kernel: 'Slice', what: 'int32 [10] from 3 size 4', inputs: [i32([10], -9, 9)], run: (x) => tf.slice(x, [3], [4]), tol: EXACT },
  { kernel: 'Softmax', what: 'rank 4, last axis [2,3,5,33]', inputs: [f([2, 3, 5, 33], -5, 5)], run: (x) => tf.softmax(x), tol: MATH, grad: true },
  { kernel: 'Softmax', what: 'rank 2, 1001 columns, logits ±60', inputs: [f([7, 1001], -60, 60)], run: (x) => tf.softmax(x), tol: MATH },
  ...unary('Softplus', tf.softplus, -30, 30, MATH),
  { kernel: 'SplitV', what: 'rank 1 [10] → 3 + 7', inputs: [f([10])], run: (x) => tf.split(x, [3, 7], 0), tol: EXACT, grad: true },
  { kernel: 'SplitV', what: 'rank 2 axis 0 [6,5] → 2 × 3', inputs: [f([6, 5])], run: (x) => tf.split(x, 2, 0), tol: EXACT },
  { kernel: 'SplitV', what: 'rank 2 axis 1 [4,9] → 1 + 8', inputs: [f([4, 9])], run: (x) => tf.split(x, [1, 8], 1), tol: EXACT },
  { kernel: 'SplitV', what: 'rank 3 axis 1 [2,7,3] → 3 + 0 + 4', inputs: [f([2, 7, 3])], run: (x) => tf.split(x, [3, 0, 4], 1), tol: EXACT, grad: true },
  { kernel: 'SplitV', what: 'rank 4 axis −1 [2,3,4,6] → 3 × 2', inputs: [f([2, 3, 4, 6])], run: (x) => tf.split(x, 3, -1), tol: EXACT },
  { kernel: 'SplitV', what: 'rank 4 axis 2 [2,3,5,4] → 2 + 3', inputs: [f([2, 3, 5, 4])], run: (x) => tf.split(x, [2, 3], 2), tol: EXACT },
  { kernel: 'SplitV', what: 'rank 4 axis 3 [2,3,4,10] → 5 + 5', inputs: [f([2, 3, 4, 10])], run: (x) => tf.split(x, 2, 3), tol: EXACT, grad: true },
  ...unary('Sqrt', tf.sqrt, 0, 100, MATH),
  ...unary('Square', tf.square, -3, 3, ARITH),
  ...unary('Step', (x) => tf.step(x), -1, 1, EXACT, false),
  ...binary('Sub', tf.sub, ARITH),
  { kernel: 'Sum', what: 'rank 1, all', inputs: [f([LARGE])], run: sum(), tol: MATH },
  { kernel: 'Sum', what: 'rank 2, axis −1', inputs: [f([7, 1001])], run: sum(-1), tol: MATH, grad: true },
  { kernel: 'Sum', what: 'rank 2, axis [0]', inputs: [f([1001, 7])], run: sum([0]), tol: MATH },
  { kernel: 'Sum', what: 'rank 2, axis [1]', inputs: [f([5, 9])], run: sum([1]), tol: MATH },
  { kernel: 'Sum', what: 'rank 2, all', inputs: [f([33, 17])], run: sum(), tol: MATH },
  { kernel: 'Sum', what: 'rank 3, axis 1', inputs: [f([3, 129, 5])], run: sum(1), tol: MATH, grad: true },
  { kernel: 'Sum', what: 'rank 3, axis [0,1]', inputs: [f([4, 33, 7])], run: sum([0, 1]), tol: MATH, grad: true },
  { kernel: 'Sum', what: 'rank 3, axis [0]', inputs: [f([9, 3, 5])], run: sum([0]), tol: MATH },
  { kernel: 'Sum', what: 'rank 3, axis [2]', inputs: [f([3, 5, 7])], run: sum([2]), tol: MATH },
  { kernel: 'Sum', what: 'rank 4, axis [3], keepDims', inputs: [f([2, 3, 4, 65])], run: sum([3], true), tol: MATH },
  { kernel: 'Sum', what: 'rank 2, axis 1 of [0,5] (empty)', inputs: [f([0, 5])], run: sum(1), tol: EXACT },
  ...unary('Tanh', tf.tanh, -5, 5, MATH),
  { kernel: 'Tile', what: '[3,1,5] × [2,4,1]', inputs: [f([3, 1, 5])], run: (x) => tf.tile(x, [2, 4, 1]), tol: EXACT, grad: true },
  { kernel: 'Transpose', what: 'rank 2 [0,1]', inputs: [f([5, 7])], run: (x) => tf.transpose(x, [0, 1]), tol: EXACT },
  { kernel: 'Transpose', what: 'rank 2 [1,0] [33,17]', inputs: [f([33, 17])], run: (x) => tf.transpose(x, [1, 0]), tol: EXACT, grad: true },
  { kernel: 'Transpose', what: 'rank 4 [0,1,3,2]', inputs: [f([2, 3, 5, 7])], run: (x) => tf.transpose(x, [0, 1, 3, 2]), tol: EXACT },
  { kernel: 'Transpose', what: 'rank 4 [0,2,1,3]', inputs: [f([2, 3, 5, 7])], run: (x) => tf.transpose(x, [0, 2, 1, 3]), tol: EXACT, grad: true },
  { kernel: 'Transpose', what: 'rank 6 [0,2,4,1,3,5]', inputs: [f([2, 3, 2, 5, 2, 3])], run: (x) => tf.transpose(x, [0, 2, 4, 1, 3, 5]), tol: EXACT },
  { kernel: 'UnsortedSegmentSum', what: 'float32 [40,7] into 9 segments', inputs: [f([40, 7]), i32([40], 0, 9)], run: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 9), tol: MATH },
  { kernel: 'UnsortedSegmentSum', what: 'float32 [5000] into 3 segments', inputs: [f([5000]), i32([5000], 0, 3)], run: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3), tol: MATH },
  { kernel: 'ZerosLike', what: '[7,13]', inputs: [f([7, 13])], run: (x) => tf.zerosLike(x), tol: EXACT },
];
