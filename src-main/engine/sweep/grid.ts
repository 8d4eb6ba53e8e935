// A recipe's sweep expanded into points: every combination of the branch's LR (per objective), DPO's β, the training
// length, DPO's rejection kind and the branch seed, each named after its settings so its checkpoints say what they are.
import { PivotError } from '../../../src-shared/errors';
import type { Objective, Recipe, RejectionKind, Stage, Sweep } from '../train';

/** How long a point trains: passes over its data, or exactly this many optimisation steps. */
export type SweepLength = { epochs: number } | { maxSteps: number };

/** One setting of the grid, the same for every branch seed. */
export interface SweepSetting {
  /** Its name: the objective and the values, e.g. `dpo-lr3e-5-b0.1-e3`. */
  setting: string;
  objective: Objective;
  lr: number;
  /** The branch's encoder LR scaled with its LR (their ratio is kept). */
  encoderLr: number;
  /** DPO only. */
  beta?: number;
  length: SweepLength;
  /** DPO only: where its rejected answers come from. */
  rejections?: RejectionKind;
}

/** A setting with one branch seed: one branch trained, one encoder measured. */
export interface SweepPoint extends SweepSetting {
  /** The stage name, unique in the run folder: the setting and the seed, e.g. `dpo-lr3e-5-b0.1-e3-s1`. */
  name: string;
  seed: number;
}

/** LRs as `3e-5`, `1.5e-4`, `2e0` (a stage name has no "+"). */
export function lrText(x: number): string {
  return x.toExponential().replace('e+', 'e');
}

function lengthText(length: SweepLength): string {
  return 'maxSteps' in length ? `steps${length.maxSteps}` : `e${length.epochs}`;
}

export function lengthWords(length: SweepLength): string {
  return 'maxSteps' in length ? `${length.maxSteps} steps` : `${length.epochs} epoch${length.epochs === 1 ? '' : 's'}`;
}

/** Scripted rejections leave the name as it was before this axis existed, so older sweep folders still resume. */
const rejectionText = (r: RejectionKind | undefined) => (r === 'model' ? '-model' : '');

function settingsOf(objective: Objective, branch: Stage, sweep: Sweep): SweepSetting[] {
  const lrs = sweep.lr[objective] ?? [branch.lr];
  const betas = objective === 'dpo' ? (sweep.beta ?? [branch.beta]) : [undefined];
  const rejectionKinds: (RejectionKind | undefined)[] = objective === 'dpo' ? (sweep.rejections ?? [branch.rejections ?? 'scripted']) : [undefined];
  const lengths: SweepLength[] = sweep.maxSteps
    ? sweep.maxSteps.map((maxSteps) => ({ maxSteps }))
    : sweep.epochs
      ? sweep.epochs.map((epochs) => ({ epochs }))
      : [branch.maxSteps !== undefined ? { maxSteps: branch.maxSteps } : { epochs: branch.epochs }];
  return lrs.flatMap((lr) =>
    betas.flatMap((beta) =>
      lengths.flatMap((length) =>
        rejectionKinds.map((rejections): SweepSetting => ({
          setting: `${objective}-lr${lrText(lr)}${beta === undefined ? '' : `-b${beta}`}-${lengthText(length)}${rejectionText(rejections)}`,
          objective,
          lr,
          encoderLr: lr * (branch.encoderLr / branch.lr),
          ...(beta === undefined ? {} : { beta }),
          length,
          ...(rejections === undefined ? {} : { rejections }),
        })),
      ),
    ),
  );
}

/**
 * The grid's points, seeds outermost: the first pass finishes one seed of every setting before the next seed
 * starts, so a sweep stopped half-way already covers the whole grid.
 */
export function sweepPoints(recipe: Recipe): SweepPoint[] {
  const sweep = recipe.sweep;
  if (!sweep) {
    throw new PivotError('INVALID_CONFIG', `${recipe.source} has no "sweep" block; add one (resources/recipes/shapes-sweep.yaml shows every field) or train it with pivot train.`, {
      file: recipe.source, field: 'sweep',
    });
  }
  const settings = sweep.objectives.flatMap((objective) => settingsOf(objective, recipe.branches[objective] as Stage, sweep));
  return sweep.seeds.flatMap((seed) => settings.map((s) => ({ ...s, name: `${s.setting}-s${seed}`, seed })));
}
