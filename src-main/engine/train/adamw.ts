// AdamW as PyTorch's torch.optim.AdamW computes it: decoupled weight decay, bias-corrected moments, one state
// per variable keyed by a stable name (so it saves and resumes exactly), and parameter groups with their own LR.
import { PivotError } from '../../../src-shared/errors';
import { fusedAdamW, type AdamWUpdate } from '../backend/native/fused/adamw';
import * as tf from '../backend/tf';
import type { TensorSource, TensorToWrite } from '../io/safetensors';


/** Variables that share a learning rate (e.g. the encoder's smaller one). */
export interface ParamGroup {
  name: string;
  /** Peak learning rate; each step multiplies it by the schedule's factor. */
  lr: number;
  /** [stable name, variable] pairs; the names key the optimizer state. */
  variables: readonly (readonly [string, tf.Variable])[];
}

/** Hyper-parameters shared by every group (PyTorch's defaults). */
export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Added to √v̂. Default 1e-8. */
  epsilon?: number;
  /** Decoupled decay: p ← p·(1 − lr·wd) before the Adam step. Default 0 (the paper's). */
  weightDecay?: number;
}

interface Slot {
  variable: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  /** Updates this variable has had (PyTorch counts per parameter: one without a gradient is skipped). */
  steps: number;
}

export class AdamW {
  private readonly slots = new Map<string, Slot & { group: ParamGroup }>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;

  constructor(readonly groups: readonly ParamGroup[], options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const group of groups) {
      for (const [name, variable] of group.variables) {
        if (this.slots.has(name)) throw new Error(`AdamW: variable "${name}" is in more than one group`);
        // The variable takes the zeros' buffer; disposing them leaves it the only owner (needed to update it in place).
        const zeros = () => {
          const initial = tf.zerosLike(variable);
          const moment = tf.variable(initial, false);
          initial.dispose();
          return moment;
        };
        this.slots.set(name, { group, variable, m: zeros(), v: zeros(), steps: 0 });
      }
    }
  }

  /** Every variable the optimizer updates, in group order. */
  get variables(): tf.Variable[] {
    return [...this.slots.values()].map((slot) => slot.variable);
  }

  /** Stable name → the name tfjs knows the variable by (the keys of `tf.variableGrads`). */
  get names(): [string, string][] {
    return [...this.slots].map(([name, slot]) => [name, slot.variable.name]);
  }

  /**
   * One update. `grads` maps stable names to gradients (variables without one are left alone, as PyTorch does);
   * `lrFactor` is the schedule's multiplier for this step. The gradients are not disposed. On the native backends
   * every parameter is updated in place in one call; elsewhere (or for a buffer another tensor shares) with tfjs ops.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lrFactor: number): void {
    const updates: AdamWUpdate[] = [];
    for (const [name, slot] of this.slots) {
      const grad = grads.get(name);
      if (!grad) continue;
      slot.steps += 1;
      const lr = slot.group.lr * lrFactor;
      updates.push({
        variable: slot.variable,
        grad,
        m: slot.m,
        v: slot.v,
        decay: 1 - lr * this.weightDecay,
        step: lr / (1 - this.beta1 ** slot.steps),
        sqrtBias2: Math.sqrt(1 - this.beta2 ** slot.steps),
      });
    }
    const rest = fusedAdamW(updates, { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon });
    for (const update of rest) this.update(update);
  }

  /** One parameter's update with tfjs ops, in the float32 steps the fused kernel repeats. */
  private update({ variable, grad, m: mPrev, v: vPrev, decay, step, sqrtBias2 }: AdamWUpdate): void {
    tf.tidy(() => {
      const m = tf.add(tf.mul(mPrev, this.beta1), tf.mul(grad, 1 - this.beta1));
      const v = tf.add(tf.mul(vPrev, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
      const decayed = this.weightDecay === 0 ? variable : tf.mul(variable, decay);
      const denominator = tf.add(tf.div(tf.sqrt(v), sqrtBias2), this.epsilon);
      variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), step)));
      mPrev.assign(m);
      vPrev.assign(v);
    });
  }

  /** The moments as safetensors entries (`exp_avg.<name>`, `exp_avg_sq.<name>`, PyTorch's names) and the step counts. */
  async state(): Promise<{ tensors: Record<string, TensorToWrite>; steps: Record<string, number> }> {
    const tensors: Record<string, TensorToWrite> = {};
    const steps: Record<string, number> = {};
    for (const [name, slot] of this.slots) {
      tensors[`exp_avg.${name}`] = { dtype: 'F32', shape: slot.m.shape, data: ((await slot.m.data()) as Float32Array).slice() };
      tensors[`exp_avg_sq.${name}`] = { dtype: 'F32', shape: slot.v.shape, data: ((await slot.v.data()) as Float32Array).slice() };
      steps[name] = slot.steps;
    }
    return { tensors, steps };
  }

  /** Restores what `state` saved; throws naming the file when a variable's moments are missing or mis-shaped. */
  loadState(source: TensorSource, steps: Readonly<Record<string, number>>): void {
    for (const [name, slot] of this.slots) {
      for (const [key, target] of [[`exp_avg.${name}`, slot.m], [`exp_avg_sq.${name}`, slot.v]] as const) {
        if (!source.has(key)) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${source.location}: optimizer state "${key}" is missing`, { file: source.location, tensor: key });
        const decoded = source.read(key);
        if (!tf.util.arraysEqual(decoded.shape, target.shape)) {
          throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${source.location}: optimizer state "${key}" has shape [${decoded.shape}], expected [${target.shape}]`, {
            file: source.location, tensor: key, expected: target.shape, got: decoded.shape,
          });
        }
        tf.tidy(() => target.assign(tf.tensor(decoded.data as Float32Array, decoded.shape, 'float32')));
      }
      slot.steps = steps[name] ?? 0;
    }
  }

  /** Frees the moments (not the model's variables). */
  dispose(): void {
    for (const slot of this.slots.values()) tf.dispose([slot.m, slot.v]);
    this.slots.clear();
  }
}
