// The kernel table: every case of kernel-cases.ts on `cpu` (the reference) and on the target backend, forward and,
// where marked, the gradients; a case passes when its kernel really ran on the target and every output agrees
// within the case's tolerance. Products run with TF32 off here, so cuBLAS is held to float32 rounding too.
import { ENGINE_KERNEL_NAMES } from '../../src-main/engine/backend/engine-kernels';
import * as tf from '../../src-main/engine/backend/tf';
import { recordKernels } from '../main/engine/backend/kernel-usage/record';
import { fmt, messageOf, on, plain, relativeError, seeded, TARGET, type CheckResult, type Plain } from './compare';
import { KERNEL_CASES, type InputSpec, type KernelCase } from './kernel-cases';
import { setTf32 } from './device';

function input(spec: InputSpec, seed: number): tf.Tensor {
  const dtype = spec.dtype ?? 'float32';
  const size = tf.util.sizeFromShape(spec.shape);
  const raw = spec.values ? Float32Array.from(spec.values) : seeded(size, seed, spec.lo ?? -1, spec.hi ?? 1);
  // Typed arrays throughout: tfjs walks a plain array of millions of numbers slowly.
  if (dtype === 'int32') return tf.tensor(Int32Array.from(raw, Math.floor), spec.shape, dtype);
  if (dtype === 'bool') return tf.tensor(Uint8Array.from(raw, (v) => (v > 0 ? 1 : 0)), spec.shape, dtype);
  return tf.tensor(raw, spec.shape, dtype);
}

const asList = (out: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(out) ? out : [out]);

/**
 * The case's outputs, then (when asked) the gradients of Σ(output · seeded weights) for its float32 inputs. Read
 * back inside tidy but handed out past it: tidy walks what it returns, every element of a typed array included.
 */
function runCase(c: KernelCase, index: number, withGrad: boolean): Plain[] {
  const results: Plain[] = [];
  tf.tidy(() => {
    const xs = c.inputs.map((spec, k) => input(spec, 100 * index + k + 1));
    const outs = asList(c.run(...xs));
    results.push(...outs.map(plain));
    if (!withGrad) return;
    const floats = xs.flatMap((x, k) => (x.dtype === 'float32' ? [k] : []));
    const weights = outs.map((o, k) => tf.tensor(seeded(o.size, 7000 + k), o.shape));
    const objective = (...fs: tf.Tensor[]): tf.Scalar => {
      const all = [...xs];
      floats.forEach((k, j) => (all[k] = fs[j] as tf.Tensor));
      return tf.addN(asList(c.run(...all)).map((o, k) => tf.sum(tf.mul(o, weights[k] as tf.Tensor)))) as tf.Scalar;
    };
    results.push(...tf.grads(objective)(floats.map((k) => xs[k] as tf.Tensor)).map(plain));
  });
  return results;
}

interface CaseOutcome {
  kernel: string;
  what: string;
  grad: boolean;
  error: number;
  tol: number;
  ok: boolean;
  note?: string;
  /** Wall time of the cpu reference and of the target, ms. */
  ms?: [number, number];
}

function compare(target: Plain[], reference: Plain[]): { error: number; note?: string } {
  if (target.length !== reference.length) return { error: Number.POSITIVE_INFINITY, note: `${target.length} outputs, cpu gives ${reference.length}` };
  let error = 0;
  for (const [k, ref] of reference.entries()) {
    const got = target[k] as Plain;
    if (got.dtype !== ref.dtype || !tf.util.arraysEqual(got.shape, ref.shape)) {
      return { error: Number.POSITIVE_INFINITY, note: `output ${k}: ${got.dtype} [${got.shape}], cpu gives ${ref.dtype} [${ref.shape}]` };
    }
    error = Math.max(error, relativeError(got.values, ref.values));
  }
  return { error };
}

export async function kernelTable(): Promise<CheckResult[]> {
  setTf32(false); // (loading the addon registers the native backends' kernels)
  const registered = new Set(tf.getKernelsForBackend(TARGET).map((k) => k.kernelName));
  const missing = ENGINE_KERNEL_NAMES.filter((name) => !registered.has(name) && !tf.getKernel(name, TARGET));
  const uncovered = ENGINE_KERNEL_NAMES.filter((name) => !KERNEL_CASES.some((c) => c.kernel === name));
  const outcomes: CaseOutcome[] = [];
  for (const [index, c] of KERNEL_CASES.entries()) {
    if (missing.includes(c.kernel)) continue;
    for (const withGrad of c.grad ? [false, true] : [false]) {
      const outcome: CaseOutcome = { kernel: c.kernel, what: c.what, grad: withGrad, error: Number.NaN, tol: c.tol, ok: false };
      try {
        const started = performance.now();
        const reference = await on('cpu', () => runCase(c, index, withGrad));
        const between = performance.now();
        const { result: target, uses } = await on(TARGET, () => recordKernels(() => runCase(c, index, withGrad)));
        outcome.ms = [Math.round(between - started), Math.round(performance.now() - between)];
        const { error, note } = compare(target, reference);
        outcome.error = error;
        outcome.ok = error <= c.tol && note === undefined && uses.has(c.kernel);
        outcome.note = note ?? (uses.has(c.kernel) ? undefined : `${c.kernel} did not run (ran: ${[...uses.keys()].join(', ')})`);
      } catch (err) {
        outcome.note = messageOf(err);
      }
      outcomes.push(outcome);
    }
  }
  const failed = outcomes.filter((o) => !o.ok);
  const worst = outcomes.filter((o) => o.ok && o.tol > 0).sort((a, b) => b.error / b.tol - a.error / a.tol)[0];
  const grads = outcomes.filter((o) => o.grad).length;
  const parts = [
    `${outcomes.length - failed.length}/${outcomes.length} cases (${grads} with gradients) over ${ENGINE_KERNEL_NAMES.length - missing.length}/${ENGINE_KERNEL_NAMES.length} kernels`,
    ...(worst ? [`closest to its tolerance: ${worst.kernel} ${fmt(worst.error)} ≤ ${fmt(worst.tol)}`] : []),
    ...(missing.length ? [`MISSING on ${TARGET}: ${missing.join(', ')}`] : []),
    ...failed.slice(0, 4).map((o) => `FAILED ${o.kernel} ${o.what}${o.grad ? ' (grad)' : ''}: ${o.note ?? `${fmt(o.error)} > ${fmt(o.tol)}`}`),
    ...(failed.length > 4 ? [`… ${failed.length - 4} more failures in gpu-check.json`] : []),
    ...(uncovered.length ? [`no case for ${uncovered.join(', ')}`] : []),
  ];
  const ok = failed.length === 0 && missing.length === 0 && uncovered.length === 0;
  return [{ check: 'kernels vs cpu (TF32 off)', status: ok ? 'pass' : 'fail', numbers: parts.join('; '), details: { missing, uncovered, outcomes } }];
}
