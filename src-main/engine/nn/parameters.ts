// A model's trainable parameters as tf.Variables keyed by their exact Hugging Face weight names,
// with the layout conversion between the HF tensor and what the engine's ops want.
import { PivotError } from '../../../src-shared/errors';
import * as tf from '../backend/tf';

/**
 * How an HF tensor is stored in the engine:
 * - `as-is`: unchanged (norm weights, biases, embeddings tables);
 * - `kernel`: HF [out, ...in] (nn.Linear [out, in], a patch Conv2d [out, C, p, p]) flattened and
 *   transposed to [prod(in), out] once, so the forward pass runs plain matMuls (see nn/linear).
 */
export type ParamLayout = 'as-is' | 'kernel';

/** Initial value of a randomly initialised parameter (HF `_init_weights` in its simplest form). */
export type ParamInit = 'normal' | 'ones' | 'zeros';

/** One parameter as a checkpoint knows it. */
export interface ParamSpec {
  /** Exact HF weight name, e.g. `encoder.layers.0.self_attn.q_proj.weight`. */
  name: string;
  /** Shape in the HF checkpoint (not the engine layout). */
  shape: readonly number[];
  layout: ParamLayout;
  init: ParamInit;
}

/** The specs of an nn.Linear at `prefix` (`prefix.weight` [out, in] as a kernel, `prefix.bias` [out]). */
export function linearSpecs(prefix: string, inFeatures: number, outFeatures: number, bias = true): ParamSpec[] {
  const weight: ParamSpec = { name: `${prefix}.weight`, shape: [outFeatures, inFeatures], layout: 'kernel', init: 'normal' };
  return bias ? [weight, { name: `${prefix}.bias`, shape: [outFeatures], layout: 'as-is', init: 'zeros' }] : [weight];
}

/** The specs of an nn.LayerNorm at `prefix` (weight ones, bias zeros). */
export function layerNormSpecs(prefix: string, width: number): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [width], layout: 'as-is', init: 'ones' },
    { name: `${prefix}.bias`, shape: [width], layout: 'as-is', init: 'zeros' },
  ];
}

/** HF-layout tensor → engine layout. */
export function toEngineLayout(spec: ParamSpec, hf: tf.Tensor): tf.Tensor {
  if (spec.layout === 'as-is') return hf;
  return tf.tidy(() => tf.transpose(tf.reshape(hf, [spec.shape[0] as number, -1])));
}

/** Engine-layout tensor → HF layout (for export). */
export function toHfLayout(spec: ParamSpec, engine: tf.Tensor): tf.Tensor {
  if (spec.layout === 'as-is') return engine;
  return tf.tidy(() => tf.reshape(tf.transpose(engine), [...spec.shape]));
}

/** The shape a parameter has in the engine. */
export function engineShape(spec: ParamSpec): number[] {
  if (spec.layout === 'as-is') return [...spec.shape];
  const [out, ...rest] = spec.shape as [number, ...number[]];
  return [rest.reduce((a, b) => a * b, 1), out];
}

let instanceCounter = 0;

/**
 * The variables of one model instance. tfjs variable names are global, so each instance prefixes
 * them (`clip_vision#3/encoder...`); the map keys stay the bare HF names.
 */
export class ParameterSet {
  readonly specs: readonly ParamSpec[];
  private readonly byName = new Map<string, tf.Variable>();

  /** @param makeValue the engine-layout initial value of each spec; it is copied into a new variable. */
  constructor(specs: readonly ParamSpec[], scope: string, makeValue: (spec: ParamSpec, index: number) => tf.Tensor) {
    this.specs = specs;
    const prefix = `${scope}#${++instanceCounter}/`;
    try {
      specs.forEach((spec, index) => {
        const variable = tf.tidy(() => {
          const value = makeValue(spec, index);
          const expected = engineShape(spec);
          if (!tf.util.arraysEqual(value.shape, expected)) {
            throw new Error(`parameter "${spec.name}": initial value has shape [${value.shape}], expected [${expected}]`);
          }
          return tf.variable(value, true, prefix + spec.name, 'float32');
        });
        this.byName.set(spec.name, variable);
      });
    } catch (err) {
      // A weight refused halfway (NaN, a bad shape) must not leave the ones before it held by a long-lived process.
      this.dispose();
      throw err;
    }
  }

  /** HF-like random initialisation: normal(0, std) / ones / zeros; deterministic for a given seed. */
  static randomInit(specs: readonly ParamSpec[], scope: string, seed: number, std = 0.02): ParameterSet {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`randomInit: seed must be a non-negative integer, got ${seed}`);
    return new ParameterSet(specs, scope, (spec, index) => {
      const shape = engineShape(spec);
      if (spec.init === 'ones') return tf.ones(shape);
      if (spec.init === 'zeros') return tf.zeros(shape);
      // One stream per parameter; tfjs treats seed 0 as "unseeded", hence the +1.
      return tf.randomNormal(shape, 0, std, 'float32', seed * 65_537 + index + 1);
    });
  }

  /**
   * From tensors in HF layout (e.g. read from a checkpoint), converted with `toEngineLayout`;
   * `tensorFor` is called once per spec, in order; tensors it creates are freed after the copy.
   */
  static fromHf(specs: readonly ParamSpec[], scope: string, tensorFor: (spec: ParamSpec) => tf.Tensor): ParameterSet {
    return new ParameterSet(specs, scope, (spec) => {
      const hf = tensorFor(spec);
      if (!tf.util.arraysEqual(hf.shape, [...spec.shape])) {
        throw new PivotError('CHECKPOINT_INCOMPATIBLE', `parameter "${spec.name}": has shape [${hf.shape}], expected [${spec.shape}]`, { tensor: spec.name, expected: spec.shape, got: hf.shape });
      }
      return toEngineLayout(spec, hf);
    });
  }

  /** The variable for an HF weight name; throws on a name the model does not have. */
  get(name: string): tf.Variable {
    const variable = this.byName.get(name);
    if (!variable) throw new Error(`no parameter named "${name}"`);
    return variable;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** All variables in spec order (e.g. the `varList` of an optimizer or `tf.variableGrads`). */
  variables(): tf.Variable[] {
    return this.specs.map((spec) => this.get(spec.name));
  }

  /** The variables whose names start with `prefix` (one block's, `encoder.layers.3.`), in spec order. */
  variablesUnder(prefix: string): tf.Variable[] {
    return this.specs.filter((spec) => spec.name.startsWith(prefix)).map((spec) => this.get(spec.name));
  }

  /** Parameter count. */
  size(): number {
    return this.specs.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Every parameter in HF layout and naming, ready for `writeSafetensors`. */
  async toHf(): Promise<Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>> {
    const out: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    for (const spec of this.specs) {
      const hf = toHfLayout(spec, this.get(spec.name));
      // A copy: the cpu backend hands out its own backing array, which must not escape.
      const data = ((await hf.data()) as Float32Array).slice();
      out[spec.name] = { dtype: 'F32', shape: [...spec.shape], data };
      if (hf !== this.get(spec.name)) hf.dispose();
    }
    return out;
  }

  /** Frees every variable; the set is unusable afterwards. */
  dispose(): void {
    for (const variable of this.byName.values()) variable.dispose();
    this.byName.clear();
  }
}
