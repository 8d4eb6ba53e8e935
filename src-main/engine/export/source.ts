// Which checkpoint an export reads: a checkpoint folder as given, or the post-trained one of a run folder (from its
// state.json and recipe.json), with what the run says about it — the stage, its objective, the resolved recipe.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OBJECTIVES } from '../../../src-shared/domain/runs';
import { PivotError } from '../../../src-shared/errors';
import { isLlavaFolder } from '../models/llava/load';
import { MLLM_CONFIG_FILE } from '../models/mllm/config';
import type { Objective } from '../train/api';
import { readRunManifest, type RunManifest } from '../run-folder/manifest';
import { readRunState, STATE_FILE, type RunState } from '../run-folder/state';
import { readTrainerState } from '../run-folder/trainer-state';

export interface ExportSource {
  /** Absolute path of the MLLM checkpoint folder. */
  checkpoint: string;
  /** The run folder holding it, when it sits in one (`<run>/checkpoints/<stage>-<step>`). */
  runDir: string | null;
  /** The stage that wrote the checkpoint, and its optimisation step, when known. */
  stage: string | null;
  step: number | null;
  /** sft or dpo when that stage is a post-training stage of that kind. */
  objective: Objective | null;
  manifest: RunManifest | null;
  state: RunState | null;
}

/** Where `pivot runs import` puts the LLaVA folder in a run's folder. */
const IMPORTED_CHECKPOINT = 'checkpoint';

/** Whether a stage of `kind` is a post-training branch, whose objective the export reports. */
function isObjective(kind: string | undefined): kind is Objective {
  return (OBJECTIVES as readonly (string | undefined)[]).includes(kind);
}

/** A checkpoint folder (written by `saveMllm` or a training run), and its run folder when it is inside one. */
export function sourceFromCheckpoint(dir: string): ExportSource {
  const checkpoint = resolve(dir);
  if (isLlavaFolder(checkpoint)) return { checkpoint, runDir: null, stage: null, step: null, objective: null, manifest: null, state: null };
  if (!existsSync(join(checkpoint, MLLM_CONFIG_FILE))) {
    throw new PivotError('INVALID_REQUEST', `${checkpoint} is not an MLLM checkpoint (no ${MLLM_CONFIG_FILE}, nor a LLaVA config.json); pass a folder under <run>/checkpoints/, or the run folder with --run.`);
  }
  const parent = dirname(checkpoint);
  const runDir = basename(parent) === 'checkpoints' && existsSync(join(dirname(parent), STATE_FILE)) ? dirname(parent) : null;
  const manifest = runDir ? readRunManifest(runDir) : null;
  const trainer = readTrainerState(checkpoint);
  const named = /^(.+)-(\d+)$/.exec(basename(checkpoint));
  const stage = trainer?.stage ?? named?.[1] ?? null;
  const step = trainer?.step ?? (named ? Number(named[2]) : null);
  const kind = stage !== null ? manifest?.stages[stage]?.kind : undefined;
  return {
    checkpoint, runDir, stage, step, manifest, state: runDir ? readRunState(runDir) : null,
    objective: isObjective(kind) ? kind : null,
  };
}

/**
 * The checkpoint a run folder offers: the named stage's latest, else its finished post-training stage (sft or dpo;
 * `objective` picks one when both branches were trained there), else its last finished stage.
 */
export function sourceFromRun(runDir: string, choose: { stage?: string; objective?: Objective } = {}): ExportSource {
  const dir = resolve(runDir);
  const state = readRunState(dir);
  // An imported run (`pivot runs import`) trained nowhere here: its checkpoint is the LLaVA folder it brought.
  const imported = join(dir, IMPORTED_CHECKPOINT);
  if (!state && isLlavaFolder(imported)) return { ...sourceFromCheckpoint(imported), runDir: dir };
  if (!state || Object.keys(state.stages).length === 0) {
    throw new PivotError('INVALID_REQUEST', `${dir} holds no trained stage (no state.json with stages): train the run first, or pass a checkpoint folder with --checkpoint.`);
  }
  const manifest = readRunManifest(dir);
  const order = [...new Set([...Object.keys(manifest?.stages ?? {}), ...Object.keys(state.stages)])];
  const kindOf = (name: string) => manifest?.stages[name]?.kind;
  let stage: string;
  if (choose.stage !== undefined) {
    if (!state.stages[choose.stage]) {
      throw new PivotError('INVALID_REQUEST', `${dir} has no stage "${choose.stage}"; it has ${order.filter((s) => state.stages[s]).join(', ')}.`);
    }
    stage = choose.stage;
  } else {
    const done = order.filter((s) => state.stages[s]?.status === 'done');
    const branches = done.filter((s) => isObjective(kindOf(s)) && (choose.objective === undefined || kindOf(s) === choose.objective));
    const kinds = [...new Set(branches.map(kindOf))];
    if (choose.objective !== undefined && branches.length === 0) {
      throw new PivotError('INVALID_REQUEST', `${dir} has no finished ${choose.objective} stage (finished: ${done.join(', ') || 'none'}).`);
    }
    if (kinds.length > 1) {
      throw new PivotError('INVALID_REQUEST', `${dir} holds both an sft and a dpo branch (${branches.join(', ')}): say which to export (--objective sft|dpo, or --stage NAME).`);
    }
    const last = branches.at(-1) ?? done.at(-1);
    if (last === undefined) {
      throw new PivotError('INVALID_REQUEST', `${dir} has no finished stage yet; name an unfinished one with --stage to export its latest checkpoint.`);
    }
    stage = last;
  }
  const source = sourceFromCheckpoint(join(dir, (state.stages[stage] as { checkpoint: string }).checkpoint));
  const kind = kindOf(stage);
  const objective = isObjective(kind) ? kind : null;
  return { ...source, runDir: dir, stage, objective, manifest, state };
}
