// AdamW's update of every parameter in one call to the native addon, in place (src-main/native/src/kernels/adamw.h):
// the ~10 tfjs kernels and their temporaries per parameter become one pass over its four buffers. Only buffers
// that no other tensor shares are written in place; train/adamw.ts updates the rest with tfjs ops.
import * as tf from '../../tf';
import { NativeBackend } from '../backend';

/** One parameter's update, with the scalars train/adamw.ts computes (in double) from its step count t. */
export interface AdamWUpdate {
  variable: tf.Variable;
  grad: tf.Tensor;
  m: tf.Variable;
  v: tf.Variable;
  /** 1 − lr·weightDecay. */
  decay: number;
  /** lr / (1 − β1^t). */
  step: number;
  /** √(1 − β2^t). */
  sqrtBias2: number;
}

export interface AdamWConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** float32 data held by `backend` (per the engine's record of it), shaped `shape`. */
function float32On(backend: NativeBackend, t: tf.Tensor, shape: number[]): boolean {
  return t.dtype === 'float32' && tf.engine().state.tensorInfo.get(t.dataId)?.backend === backend && tf.util.arraysEqual(t.shape, shape);
}

/**
 * Writing `t` in place is safe: no other tensor points at its data. tfjs 4.22 counts those on the backend only
 * (every tensor, variable, reshape or identity sharing a dataId increments it; the engine keeps no count).
 */
function ownsBuffer(backend: NativeBackend, t: tf.Tensor): boolean {
  return float32On(backend, t, t.shape) && backend.refCount(t.dataId) === 1;
}

/**
 * Applies, in one native call, every update whose parameter and moments it may write in place, and returns the
 * others (all of them when the active backend is not a native one) for the caller's tfjs update.
 */
export function fusedAdamW(updates: readonly AdamWUpdate[], constants: AdamWConstants): AdamWUpdate[] {
  const backend = tf.backend();
  if (!(backend instanceof NativeBackend)) return [...updates];
  const fused: AdamWUpdate[] = [];
  const rest: AdamWUpdate[] = [];
  for (const u of updates) {
    const inPlace =
      [u.variable, u.m, u.v].every((t) => ownsBuffer(backend, t)) && float32On(backend, u.grad, u.variable.shape) &&
      tf.util.arraysEqual(u.m.shape, u.variable.shape) && tf.util.arraysEqual(u.v.shape, u.variable.shape);
    (inPlace ? fused : rest).push(u);
  }
  if (fused.length > 0) {
    const handles = (pick: (u: AdamWUpdate) => tf.Tensor) => fused.map((u) => backend.handle(pick(u)));
    backend.addon.adamw(
      handles((u) => u.variable), handles((u) => u.grad), handles((u) => u.m), handles((u) => u.v),
      fused.map((u) => u.variable.size), fused.map((u) => u.decay), fused.map((u) => u.step), fused.map((u) => u.sqrtBias2),
      constants.beta1, constants.beta2, constants.epsilon,
    );
  }
  return rest;
}
