// Records which tfjs kernels the engine runs, with the dtypes of their inputs: what a new backend must implement.
//
// tfjs-core 4.22 dispatches every op, every gradient and `engine().clone` through `engine.runKernel(name, inputs,
// attrs)` → `engine.runKernelFunc({ kernelName, inputs, attrs })`; a customGrad op goes through `runKernelFunc`
// with a `forwardFunc` instead, whose ops are ordinary engine calls again. So the recorder wraps the engine
// singleton's `runKernelFunc` and counts each registered-kernel invocation — unless a registered kernel is already
// running: a kernel that calls back into the engine (or a backend kernel calling another, e.g. cpu's BatchMatMul
// tiling through Tile) is the backend's own business, not a kernel the engine asks for. Backend kernels that call
// each other directly (`tile({inputs, backend})`) never reach the engine and are not seen at all, as wanted.
import * as tf from '../../../../../src-main/engine/backend/tf';

/** What one kernel was seen with. */
export interface KernelUse {
  /** Every dtype of any of its inputs. */
  dtypes: Set<string>;
  /**
   * Each distinct combination of input names and dtypes: `a:float32 b:float32`; list inputs show as `tensors[]`.
   * Empty for kernels without tensor inputs (Range, Fill).
   */
  inputs: Set<string>;
  /** For the kernels in ATTRIBUTES_OF: the values of the attributes a backend must honour (see describeAttrs). */
  attrs: Set<string>;
  calls: number;
}

export type KernelUses = Map<string, KernelUse>;

/**
 * Kernels whose attributes decide which code path a backend needs (a transposed matmul, a cast to int32, a gather
 * with batch dimensions …): their values are recorded, with the rank of the first input where axes depend on it
 * (RANKED) and, for Cast, the dtype it casts from.
 */
export const ATTRIBUTES_OF: Readonly<Record<string, readonly string[]>> = {
  ArgMax: ['axis'],
  BatchMatMul: ['transposeA', 'transposeB'],
  Cast: ['dtype'],
  Concat: ['axis'],
  Fill: ['dtype'],
  GatherV2: ['axis', 'batchDims'],
  Max: ['reductionIndices', 'keepDims'],
  Mean: ['axis', 'keepDims'],
  Min: ['axis', 'keepDims'],
  OneHot: ['dtype'],
  Range: ['dtype'],
  Softmax: ['dim'],
  SplitV: ['axis'],
  Sum: ['axis', 'keepDims'],
  Transpose: ['perm'],
};

/** Kernels whose recorded attributes only make sense with the rank of their first input. */
const RANKED = new Set(['ArgMax', 'BatchMatMul', 'Concat', 'GatherV2', 'Max', 'Mean', 'Min', 'Softmax', 'SplitV', 'Sum', 'Transpose']);

interface TensorLike {
  dtype: string;
  shape: number[];
}

interface KernelInvocation {
  kernelName?: string;
  inputs?: Record<string, TensorLike | null | undefined>;
  attrs?: Record<string, unknown>;
}

interface DispatchingEngine {
  runKernelFunc(params: KernelInvocation): unknown;
}

function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && typeof (x as TensorLike).dtype === 'string' && Array.isArray((x as TensorLike).shape);
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(',')}]`;
  return String(v);
}

/** The input signature and dtypes of one call. */
function describeInputs(inputs: KernelInvocation['inputs']): { signature: string; dtypes: string[] } {
  const byName = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(inputs ?? {})) {
    if (!isTensorLike(value)) continue;
    const name = /^\d+$/.test(key) ? 'tensors[]' : key;
    const set = byName.get(name) ?? new Set<string>();
    set.add(value.dtype);
    byName.set(name, set);
  }
  const parts = [...byName].map(([name, set]) => `${name}:${[...set].sort().join('|')}`);
  const dtypes = [...new Set([...byName.values()].flatMap((s) => [...s]))];
  return { signature: parts.join(' '), dtypes };
}

/** The recorded attribute values of one call, or undefined for a kernel not in ATTRIBUTES_OF. */
function describeAttrs(name: string, inputs: KernelInvocation['inputs'], attrs: KernelInvocation['attrs']): string | undefined {
  const keys = ATTRIBUTES_OF[name];
  if (keys === undefined) return undefined;
  const tensors = Object.values(inputs ?? {}).filter(isTensorLike);
  const parts: string[] = [];
  const first = tensors[0];
  if (first !== undefined && RANKED.has(name)) parts.push(`rank=${first.shape.length}`);
  if (first !== undefined && name === 'Cast') parts.push(`from=${first.dtype}`);
  for (const key of keys) if (attrs?.[key] !== undefined) parts.push(`${key}=${formatValue(attrs[key])}`);
  if (name === 'BatchMatMul' && tensors.length === 2) {
    // Batches that broadcast against each other (grouped-query attention: [B, H] @ [B, 1]) need their own path.
    const [a, b] = tensors as [TensorLike, TensorLike];
    const batch = (t: TensorLike) => t.shape.slice(0, -2).join('x');
    if (batch(a) !== batch(b)) parts.push('batch=broadcast');
  }
  return parts.join(' ');
}

/** A running recording; `stop()` restores the engine. Recordings do not nest. */
export interface KernelRecorder {
  readonly uses: KernelUses;
  stop(): KernelUses;
}

let active: KernelRecorder | null = null;

/** Starts recording the kernels the engine runs from now on (until `stop()`). */
export function startKernelRecording(): KernelRecorder {
  if (active !== null) throw new Error('startKernelRecording: a recording is already running; stop it first');
  const engine = tf.engine() as unknown as DispatchingEngine;
  const original = engine.runKernelFunc;
  const uses: KernelUses = new Map();
  let depth = 0;
  const recording = function (this: DispatchingEngine, params: KernelInvocation): unknown {
    const name = params.kernelName;
    if (name === undefined) return original.call(this, params); // a customGrad op: its inner ops are recorded
    if (depth === 0) {
      let use = uses.get(name);
      if (use === undefined) {
        use = { dtypes: new Set(), inputs: new Set(), attrs: new Set(), calls: 0 };
        uses.set(name, use);
      }
      const { signature, dtypes } = describeInputs(params.inputs);
      use.calls++;
      if (signature !== '') use.inputs.add(signature);
      dtypes.forEach((d) => use.dtypes.add(d));
      const attrs = describeAttrs(name, params.inputs, params.attrs);
      if (attrs !== undefined) use.attrs.add(attrs);
    }
    depth++;
    try {
      return original.call(this, params);
    } finally {
      depth--;
    }
  };
  engine.runKernelFunc = recording;
  const recorder: KernelRecorder = {
    uses,
    stop() {
      if (engine.runKernelFunc === recording) engine.runKernelFunc = original;
      if (active === recorder) active = null;
      return uses;
    },
  };
  active = recorder;
  return recorder;
}

/** Runs `job` while recording; the kernels it ran, also when it throws (then the error is rethrown). */
export async function recordKernels<T>(job: () => Promise<T> | T): Promise<{ result: T; uses: KernelUses }> {
  const recorder = startKernelRecording();
  try {
    const result = await job();
    return { result, uses: recorder.uses };
  } finally {
    recorder.stop();
  }
}

/** Merges `from` into `into` (sets united, calls added). */
export function mergeKernelUses(into: KernelUses, from: KernelUses): KernelUses {
  for (const [name, use] of from) {
    const target = into.get(name) ?? { dtypes: new Set<string>(), inputs: new Set<string>(), attrs: new Set<string>(), calls: 0 };
    use.dtypes.forEach((d) => target.dtypes.add(d));
    use.inputs.forEach((s) => target.inputs.add(s));
    use.attrs.forEach((a) => target.attrs.add(a));
    target.calls += use.calls;
    into.set(name, target);
  }
  return into;
}
