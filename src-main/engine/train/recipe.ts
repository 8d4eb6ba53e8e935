// Reads a recipe — a JSON or YAML file, or a built-in name — into resolved stages, with errors that name the
// file, the field path and what was expected, so a typo never silently trains with a default.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { STAGE_KINDS, type StageKind } from '../objectives/kinds';
import { KIND_CHECKS, misplacedField } from '../objectives/recipe-fields';
import { MLLM_PARTS, type MllmPart } from '../models/mllm/parts';
import { readLlavaFolderConfig } from '../models/llava/config';
import { MLLM_PRESET_NAMES, type MllmPresetName } from '../models/mllm/presets';
import type { RunSettings } from '../../../src-shared/domain/run-settings';
import type { Objective } from './api';
import { recipeSchema, type ParsedBranch, type ParsedRecipe, type ParsedStage, type ParsedSweep } from './recipe-schema';

/**
 * Where the built-in recipes live: `resources/recipes/<name>.yaml` of the source tree, or $PIVOT_RECIPES_DIR (a
 * packaged app, whose bundle no longer sits three folders below `resources/`).
 */
export const BUILT_IN_RECIPE_DIR = process.env.PIVOT_RECIPES_DIR ?? fileURLToPath(new URL('../../../resources/recipes/', import.meta.url));

/** One stage with every default filled in. */
export interface Stage {
  name: string;
  kind: StageKind;
  trainable: MllmPart[];
  lr: number;
  /** The encoder's peak LR (the stage's lr unless set). */
  encoderLr: number;
  /** The projector's and the LM's peak LRs, present only when set (a stage without them resolves as before, so runs started earlier still resume). */
  projectorLr?: number;
  lmLr?: number;
  epochs: number;
  maxSteps?: number;
  batchSize: number;
  gradAccum: number;
  /** Present (true) when the stage recomputes its blocks in the backward; it changes memory, never the results. */
  activationCheckpointing?: true;
  warmupRatio: number;
  weightDecay: number;
  clipNorm: number | null;
  beta: number;
  checkpointEvery: number;
  subset: { from: number; to: number };
  /** A branch's own shuffling seed (see branchSchemas); unset: the recipe's seed. */
  seed?: number;
  /** A branch's probe-as-you-train interval in steps (analysis/training-probe.ts); unset or 0: off. */
  probeEvery?: number;
  /** A dpo branch whose rejected answers are the base model's own (objectives/recipe-fields.ts); unset: the dataset's. */
  rejections?: 'model';
}

/** Where a DPO branch's rejected answers come from: the dataset's scripted hallucinations or the base model's own wrong answers. */
export type RejectionKind = 'scripted' | 'model';

/** A recipe's sweep, checked against its branches; an axis left out keeps the branch's value. */
export interface Sweep {
  objectives: Objective[];
  lr: Partial<Record<Objective, number[]>>;
  beta?: number[];
  epochs?: number[];
  maxSteps?: number[];
  rejections?: RejectionKind[];
  seeds: number[];
}

export interface Recipe {
  /** The file read (a built-in's file too). */
  source: string;
  name: string;
  seed: number;
  objective: Objective;
  /** Paths are absolute (resolved against the recipe's folder). */
  model: { preset?: MllmPresetName; path?: string; encoder?: string; lm?: string; tokenizer?: string; featureLayer: number };
  data: { folder?: string; shapes?: { count: number; seed: number; size: number; difficulty?: string }; includeTestSplit: boolean; maxLength?: number };
  stages: Stage[];
  branches: Partial<Record<Objective, Stage>>;
  sweep?: Sweep;
}

/** A recipe value the user must fix: the message starts with the file, the details name it and, where one field is at fault, that field. */
function fail(file: string, message: string, field?: string): never {
  throw new PivotError('INVALID_CONFIG', `${file}: ${message}`, { file, ...(field !== undefined ? { field } : {}) });
}

/** The built-in recipe names, from the files shipped in resources/recipes. */
export function builtInRecipeNames(): string[] {
  if (!existsSync(BUILT_IN_RECIPE_DIR)) return [];
  return readdirSync(BUILT_IN_RECIPE_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** A recipe file (.json, .yaml, .yml) or a built-in recipe's name. */
export function loadRecipe(nameOrPath: string): Recipe {
  const file = recipeFile(nameOrPath);
  return parseRecipe(readRecipeValue(file), file);
}

/** The file of a recipe given by path or built-in name. */
function recipeFile(nameOrPath: string): string {
  const asPath = resolve(nameOrPath);
  if (existsSync(asPath) && statSync(asPath).isFile()) return asPath;
  const builtIns = builtInRecipeNames();
  if (builtIns.includes(nameOrPath)) return join(BUILT_IN_RECIPE_DIR, `${nameOrPath}.yaml`);
  throw new PivotError('NOT_FOUND', `Unknown recipe "${nameOrPath}": it is not a recipe file (${asPath} does not exist) nor a built-in recipe (${builtIns.join(', ')}).`);
}

/** The base model a command line puts in place of a recipe's: a LLaVA folder, or an encoder and an LM folder. */
export type BaseModel = { path: string } | { encoder: string; lm: string };

/**
 * Writes `out` (JSON): the recipe `nameOrPath` with its model replaced by `base` and every folder made absolute, so
 * that it trains the same from wherever the file lies. A LLaVA folder brings its own tokenizer and feature layer; an
 * encoder and LM keep the recipe's feature layer and take the LM's tokenizer. Both recipes are checked first.
 */
export function writeRecipeWithBase(nameOrPath: string, base: BaseModel, out: string): void {
  const file = recipeFile(nameOrPath);
  const value = readRecipeValue(file);
  const original = parseRecipe(value, file);
  const model = 'path' in base
    ? { path: resolve(base.path) }
    : { encoder: resolve(base.encoder), lm: resolve(base.lm), featureLayer: original.model.featureLayer };
  const data = (value as { data?: Record<string, unknown> }).data ?? {};
  const derived = {
    ...(value as Record<string, unknown>),
    name: `${original.name} on ${'path' in base ? basename(model.path as string) : basename(model.lm as string)}`,
    model,
    data: { ...data, ...(original.data.folder !== undefined ? { folder: original.data.folder } : {}) },
  };
  parseRecipe(derived, out);
  writeFileSync(out, `${JSON.stringify(derived, null, 2)}\n`);
}

function readRecipeValue(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The YAML parser's message ends with a quote of the file around the problem: its line and column are enough.
    fail(file, `not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.replace(/:\n[\s\S]*$/, '')}`);
  }
  return value;
}

/** Validates a parsed recipe object; `file` names it in errors and anchors its relative paths. */
export function parseRecipe(value: unknown, file: string): Recipe {
  const parsed = recipeSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const messages = parsed.error.issues.flatMap(describeIssue);
    fail(file, messages.join(`\n${file}: `), fieldPath(parsed.error.issues[0]?.path ?? []));
  }
  return resolveRecipe(parsed.data, file);
}

/** `stages[1].lr` from a zod path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** The most of a string value an error quotes (a file that is not a recipe may parse as one long string). */
const QUOTED_CHARS = 80;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string' && value.length > QUOTED_CHARS) return `string ${JSON.stringify(value.slice(0, QUOTED_CHARS))}… (${value.length} characters)`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = fieldPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const field = `${at ? `${at}.` : ''}${key}`;
        const misplaced = misplacedField(key, stageKindAt(issue.path, input));
        return misplaced ? `"${field}" ${misplaced}` : `unknown field "${field}" (check its spelling; recipe fields are listed in resources/recipes/shapes-study.yaml)`;
      });
    case 'invalid_union':
      // A stage whose kind is none of the kinds: say which there are, as for any other value out of a list.
      if ('discriminator' in issue) return [`"${at}" must be one of ${STAGE_KINDS.map((k) => JSON.stringify(k)).join(', ')}, got ${describeValue((input as { kind?: unknown } | undefined)?.kind)}`];
      return [`"${at}": ${issue.message}, got ${describeValue(input)}`];
    case 'invalid_type':
      // zod refuses NaN and ±Infinity (YAML's .nan, .inf) as not numbers; say what they are.
      if (typeof input === 'number') return [`"${at}" must be a finite number, got ${input}`];
      return input === undefined
        ? [`"${at}" is missing (expected ${issue.expected})`]
        : [`${at ? `"${at}"` : 'the recipe'} must be ${issue.expected === 'array' ? 'a list' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`}, got ${describeValue(input)}`];
    case 'too_big':
      if (issue.origin === 'number') return [`"${at}" must be ${issue.inclusive ? 'at most' : 'below'} ${issue.maximum}, got ${describeValue(input)}`];
      return [`"${at}": ${issue.message}, got ${describeValue(input)}`];
    case 'invalid_value':
      return [`"${at}" must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`];
    default:
      return [`"${at}": ${issue.message}, got ${describeValue(input)}`];
  }
}

/** The kind of the stage an issue is about: a branch's is its key (`branches.sft`), a shared stage's its `kind`. */
function stageKindAt(path: readonly PropertyKey[], input: unknown): StageKind {
  if (path[0] === 'branches' && (path[1] === 'sft' || path[1] === 'dpo')) return path[1];
  const kind = (input as { kind?: unknown } | undefined)?.kind;
  return (STAGE_KINDS as readonly unknown[]).includes(kind) ? (kind as StageKind) : 'sft';
}

/** LLaVA's default vision_feature_layer, the penultimate block. */
const DEFAULT_FEATURE_LAYER = -2;

/** The vision_feature_layer of the LLaVA folder a recipe names; a folder that is not one is refused naming the field. */
function llavaFeatureLayer(dir: string, file: string): number {
  try {
    return readLlavaFolderConfig(dir).llava.featureLayer;
  } catch (err) {
    return fail(file, `"model.path": ${(err as Error).message}`, 'model.path');
  }
}

function resolveRecipe(r: ParsedRecipe, file: string): Recipe {
  const base = dirname(file);
  const path = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(base, p));
  const pretrained = r.model.encoder !== undefined || r.model.lm !== undefined;
  const ways = [r.model.preset !== undefined, r.model.path !== undefined, pretrained].filter(Boolean).length;
  if (ways !== 1 || (pretrained && (r.model.encoder === undefined || r.model.lm === undefined))) {
    fail(file, `"model" needs exactly one of "preset" (${MLLM_PRESET_NAMES.join(", ")}), "path" (a Hugging Face LLaVA folder) or both "encoder" and "lm" (Hugging Face folders).`, 'model');
  }
  if (r.model.path !== undefined && r.model.tokenizer !== undefined) {
    fail(file, '"model.tokenizer" cannot be set with "model.path": a LLaVA folder\'s own tokenizer goes with its image_token_index.', 'model.tokenizer');
  }
  const stages = r.stages.map((s, i) => resolveStage(s, s.kind, `stages[${i}]`, file));
  const branches: Partial<Record<Objective, Stage>> = {};
  for (const objective of ['sft', 'dpo'] as const) {
    const branch = r.branches[objective];
    if (branch) branches[objective] = resolveStage({ ...branch, name: branch.name ?? objective }, objective, `branches.${objective}`, file);
  }
  const names = [...stages, ...Object.values(branches)].map((s) => s.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) fail(file, `the stage name "${repeated}" is used twice; stage names name checkpoints and must be unique.`);
  if (!branches[r.objective]) fail(file, `"objective" is ${r.objective} but "branches.${r.objective}" is not defined.`, 'objective');
  const { preset, encoder, lm, tokenizer } = r.model;
  const modelPath = path(r.model.path);
  const featureLayer = r.model.featureLayer ?? (modelPath !== undefined ? llavaFeatureLayer(modelPath, file) : DEFAULT_FEATURE_LAYER);
  return {
    source: file,
    name: r.name ?? file,
    seed: r.seed,
    objective: r.objective,
    model: { ...(preset ? { preset } : {}), ...(modelPath ? { path: modelPath } : {}), ...(encoder ? { encoder: path(encoder) } : {}), ...(lm ? { lm: path(lm) } : {}), ...(tokenizer ? { tokenizer: path(tokenizer) } : {}), featureLayer },
    data: {
      ...(r.data.folder ? { folder: path(r.data.folder) } : {}),
      ...(r.data.shapes ? { shapes: r.data.shapes } : {}),
      includeTestSplit: r.data.includeTestSplit,
      ...(r.data.maxLength ? { maxLength: r.data.maxLength } : {}),
    },
    stages,
    branches,
    ...(r.sweep ? { sweep: resolveSweep(r.sweep, branches, file) } : {}),
  };
}

function resolveSweep(s: ParsedSweep, branches: Partial<Record<Objective, Stage>>, file: string): Sweep {
  const lists: [string, readonly unknown[] | undefined][] = [
    ['objectives', s.objectives], ['lr.sft', s.lr?.sft], ['lr.dpo', s.lr?.dpo], ['beta', s.beta], ['epochs', s.epochs], ['maxSteps', s.maxSteps], ['rejections', s.rejections], ['seeds', s.seeds],
  ];
  for (const [at, list] of lists) {
    const twice = list?.find((v, i) => list.indexOf(v) !== i);
    if (twice !== undefined) fail(file, `"sweep.${at}" lists ${String(twice)} twice; every grid value must be different.`, `sweep.${at}`);
  }
  for (const objective of s.objectives) {
    if (!branches[objective]) fail(file, `"sweep.objectives" includes ${objective} but "branches.${objective}" is not defined.`, 'sweep.objectives');
  }
  for (const objective of ['sft', 'dpo'] as const) {
    if (s.lr?.[objective] && !s.objectives.includes(objective)) {
      fail(file, `"sweep.lr.${objective}" is set but "sweep.objectives" (${s.objectives.join(', ')}) does not include ${objective}.`, `sweep.lr.${objective}`);
    }
  }
  for (const field of ['beta', 'rejections'] as const) {
    if (s[field] && !s.objectives.includes('dpo')) fail(file, `"sweep.${field}" applies to dpo only, but "sweep.objectives" is ${s.objectives.join(', ')}.`, `sweep.${field}`);
  }
  if (s.epochs && s.maxSteps) fail(file, `"sweep" sets both "epochs" and "maxSteps"; sweep one training length.`, 'sweep');
  return {
    objectives: [...s.objectives],
    lr: { ...(s.lr?.sft ? { sft: s.lr.sft } : {}), ...(s.lr?.dpo ? { dpo: s.lr.dpo } : {}) },
    ...(s.beta ? { beta: s.beta } : {}),
    ...(s.epochs ? { epochs: s.epochs } : {}),
    ...(s.maxSteps ? { maxSteps: s.maxSteps } : {}),
    ...(s.rejections ? { rejections: s.rejections } : {}),
    seeds: s.seeds,
  };
}

function resolveStage(s: ParsedStage | (ParsedBranch & { name: string }), kind: StageKind, at: string, file: string): Stage {
  if (s.epochs !== undefined && s.maxSteps !== undefined) fail(file, `"${at}" sets both "epochs" and "maxSteps"; set one.`, at);
  const problem = KIND_CHECKS[kind]?.(s, at);
  if (problem !== undefined) fail(file, problem, at);
  const beta = 'beta' in s && typeof s.beta === 'number' ? s.beta : undefined;
  const rejections = 'rejections' in s ? s.rejections : undefined;
  for (const part of MLLM_PARTS) {
    const field = PART_LR_FIELDS[part];
    if (s[field] !== undefined && !s.trainable.includes(part)) {
      fail(file, `"${at}.${field}" is set but "${at}.trainable" does not include the ${PART_NAMES[part]}.`, `${at}.${field}`);
    }
  }
  const subset = s.subset ?? { from: 0, to: 1 };
  const seed = 'seed' in s ? s.seed : undefined;
  const probeEvery = 'probeEvery' in s ? s.probeEvery : undefined;
  if (!(subset.from < subset.to)) fail(file, `"${at}.subset" must have from < to, got from ${subset.from}, to ${subset.to}.`, `${at}.subset`);
  return {
    name: s.name,
    kind,
    trainable: [...new Set(s.trainable)],
    lr: s.lr,
    encoderLr: s.encoderLr ?? s.lr,
    ...(s.projectorLr !== undefined ? { projectorLr: s.projectorLr } : {}),
    ...(s.lmLr !== undefined ? { lmLr: s.lmLr } : {}),
    epochs: s.epochs ?? 1,
    ...(s.maxSteps !== undefined ? { maxSteps: s.maxSteps } : {}),
    batchSize: s.batchSize,
    gradAccum: s.gradAccum,
    ...(s.activationCheckpointing ? { activationCheckpointing: true as const } : {}),
    warmupRatio: s.warmupRatio,
    weightDecay: s.weightDecay,
    clipNorm: s.clipNorm,
    beta: beta ?? 0.1,
    checkpointEvery: s.checkpointEvery,
    subset,
    ...(seed !== undefined ? { seed } : {}),
    // Absent when off, so runs started before this option still resume with the same stage.
    ...(probeEvery ? { probeEvery } : {}),
    // Only `model` is kept: a scripted branch resolves as before, so runs started before this option still resume.
    ...(rejections === 'model' ? { rejections } : {}),
  };
}

/**
 * The recipe as a run's settings change it (run-settings.json): its model replaced by the base model asked for, and
 * the `objective` branch's trainable parts, learning rates and β by those given. An LR for a part the branch does not
 * train is refused as in a recipe.
 */
export function withRunSettings(recipe: Recipe, objective: Objective, settings: RunSettings | null): Recipe {
  if (!settings) return recipe;
  const at = `run-settings.json of the run`;
  let model = recipe.model;
  if (settings.model) {
    // The recipe's tokenizer went with its model; the new one brings its own (or, a preset, the data's). A LLaVA folder
    // brings its own vision_feature_layer too.
    const featureLayer = 'path' in settings.model ? llavaFeatureLayer(settings.model.path, at) : recipe.model.featureLayer;
    model = { featureLayer, ...settings.model };
  }
  const branch = recipe.branches[objective];
  const given = settings.branch;
  if (!branch || !given) return { ...recipe, model };
  const trainable = given.trainable ?? branch.trainable;
  for (const part of MLLM_PARTS) {
    const field = PART_LR_FIELDS[part];
    if (given[field] !== undefined && !trainable.includes(part)) fail(at, `"${field}" is set but the trained parts (${trainable.join(', ')}) do not include the ${PART_NAMES[part]}.`, field);
  }
  const stage: Stage = {
    ...branch,
    trainable: [...new Set(trainable)],
    ...(given.lr !== undefined ? { lr: given.lr } : {}),
    ...(given.encoderLr !== undefined ? { encoderLr: given.encoderLr } : {}),
    ...(given.projectorLr !== undefined ? { projectorLr: given.projectorLr } : {}),
    ...(given.lmLr !== undefined ? { lmLr: given.lmLr } : {}),
    ...(given.beta !== undefined ? { beta: given.beta } : {}),
  };
  return { ...recipe, model, branches: { ...recipe.branches, [objective]: stage } };
}

/** Each part's own learning-rate field of a stage. */
export const PART_LR_FIELDS = { encoder: 'encoderLr', projector: 'projectorLr', lm: 'lmLr' } as const satisfies Record<MllmPart, string>;
const PART_NAMES: Record<MllmPart, string> = { encoder: 'encoder', projector: 'projector', lm: 'LM' };

/** The peak learning rate a stage trains `part` at: its own, else the stage's lr. */
export function partLr(stage: Stage, part: MllmPart): number {
  return stage[PART_LR_FIELDS[part]] ?? stage.lr;
}

/** The stages a run of `objective` goes through: the shared ones, then that branch. */
export function pipelineFor(recipe: Recipe, objective: Objective): Stage[] {
  const branch = recipe.branches[objective];
  if (!branch) fail(recipe.source, `no "branches.${objective}" stage; add one to train with ${objective}.`, `branches.${objective}`);
  return [...recipe.stages, branch];
}
