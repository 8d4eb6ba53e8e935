// Difficulty knobs of the Shapes world and the parser for specs like 'hard' or 'medium,noise=0.1'.
// The default must leave a base model headroom: TOY_STUDY.md shows an easy world teaches nothing.
import { PivotError } from '../../../../src-shared/errors';

export type DifficultyPreset = 'easy' | 'medium' | 'hard';
export const DIFFICULTY_PRESET_NAMES: readonly DifficultyPreset[] = ['easy', 'medium', 'hard'];
export const DEFAULT_DIFFICULTY: DifficultyPreset = 'medium';

export interface IntRange {
  min: number;
  max: number;
}

export interface ResolvedDifficulty {
  /** The preset the knobs started from (overrides are applied on top). */
  preset: DifficultyPreset;
  /** Objects per image (best effort: an object that cannot be placed is dropped). */
  objects: IntRange;
  /** Object size in px at a 64 px image; scaled with the image size. */
  objectSize: IntRange;
  /** Probability that an object reuses a colour already in the image (look-alikes force binding). */
  sharedColors: number;
  /** Probability that an object reuses a shape already in the image. */
  sharedShapes: number;
  /** Tiny distractors (dots, short lines) per image; class 0 in the masks. */
  clutter: IntRange;
  /** Std of Gaussian pixel noise on a 0..1 intensity scale. */
  noise: number;
  /** Largest fraction of an object that later objects may hide (0 = no overlap at all). */
  occlusion: number;
  /**
   * Share of images also asked where one object lies ("Is the red circle on the left or the right?"): mixed in, such
   * questions let a small MLLM learn relations at all (bench/peers/curriculum_twin.py). 0 in every preset.
   */
  positionQuestions: number;
}

export type KnobName = Exclude<keyof ResolvedDifficulty, 'preset'>;

interface KnobSpec {
  kind: 'range' | 'number';
  min: number;
  max: number;
  doc: string;
}

export const DIFFICULTY_KNOBS: Readonly<Record<KnobName, KnobSpec>> = {
  objects: { kind: 'range', min: 1, max: 10, doc: 'objects per image, e.g. 3-5' },
  objectSize: { kind: 'range', min: 6, max: 40, doc: 'object size in px at 64 px, e.g. 8-16' },
  sharedColors: { kind: 'number', min: 0, max: 1, doc: 'probability of reusing a colour' },
  sharedShapes: { kind: 'number', min: 0, max: 1, doc: 'probability of reusing a shape' },
  clutter: { kind: 'range', min: 0, max: 40, doc: 'tiny distractors per image, e.g. 2-6' },
  noise: { kind: 'number', min: 0, max: 1, doc: 'pixel noise std, 0..1' },
  occlusion: { kind: 'number', min: 0, max: 0.9, doc: 'max hidden fraction of an object' },
  positionQuestions: { kind: 'number', min: 0, max: 1, doc: 'share of images also asked where one object lies' },
};

const KNOB_NAMES = Object.keys(DIFFICULTY_KNOBS) as KnobName[];

export const DIFFICULTY_PRESETS: Readonly<Record<DifficultyPreset, ResolvedDifficulty>> = {
  // Close to TOY_STUDY's first world: few big distinct objects; the base model saturates here.
  easy: {
    preset: 'easy',
    objects: { min: 2, max: 3 },
    objectSize: { min: 14, max: 22 },
    sharedColors: 0,
    sharedShapes: 0,
    clutter: { min: 0, max: 0 },
    noise: 0.02,
    occlusion: 0,
    positionQuestions: 0,
  },
  medium: {
    preset: 'medium',
    objects: { min: 3, max: 5 },
    objectSize: { min: 8, max: 16 },
    sharedColors: 0.45,
    sharedShapes: 0.4,
    clutter: { min: 2, max: 6 },
    noise: 0.06,
    occlusion: 0.2,
    positionQuestions: 0,
  },
  hard: {
    preset: 'hard',
    objects: { min: 4, max: 7 },
    objectSize: { min: 7, max: 13 },
    sharedColors: 0.6,
    sharedShapes: 0.6,
    clutter: { min: 5, max: 10 },
    noise: 0.12,
    occlusion: 0.35,
    positionQuestions: 0,
  },
};

function clone(d: ResolvedDifficulty): ResolvedDifficulty {
  return { ...d, objects: { ...d.objects }, objectSize: { ...d.objectSize }, clutter: { ...d.clutter } };
}

function isPreset(s: string): s is DifficultyPreset {
  return (DIFFICULTY_PRESET_NAMES as readonly string[]).includes(s);
}

function fail(message: string): never {
  throw new PivotError('INVALID_CONFIG', `difficulty: ${message}`, { field: 'difficulty' });
}

function checkBounds(name: KnobName, spec: KnobSpec, v: number): void {
  if (v < spec.min || v > spec.max) fail(`${name} must be between ${spec.min} and ${spec.max}, got ${v}`);
}

function parseRange(name: KnobName, spec: KnobSpec, raw: string): IntRange {
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw);
  if (!m) fail(`${name} must be a whole number or a range like ${spec.min}-${spec.max}, got "${raw}"`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  checkBounds(name, spec, min);
  checkBounds(name, spec, max);
  if (min > max) fail(`${name} range must go from low to high, got ${raw}`);
  return { min, max };
}

function parseNumber(name: KnobName, spec: KnobSpec, raw: string): number {
  const v = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(v)) fail(`${name} must be a number between ${spec.min} and ${spec.max}, got "${raw}"`);
  checkBounds(name, spec, v);
  return v;
}

/** Knob names are matched case-insensitively so 'objectsize=8-12' works from a shell. */
function knobName(key: string): KnobName {
  const found = KNOB_NAMES.find((k) => k.toLowerCase() === key.toLowerCase());
  if (!found) fail(`unknown knob "${key}" (valid: ${KNOB_NAMES.join(', ')})`);
  return found;
}

/**
 * Parse 'medium', 'hard,objects=3-6,noise=0.1' or 'noise=0.1' (overrides on the default preset).
 * Empty or undefined gives the default preset.
 */
export function parseDifficulty(spec: string | undefined): ResolvedDifficulty {
  const parts = (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  let preset: DifficultyPreset = DEFAULT_DIFFICULTY;
  if (parts.length > 0 && !(parts[0] as string).includes('=')) {
    const name = (parts.shift() as string).toLowerCase();
    if (!isPreset(name)) fail(`unknown preset "${name}" (valid: ${DIFFICULTY_PRESET_NAMES.join(', ')})`);
    preset = name;
  }
  const out = clone(DIFFICULTY_PRESETS[preset]);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) fail(`expected key=value after the preset, got "${part}" (valid knobs: ${KNOB_NAMES.join(', ')})`);
    const name = knobName(part.slice(0, eq).trim());
    const raw = part.slice(eq + 1).trim();
    const knob = DIFFICULTY_KNOBS[name];
    const value = knob.kind === 'range' ? parseRange(name, knob, raw) : parseNumber(name, knob, raw);
    (out as unknown as Record<KnobName, IntRange | number>)[name] = value;
  }
  return out;
}

/** Canonical spec string that parses back to the same knobs. */
export function formatDifficulty(d: ResolvedDifficulty): string {
  const base = DIFFICULTY_PRESETS[d.preset];
  const overrides: string[] = [];
  for (const name of KNOB_NAMES) {
    const v = d[name];
    const b = base[name];
    if (typeof v === 'number') {
      if (v !== b) overrides.push(`${name}=${v}`);
    } else {
      const br = b as IntRange;
      if (v.min !== br.min || v.max !== br.max) overrides.push(`${name}=${v.min}-${v.max}`);
    }
  }
  return [d.preset, ...overrides].join(',');
}
