// Every kernel the engine uses (ENGINE_KERNEL_NAMES), and the few more its ops and gradients may call, on
// `native` against `cpu`, the reference: forward values and, for differentiable ops, the gradients of a seeded
// weighted sum of the outputs. Awkward shapes on purpose: odd sizes, broadcasting, scalars, empty tensors,
// ranks 1-6, and large inputs (~1 M elements) that cross the addon's thread-pool split and chunked reduction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_KERNEL_NAMES } from '../../../../../src-main/engine/backend/engine-kernels';
import { nativeAddon } from '../../../../../src-main/engine/backend/native/register_all';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import { startKernelRecording } from '../kernel-usage/record';
import { expectClose, seeded } from '../helpers';

/** Kernels beyond the engine's measured list that tfjs ops (min, prod, all, stack, where …) may run. */
const EXTRA_KERNELS = ['Min', 'Prod', 'All', 'Any', 'ArgMax', 'ArgMin', 'Pack', 'Unpack', 'StridedSlice', 'Reverse', 'Select', 'OnesLike', 'Fill'];

/** A seeded input: floats in [lo, hi), integers in [lo, hi), bools, or the values given. */
interface Input {
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
  lo?: number;
  hi?: number;
  values?: number[];
  /** Floats rising (with jitter) from lo to hi along the flat index: the maximum is the last value. */
  ramp?: boolean;
}

interface Case {
  /** The kernel under test: the op must run it on native. */
  kernel: string;
  name: string;
  inputs: Input[];
  op: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /** Max |diff| relative to the largest reference value (0: bit-exact). */
  tol: number;
  /** Also compare the gradients w.r.t. the float32 inputs (same tolerance unless gradTol). */
  grad?: boolean;
  gradTol?: number;
}

// Tolerances: copies, selections and integer maths are exact; one float32 rounding (arithmetic, AddN) 1e-6;
// transcendental functions and softmax 1e-5 (the C library's expf/erff against JS's double maths, rounded);
// sums over many values 1e-5 (both sum in double; order differs); matmul 1e-5 (BLAS's float32 dot products).
const EXACT = 0;
const ROUNDING = 1e-6;
const TRANSCENDENTAL = 1e-5;
const SUMS = 1e-5;
/** The addon's softmax adds a row's exponentials in float32: over a vocabulary-sized row that drifts further. */
const BIG_SUMS = 1e-4;

/** About a million elements, odd: well past the CPU thread pool's split and the reduction's chunking. */
const BIG = 1_048_583;

const f = (shape: number[], lo = -1, hi = 1): Input => ({ shape, lo, hi });
const positive = (shape: number[]): Input => ({ shape, lo: 0.1, hi: 3 });
const ints = (shape: number[], lo: number, hi: number): Input => ({ shape, dtype: 'int32', lo, hi });
const bools = (shape: number[]): Input => ({ shape, dtype: 'bool' });
const given = (shape: number[], values: number[], dtype: Input['dtype'] = 'int32'): Input => ({ shape, values, dtype });

function unary(kernel: string, op: (x: tf.Tensor) => tf.Tensor, tol: number, input: (shape: number[]) => Input = f, grad = true): Case[] {
  return [
    { kernel, name: '7x13x5', inputs: [input([7, 13, 5])], op, tol, grad },
    { kernel, name: 'scalar', inputs: [input([])], op, tol, grad },
    { kernel, name: 'empty [0,3]', inputs: [input([0, 3])], op, tol, grad },
    { kernel, name: 'rank 5', inputs: [input([2, 3, 1, 4, 5])], op, tol },
  ];
}

/** `grad`: 'broadcast' also through broadcasting (tfjs's Maximum gradient cannot: 'same' shapes only). */
function binary(kernel: string, op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, tol: number, input: (shape: number[]) => Input = f, grad: 'broadcast' | 'same' | 'none' = 'broadcast'): Case[] {
  const broadcast = grad === 'broadcast';
  return [
    { kernel, name: 'same shape 7x13', inputs: [input([7, 13]), input([7, 13])], op, tol, grad: grad !== 'none' },
    { kernel, name: 'bias [C] on [B,T,C]', inputs: [input([3, 5, 7]), input([7])], op, tol, grad: broadcast },
    { kernel, name: '[B,1,T] on [B,H,T]', inputs: [input([2, 3, 9]), input([2, 1, 9])], op, tol, grad: broadcast },
    { kernel, name: 'scalar on 4x5', inputs: [input([]), input([4, 5])], op, tol, grad: broadcast },
    { kernel, name: 'rank 5 both broadcast', inputs: [input([2, 1, 3, 1, 4]), input([1, 5, 1, 6, 1])], op, tol, grad: broadcast },
    { kernel, name: 'empty [0,3] with [3]', inputs: [input([0, 3]), input([3])], op, tol },
  ];
}

const sumOf = (axis?: number | number[], keepDims = false) => (x: tf.Tensor) => tf.sum(x, axis, keepDims);
const meanOf = (axis?: number | number[], keepDims = false) => (x: tf.Tensor) => tf.mean(x, axis, keepDims);
const maxOf = (axis?: number | number[], keepDims = false) => (x: tf.Tensor) => tf.max(x, axis, keepDims);

const CASES: Case[] = [
  // Per-element maths.
  ...unary('Abs', tf.abs, EXACT),
  ...unary('Neg', tf.neg, EXACT),
  ...unary('Relu', tf.relu, EXACT),
  ...unary('Step', (x) => tf.step(x, 0.5), EXACT, f, false),
  ...unary('Square', tf.square, ROUNDING),
  ...unary('Exp', tf.exp, TRANSCENDENTAL),
  ...unary('Log', tf.log, TRANSCENDENTAL, positive),
  ...unary('Sqrt', tf.sqrt, TRANSCENDENTAL, positive),
  ...unary('Rsqrt', tf.rsqrt, TRANSCENDENTAL, positive),
  ...unary('Sigmoid', tf.sigmoid, TRANSCENDENTAL),
  ...unary('Tanh', tf.tanh, TRANSCENDENTAL),
  ...unary('Softplus', tf.softplus, TRANSCENDENTAL),
  ...unary('Erf', tf.erf, TRANSCENDENTAL),
  ...unary('ClipByValue', (x) => tf.clipByValue(x, -0.3, 0.6), EXACT),
  { kernel: 'ClipByValue', name: 'int32', inputs: [ints([9, 11], -50, 50)], op: (x) => tf.clipByValue(x, -7, 20), tol: EXACT },
  { kernel: 'Exp', name: `large ${BIG}`, inputs: [f([BIG])], op: tf.exp, tol: TRANSCENDENTAL, grad: true },
  ...binary('Add', tf.add, ROUNDING),
  ...binary('Sub', tf.sub, ROUNDING),
  ...binary('Multiply', tf.mul, ROUNDING),
  ...binary('RealDiv', tf.div, ROUNDING, positive),
  ...binary('Pow', tf.pow, TRANSCENDENTAL, positive),
  ...binary('Maximum', tf.maximum, EXACT, f, 'same'),
  ...binary('Greater', tf.greater, EXACT, f, 'none'),
  { kernel: 'Add', name: 'int32 with broadcast', inputs: [ints([4, 6], -100, 100), ints([6], -100, 100)], op: tf.add, tol: EXACT },
  { kernel: 'Multiply', name: 'int32', inputs: [ints([5, 7], -100, 100), ints([5, 7], -100, 100)], op: tf.mul, tol: EXACT },
  { kernel: 'Add', name: 'large bias [1021,1027] + [1027]', inputs: [f([1021, 1027]), f([1027])], op: tf.add, tol: ROUNDING, grad: true, gradTol: SUMS },
  { kernel: 'Select', name: 'bool condition [B,T] with broadcast values', inputs: [bools([3, 8]), f([3, 8]), f([3, 8])], op: (c, a, b) => tf.where(c, a, b), tol: EXACT, grad: true },
  { kernel: 'Select', name: 'condition from a comparison', inputs: [f([6, 5]), f([6, 5])], op: (a, b) => tf.where(tf.greater(a, b), a, tf.neg(b)), tol: EXACT },
  { kernel: 'Cast', name: 'bool to float32', inputs: [bools([5, 7])], op: (x) => tf.cast(x, 'float32'), tol: EXACT },
  { kernel: 'Cast', name: 'int32 to float32', inputs: [ints([5, 7], -1000, 1000)], op: (x) => tf.cast(x, 'float32'), tol: EXACT },
  { kernel: 'Cast', name: 'float32 to int32 (truncates)', inputs: [f([5, 7], -20, 20)], op: (x) => tf.cast(x, 'int32'), tol: EXACT },
  { kernel: 'Cast', name: 'float32 to float32', inputs: [f([3, 4])], op: (x) => tf.cast(x, 'float32'), tol: EXACT, grad: true },
  { kernel: 'Cast', name: 'int32 to int32', inputs: [ints([3, 4], -9, 9)], op: (x) => tf.cast(x, 'int32'), tol: EXACT },
  // Constants and relabelling.
  { kernel: 'Range', name: 'int32', inputs: [], op: () => tf.range(2, 41, 3, 'int32'), tol: EXACT },
  { kernel: 'Range', name: 'float32, negative step', inputs: [], op: () => tf.range(5, -4.5, -0.75), tol: ROUNDING },
  { kernel: 'Fill', name: 'fill 3x0 and 4x5', inputs: [], op: () => [tf.fill([3, 0], 2), tf.fill([4, 5], -1.5), tf.fill([2, 2], 7, 'int32')], tol: EXACT },
  { kernel: 'ZerosLike', name: '7x13', inputs: [f([7, 13])], op: tf.zerosLike, tol: EXACT, grad: true },
  { kernel: 'OnesLike', name: 'int32 4x5', inputs: [ints([4, 5], 0, 9)], op: tf.onesLike, tol: EXACT },
  { kernel: 'Identity', name: 'float32 and int32', inputs: [f([3, 5]), ints([4], 0, 9)], op: (a, b) => [tf.clone(a), tf.clone(b)], tol: EXACT },
  { kernel: 'Reshape', name: 'float32, int32, -1', inputs: [f([6, 10]), ints([2, 3, 4], 0, 9)], op: (a, b) => [tf.reshape(a, [3, -1, 5]), tf.reshape(b, [24])], tol: EXACT, grad: true },
  { kernel: 'ExpandDims', name: 'axis 1 and -1', inputs: [f([4, 7])], op: (x) => [tf.expandDims(x, 1), tf.expandDims(x, -1)], tol: EXACT, grad: true },
  // Layout.
  { kernel: 'Transpose', name: 'rank 2 [1,0] 13x7', inputs: [f([13, 7])], op: (x) => tf.transpose(x, [1, 0]), tol: EXACT, grad: true },
  { kernel: 'Transpose', name: 'rank 2 [0,1] (no move)', inputs: [f([13, 7])], op: (x) => tf.transpose(x, [0, 1]), tol: EXACT, grad: true },
  { kernel: 'Transpose', name: 'rank 4 [0,2,1,3]', inputs: [f([2, 5, 3, 7])], op: (x) => tf.transpose(x, [0, 2, 1, 3]), tol: EXACT, grad: true },
  { kernel: 'Transpose', name: 'rank 4 [0,1,3,2]', inputs: [f([2, 3, 5, 7])], op: (x) => tf.transpose(x, [0, 1, 3, 2]), tol: EXACT, grad: true },
  { kernel: 'Transpose', name: 'rank 6 [0,2,4,1,3,5] (patches)', inputs: [f([2, 3, 2, 3, 2, 5])], op: (x) => tf.transpose(x, [0, 2, 4, 1, 3, 5]), tol: EXACT, grad: true },
  { kernel: 'Transpose', name: 'size-1 axes only move (no copy)', inputs: [f([3, 1, 4])], op: (x) => tf.transpose(x, [1, 0, 2]), tol: EXACT },
  { kernel: 'Transpose', name: 'int32 and empty', inputs: [ints([4, 3, 2], -5, 5), f([0, 3])], op: (a, b) => [tf.transpose(a, [2, 0, 1]), tf.transpose(b)], tol: EXACT },
  { kernel: 'Transpose', name: 'large [1021,1027]', inputs: [f([1021, 1027])], op: (x) => tf.transpose(x), tol: EXACT },
  { kernel: 'Slice', name: 'rank 3 float32', inputs: [f([7, 13, 5])], op: (x) => tf.slice(x, [2, 3, 1], [4, -1, 3]), tol: EXACT, grad: true },
  { kernel: 'Slice', name: 'int32 rank 1, and empty', inputs: [ints([17], -9, 9)], op: (x) => [tf.slice(x, 3, 9), tf.slice(x, 5, 0)], tol: EXACT },
  { kernel: 'StridedSlice', name: 'steps, negative step, masks', inputs: [f([7, 9, 4])], op: (x) => [tf.stridedSlice(x, [1, -1, 0], [6, 0, 4], [2, -3, 1]), tf.stridedSlice(x, [0, 2, 0], [0, 3, 0], [1, 1, 1], 5, 5, 0, 0, 2), tf.stridedSlice(x, [0, 0, 0], [7, 9, 4], [1, 1, 1])], tol: EXACT },
  { kernel: 'Concat', name: 'rank 1 axis 0, with an empty part', inputs: [f([5]), f([0]), f([3])], op: (a, b, c) => tf.concat([a, b, c], 0), tol: EXACT, grad: true },
  { kernel: 'Concat', name: 'rank 2 axis 0', inputs: [f([2, 7]), f([5, 7])], op: (a, b) => tf.concat([a, b], 0), tol: EXACT, grad: true },
  { kernel: 'Concat', name: 'rank 3 axis 1', inputs: [f([3, 1, 5]), f([3, 4, 5]), f([3, 2, 5])], op: (a, b, c) => tf.concat([a, b, c], 1), tol: EXACT, grad: true },
  { kernel: 'Concat', name: 'rank 4 axis -1 and axis 2', inputs: [f([2, 3, 4, 5]), f([2, 3, 4, 2]), f([2, 3, 1, 5])], op: (a, b, c) => [tf.concat([a, b], -1), tf.concat([a, c], 2)], tol: EXACT, grad: true },
  { kernel: 'Concat', name: 'int32 and bool', inputs: [ints([2, 3], 0, 9), ints([2, 1], 0, 9), bools([2, 2]), bools([1, 2])], op: (a, b, c, d) => [tf.concat([a, b], 1), tf.concat([c, d], 0)], tol: EXACT },
  { kernel: 'Pack', name: 'axis 0 and 1', inputs: [f([3, 4]), f([3, 4]), f([3, 4])], op: (a, b, c) => [tf.stack([a, b, c]), tf.stack([a, b], 1)], tol: EXACT, grad: true },
  { kernel: 'Unpack', name: 'axis 1', inputs: [f([3, 4, 2])], op: (x) => tf.unstack(x, 1), tol: EXACT, grad: true },
  { kernel: 'SplitV', name: 'rank 1, sizes', inputs: [f([10])], op: (x) => tf.split(x, [3, 0, 7]), tol: EXACT, grad: true },
  { kernel: 'SplitV', name: 'rank 2 axis 0 and 1', inputs: [f([6, 9])], op: (x) => [...tf.split(x, 3, 0), ...tf.split(x, [2, -1], 1)], tol: EXACT, grad: true },
  { kernel: 'SplitV', name: 'rank 4 axis -1, 2, 3', inputs: [f([2, 3, 4, 6])], op: (x) => [...tf.split(x, 2, -1), ...tf.split(x, [1, 3], 2), ...tf.split(x, 3, 3)], tol: EXACT, grad: true },
  { kernel: 'PadV2', name: 'rank 3 with a value', inputs: [f([3, 4, 5])], op: (x) => tf.pad(x, [[1, 2], [0, 3], [2, 0]], 0.5), tol: EXACT, grad: true },
  { kernel: 'PadV2', name: 'int32, and an empty input', inputs: [ints([2, 3], -9, 9), f([0, 2])], op: (a, b) => [tf.pad(a, [[0, 1], [2, 2]], -4), tf.pad(b, [[1, 1], [0, 1]])], tol: EXACT },
  { kernel: 'Tile', name: 'rank 3', inputs: [f([2, 3, 4])], op: (x) => tf.tile(x, [2, 1, 3]), tol: EXACT, grad: true },
  { kernel: 'Tile', name: 'rank 5, more axes than one copy takes', inputs: [f([2, 3, 2, 3, 2])], op: (x) => tf.tile(x, [2, 2, 3, 2, 2]), tol: EXACT },
  { kernel: 'Tile', name: 'broadcastTo [1,T] to [B,T]', inputs: [f([1, 7])], op: (x) => tf.broadcastTo(x, [4, 7]), tol: EXACT, grad: true },
  { kernel: 'Reverse', name: 'axes 0 and 2', inputs: [f([3, 4, 5])], op: (x) => tf.reverse(x, [0, 2]), tol: EXACT, grad: true },
  // Reductions.
  { kernel: 'Sum', name: 'rank 1, all', inputs: [f([37])], op: sumOf(), tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'rank 2 axis -1, [0], [1], all', inputs: [f([7, 13])], op: (x) => [tf.sum(x, -1), tf.sum(x, [0]), tf.sum(x, [1]), tf.sum(x)], tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'rank 3 axis 1, [0,1], [0], [2]', inputs: [f([7, 13, 5])], op: (x) => [tf.sum(x, 1), tf.sum(x, [0, 1]), tf.sum(x, [0]), tf.sum(x, [2])], tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'rank 4 [3] keepDims', inputs: [f([2, 3, 4, 5])], op: sumOf([3], true), tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'axes apart: rank 3 [0,2], rank 5 [1,3] keepDims', inputs: [f([4, 5, 6]), f([2, 3, 4, 5, 3])], op: (a, b) => [tf.sum(a, [0, 2]), tf.sum(b, [1, 3], true)], tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'bool and int32', inputs: [bools([5, 6]), ints([5, 6], -50, 50)], op: (a, b) => [tf.sum(a, 1), tf.sum(b, 0)], tol: EXACT },
  { kernel: 'Sum', name: 'empty: over a 0 axis, and of a 0 axis', inputs: [f([0, 4])], op: (x) => [tf.sum(x, 0), tf.sum(x, 1)], tol: EXACT },
  { kernel: 'Sum', name: `large ${BIG} to one value (chunked)`, inputs: [f([BIG])], op: sumOf(), tol: SUMS, grad: true },
  { kernel: 'Sum', name: 'large [349527, 3] over axis 0 (strided rows)', inputs: [f([349_527, 3])], op: sumOf(0), tol: SUMS },
  { kernel: 'Mean', name: 'rank 1 all, rank 2 all / 0 / 1 keepDims', inputs: [f([11]), f([7, 13])], op: (a, b) => [tf.mean(a), tf.mean(b), tf.mean(b, 0), tf.mean(b, 1, true)], tol: SUMS, grad: true },
  { kernel: 'Mean', name: 'rank 3 axis 1, axis 2 keepDims', inputs: [f([3, 9, 5])], op: (x) => [tf.mean(x, 1), tf.mean(x, 2, true)], tol: SUMS, grad: true },
  { kernel: 'Mean', name: 'int32 gives float32', inputs: [ints([4, 7], -20, 20)], op: meanOf(1), tol: SUMS },
  { kernel: 'Mean', name: 'large [1021, 1027] over axis 0', inputs: [f([1021, 1027])], op: meanOf(0), tol: SUMS, grad: true },
  { kernel: 'Max', name: 'rank 2 [1] keepDims, rank 3 [2] keepDims', inputs: [f([7, 13]), f([3, 5, 9])], op: (a, b) => [tf.max(a, [1], true), tf.max(b, [2], true)], tol: EXACT, grad: true },
  { kernel: 'Max', name: 'axes apart [0,2], all, int32', inputs: [f([4, 5, 6]), ints([6, 7], -99, 99)], op: (a, b) => [tf.max(a, [0, 2]), tf.max(a), tf.max(b, 0)], tol: EXACT },
  { kernel: 'Max', name: `large ${BIG} rising (chunked; the maximum in the last chunk)`, inputs: [{ shape: [BIG], ramp: true }], op: maxOf(), tol: EXACT },
  { kernel: 'Min', name: 'rank 3 [1], all', inputs: [f([4, 5, 6])], op: (x) => [tf.min(x, 1), tf.min(x)], tol: EXACT, grad: true },
  { kernel: 'Prod', name: 'rank 2 axis 1, int32 axis 0', inputs: [f([5, 6], 0.5, 1.5), ints([3, 4], -3, 4)], op: (a, b) => [tf.prod(a, 1), tf.prod(b, 0)], tol: ROUNDING },
  { kernel: 'All', name: 'rank 2 both axes', inputs: [given([4, 3], [1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0], 'bool')], op: (x) => [tf.all(x, 0), tf.all(x, 1), tf.all(x)], tol: EXACT },
  { kernel: 'Any', name: 'rank 2 both axes', inputs: [given([4, 3], [0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 0], 'bool')], op: (x) => [tf.any(x, 0), tf.any(x, 1), tf.any(x)], tol: EXACT },
  { kernel: 'ArgMax', name: 'last and first axis, int32', inputs: [f([6, 9]), ints([5, 4], -9, 9)], op: (a, b) => [tf.argMax(a, -1), tf.argMax(a, 0), tf.argMax(b, 1)], tol: EXACT },
  { kernel: 'ArgMin', name: 'middle axis', inputs: [f([3, 7, 4])], op: (x) => tf.argMin(x, 1), tol: EXACT },
  { kernel: 'Softmax', name: 'rank 4 last axis', inputs: [f([2, 3, 5, 7], -4, 4)], op: (x) => tf.softmax(x), tol: TRANSCENDENTAL, grad: true },
  { kernel: 'Softmax', name: 'rank 2 with large logits', inputs: [f([5, 11], -80, 80)], op: (x) => tf.softmax(x), tol: TRANSCENDENTAL, grad: true },
  { kernel: 'Softmax', name: 'large [48, 21845] (a vocabulary)', inputs: [f([48, 21_845], -6, 6)], op: (x) => tf.softmax(x), tol: BIG_SUMS },
  { kernel: 'AddN', name: 'three 7x13, and one', inputs: [f([7, 13]), f([7, 13]), f([7, 13])], op: (a, b, c) => [tf.addN([a, b, c]), tf.addN([a])], tol: ROUNDING, grad: true },
  // Index kernels.
  { kernel: 'GatherV2', name: 'rank 2 axis 0 (embedding) with [B,T] ids', inputs: [f([11, 6]), ints([3, 5], 0, 11)], op: (x, i) => tf.gather(x, i), tol: EXACT, grad: true },
  { kernel: 'GatherV2', name: 'rank 1 axis 0, repeated ids', inputs: [f([9]), given([7], [0, 8, 8, 3, 0, 1, 8])], op: (x, i) => tf.gather(x, i), tol: EXACT, grad: true },
  { kernel: 'GatherV2', name: 'axis 1 of rank 3, int32 values', inputs: [ints([2, 7, 3], -50, 50), ints([4], 0, 7)], op: (x, i) => tf.gather(x, i, 1), tol: EXACT },
  { kernel: 'GatherV2', name: 'batchDims 1', inputs: [f([3, 5, 4]), ints([3, 6], 0, 5)], op: (x, i) => tf.gather(x, i, 1, 1), tol: EXACT, grad: true },
  { kernel: 'GatherV2', name: 'empty ids', inputs: [f([5, 3]), ints([0], 0, 5)], op: (x, i) => tf.gather(x, i), tol: EXACT },
  { kernel: 'GatherV2', name: 'large: 1000 rows of a [5000, 256] table', inputs: [f([5000, 256]), ints([1000], 0, 5000)], op: (x, i) => tf.gather(x, i), tol: EXACT, grad: true },
  { kernel: 'UnsortedSegmentSum', name: 'repeated and missing ids', inputs: [f([6, 4]), given([6], [0, 2, 2, 1, 0, 2])], op: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 4), tol: ROUNDING, grad: true },
  { kernel: 'UnsortedSegmentSum', name: 'rank-2 ids, out-of-range ids dropped', inputs: [f([2, 3, 5]), given([2, 3], [1, 0, 7, 1, -1, 2])], op: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3), tol: ROUNDING },
  { kernel: 'UnsortedSegmentSum', name: 'rank-3 data (tfjs has no gradient for rank-2 ids)', inputs: [f([6, 3, 5]), given([6], [1, 0, 2, 1, 1, 2])], op: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3), tol: ROUNDING, grad: true },
  { kernel: 'UnsortedSegmentSum', name: 'int32 data', inputs: [ints([5, 3], -9, 9), given([5], [1, 1, 0, 1, 2])], op: (x, s) => tf.unsortedSegmentSum(x, s as tf.Tensor1D, 3), tol: EXACT },
  { kernel: 'OneHot', name: 'int32 out, with out-of-range ids', inputs: [given([2, 4], [0, 3, 5, -1, 2, 2, 4, 1])], op: (i) => tf.oneHot(i, 5, 1, 0, 'int32'), tol: EXACT },
  { kernel: 'OneHot', name: 'float32 on/off values', inputs: [ints([7], 0, 6)], op: (i) => tf.oneHot(i, 6, 0.9, 0.02), tol: EXACT },
  // Matrix products (their own suite tests more; here for the list).
  { kernel: 'BatchMatMul', name: 'rank 2', inputs: [f([7, 13]), f([13, 5])], op: (a, b) => tf.matMul(a, b), tol: SUMS, grad: true },
  { kernel: 'BatchMatMul', name: 'rank 4, transposeB', inputs: [f([2, 3, 5, 8]), f([2, 3, 7, 8])], op: (a, b) => tf.matMul(a, b, false, true), tol: SUMS, grad: true },
];

interface Output {
  shape: number[];
  dtype: string;
  values: tf.TypedArray;
}

interface Result {
  outputs: Output[];
  grads: Output[];
  /** Kernels the case ran (forward and backward). */
  kernels: Set<string>;
}

/** The values of a seeded input, made once per case and handed to both backends. */
function inputValues(input: Input, seed: number): tf.TypedArray | number[] {
  if (input.values) return input.values;
  const raw = seeded(tf.util.sizeFromShape(input.shape), seed);
  const lo = input.lo ?? -1;
  const hi = input.hi ?? 1;
  const dtype = input.dtype ?? 'float32';
  // Plain loops: TypedArray.from with a map function is slow on a million values.
  const out = dtype === 'float32' ? new Float32Array(raw.length) : dtype === 'int32' ? new Int32Array(raw.length) : new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const unit = (raw[i] + 1) / 2;
    const at = input.ramp ? (i + unit) / raw.length : unit;
    out[i] = dtype === 'bool' ? (raw[i] > 0 ? 1 : 0) : dtype === 'int32' ? lo + Math.floor(unit * (hi - lo)) : lo + at * (hi - lo);
  }
  return out;
}

/** Seeded weights for the loss, per output (index and size), made once per case. */
type Weights = (k: number, size: number) => Float32Array;

function weightsOf(caseSeed: number): Weights {
  const made = new Map<string, Float32Array>();
  return (k, size) => {
    const key = `${k}:${size}`;
    if (!made.has(key)) made.set(key, seeded(size, caseSeed * 16 + 9 + k));
    return made.get(key)!;
  };
}

function read(t: tf.Tensor): Output {
  return { shape: t.shape, dtype: t.dtype, values: t.dataSync() as tf.TypedArray };
}

function asList(y: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(y) ? y : [y];
}

/** The case's outputs, and its gradients, on the active backend, as plain numbers. */
function runCase(c: Case, values: (tf.TypedArray | number[])[], weights: Weights): Result {
  const recorder = startKernelRecording();
  try {
    // tidy returns tensors, read afterwards: tidy walks what it returns, every element of a typed array included.
    const { outputs, grads } = tf.tidy(() => {
      const xs = c.inputs.map((input, i) => tf.tensor(values[i], input.shape, input.dtype ?? 'float32'));
      const outputs = asList(c.op(...xs));
      if (!c.grad) return { outputs, grads: [] };
      const floats = xs.map((_, i) => i).filter((i) => xs[i].dtype === 'float32');
      // A seeded weighting of every float output, so each gradient entry carries its own value.
      const loss = (...fs: tf.Tensor[]) => {
        const all = xs.map((x, i) => (floats.includes(i) ? fs[floats.indexOf(i)] : x));
        const ys = asList(c.op(...all)).filter((y) => y.dtype === 'float32');
        return tf.addN(ys.map((y, k) => tf.sum(tf.mul(y, tf.tensor(weights(k, y.size), y.shape)))));
      };
      return { outputs, grads: tf.grads(loss)(floats.map((i) => xs[i])) };
    });
    const result = { outputs: outputs.map(read), grads: grads.map(read), kernels: new Set(recorder.uses.keys()) };
    tf.dispose([...outputs, ...grads]);
    return result;
  } finally {
    recorder.stop();
  }
}

function compare(actual: Output[], expected: Output[], tol: number, what: string): void {
  expect(actual.length, `${what}: count`).toBe(expected.length);
  expected.forEach((e, k) => {
    const a = actual[k];
    expect(a.shape, `${what} ${k}: shape`).toEqual(e.shape);
    expect(a.dtype, `${what} ${k}: dtype`).toBe(e.dtype);
    if (tol !== EXACT) return expectClose(a.values, e.values, tol, `${what} ${k}`);
    // A loop, not toEqual: it is slow on a million values.
    expect(a.values.length, `${what} ${k}: length`).toBe(e.values.length);
    const at = e.values.findIndex((v, i) => v !== a.values[i] && !(Number.isNaN(v) && Number.isNaN(a.values[i])));
    expect(at, `${what} ${k}: first differing value (${a.values[at]} instead of ${e.values[at]})`).toBe(-1);
  });
}

beforeAll(async () => {
  await selectBackend('cpu');
  await selectBackend('native');
});

afterAll(() => selectBackend('cpu'));

describe('every engine kernel is registered on the native backends', () => {
  it.each(['native', 'cuda'])('%s has a kernel for each of ENGINE_KERNEL_NAMES and the extra kernels', (backend) => {
    const missing = [...ENGINE_KERNEL_NAMES, ...EXTRA_KERNELS].filter((name) => tf.getKernel(name, backend) === undefined);
    expect(missing, `kernels missing on ${backend}`).toEqual([]);
  });

  it('the parity table below has a case for each of them', () => {
    const covered = new Set(CASES.map((c) => c.kernel));
    expect([...ENGINE_KERNEL_NAMES, ...EXTRA_KERNELS].filter((name) => !covered.has(name))).toEqual([]);
  });
});

/** Runs the case on cpu and native and compares. */
async function expectParity(c: Case, i: number): Promise<void> {
  const values = c.inputs.map((input, k) => inputValues(input, i * 16 + k + 1));
  const weights = weightsOf(i);
  await tf.setBackend('cpu');
  const expected = runCase(c, values, weights);
  await tf.setBackend('native');
  const actual = runCase(c, values, weights);
  expect(actual.kernels.has(c.kernel), `${c.kernel} ran on native (ran: ${[...actual.kernels].join(', ')})`).toBe(true);
  compare(actual.outputs, expected.outputs, c.tol, 'output');
  if (c.grad) {
    expect(expected.grads.length, 'gradients computed').toBeGreaterThan(0);
    compare(actual.grads, expected.grads, c.gradTol ?? c.tol, 'gradient');
  }
}

describe('native against cpu', () => {
  it.each(CASES.map((c, i) => [`${c.kernel}: ${c.name}`, c, i] as const))('%s', (_, c, i) => expectParity(c, i));
});

// The addon cuts a reduction into chunks only when it has fewer outputs than threads: with 16 threads that
// happens for a few long rows too, whatever this machine's core count.
const CHUNKED: Case[] = [
  { kernel: 'Sum', name: '[3, 349527] over axis 1', inputs: [f([3, 349_527])], op: sumOf(1), tol: SUMS },
  { kernel: 'Mean', name: '[5, 8191] over axis 1, keepDims', inputs: [f([5, 8191])], op: meanOf(1, true), tol: SUMS },
  { kernel: 'Max', name: '[2, 65537] rising, over axis 1', inputs: [{ shape: [2, 65_537], ramp: true }], op: maxOf(1), tol: EXACT },
  { kernel: 'Sum', name: '[4099, 3] over axis 0 (strided rows)', inputs: [f([4099, 3])], op: sumOf(0), tol: SUMS },
];

describe('chunked reductions on 16 threads', () => {
  let threads = 0;
  beforeAll(() => {
    const loaded = nativeAddon();
    if (!('addon' in loaded)) throw new Error(loaded.error);
    threads = loaded.addon.devices().cpu.threads;
    loaded.addon.setThreads(16);
  });
  afterAll(() => {
    const loaded = nativeAddon();
    if ('addon' in loaded) loaded.addon.setThreads(threads);
  });
  it.each(CHUNKED.map((c, i) => [`${c.kernel}: ${c.name}`, c, CASES.length + i] as const))('%s', (_, c, i) => expectParity(c, i));
});
