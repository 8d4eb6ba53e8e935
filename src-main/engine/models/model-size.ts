// How many parameters a config describes, counted before anything is allocated, and the refusal of a model that
// cannot fit in this machine's memory: a typo such as num_hidden_layers 1e9 would otherwise run for a minute and
// crash V8's heap while building the layers.
import { totalmem } from 'node:os';
import { PivotError } from '../../../src-shared/errors';
import type { ParamSpec } from '../nn/parameters';

/** The engine holds every parameter as float32. */
const BYTES_PER_PARAMETER = 4;

/** A config whose model repeats one block `num_hidden_layers` times (every family the engine loads). */
interface LayeredConfig {
  num_hidden_layers: number;
}

/** The config with some fields replaced, keeping its class (so `instanceof` and getters still work). */
function withFields<C extends object>(config: C, fields: Partial<C>): C {
  return Object.assign(Object.create(Object.getPrototypeOf(config) as object) as C, config, fields);
}

/**
 * The parameters of the model `specsOf` lists for `config`, from its lists with 0 and 1 layer: the list itself for
 * 1e9 layers would exhaust memory. NaN or Infinity for dimensions past what a number counts exactly.
 */
export function parameterCount<C extends LayeredConfig>(config: C, specsOf: (config: C) => ParamSpec[]): number {
  const count = (layers: number): number =>
    specsOf(withFields(config, { num_hidden_layers: layers } as Partial<C>))
      .reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  const withoutLayers = count(0);
  return withoutLayers + config.num_hidden_layers * (count(1) - withoutLayers);
}

/**
 * Throws INVALID_CONFIG when the model's float32 parameters alone would need more than `memory` bytes (the machine's
 * RAM). The message names the dimension most to blame — the one whose reset to 1 shrinks the model most — and the
 * estimate, so a user sees which value in config.json to fix.
 */
export function checkModelFits<C extends LayeredConfig>(
  config: C,
  source: string,
  dimensions: readonly (keyof C & string)[],
  specsOf: (config: C) => ParamSpec[],
  memory = totalmem(),
): void {
  const parameters = parameterCount(config, specsOf);
  const bytes = parameters * BYTES_PER_PARAMETER;
  if (bytes <= memory) return;
  // NaN (Infinity − Infinity) counts as the largest, so an uncountable model is refused and never the least to blame.
  const size = (c: C): number => {
    const n = parameterCount(c, specsOf);
    return Number.isNaN(n) ? Infinity : n;
  };
  let field = dimensions[0] as keyof C & string;
  let smallest = Infinity;
  for (const dimension of dimensions) {
    const shrunk = size(withFields(config, { [dimension]: 1 } as Partial<C>));
    if (shrunk < smallest) [field, smallest] = [dimension, shrunk];
  }
  const value = config[field];
  const gigabytes = (b: number): string => `${Math.round(b / 1e9).toLocaleString('en-US')} GB`;
  const estimate = Number.isFinite(bytes)
    ? `about ${parameters.toPrecision(3)} parameters, ${gigabytes(bytes)} as float32`
    : 'more parameters than can be counted';
  throw new PivotError('INVALID_CONFIG',
    `${source}: "${field}" ${String(value)} gives a model of ${estimate}, more than this machine's ${gigabytes(memory)} of memory; ` +
      `check "${field}" (and the other sizes) in the config`,
    { file: source, field, value },
  );
}
