// The study's third phase: Grad-CAM focus on the world's test pairs — the base MLLM under each objective's loss, each
// branch's model under its own (the study's projector variant), and standard Grad-CAM on the encoder's feature
// layer for the SFT and DPO models on the same pairs.
import type { GradcamMethod } from '../analysis/gradcam';
import { gradcamFocus, type GradcamFocusResult } from '../analysis/gradcam-focus';
import { hiddenStateIndex } from '../models/clip/encoder';
import { openMllm } from '../eval/open-mllm';
import type { Mllm } from '../models/mllm/model';
import type { Objective } from '../train';
import type { Lap } from './phase-timer';
import type { Column } from './report-json';

/** The study's Grad-CAM variant: the gradient at the projector output. */
export const GRADCAM_METHOD = 'projector-l1' as const;

export interface GradcamMeasured {
  /** The study's variant: the base MLLM under the SFT and the DPO loss, each branch's model under its own. */
  variant: { baseSft: GradcamFocusResult; baseDpo: GradcamFocusResult; sft: GradcamFocusResult; dpo: GradcamFocusResult };
  /** Standard Grad-CAM (method `layer`) on encoder hidden state `layer`. */
  standard: { layer: number; sft: GradcamFocusResult; dpo: GradcamFocusResult };
}

/** Both Grad-CAMs of both branches' models; `base` is the loaded base MLLM (the caller disposes it). */
export async function measureGradcam(base: Mllm, checkpoints: Record<Column, string>, world: string, samples: number, lap: Lap): Promise<GradcamMeasured> {
  const focus = (model: Mllm, objective: Objective, reference?: Mllm, method: GradcamMethod = GRADCAM_METHOD) =>
    gradcamFocus(model, world, { method, objective, samples, ...(reference ? { reference } : {}) });
  const baseSft = await lap('gradcam original (sft loss)', () => focus(base, 'sft'));
  const baseDpo = await lap('gradcam original (dpo loss)', () => focus(base, 'dpo'));
  const sftModel = await openMllm(checkpoints.sft);
  let sft: GradcamFocusResult;
  let sftStandard: GradcamFocusResult;
  // Standard Grad-CAM explains the feature layer: the last hidden state whose tokens reach the projector.
  const layer = hiddenStateIndex(sftModel.config.featureLayer, sftModel.encoder.config.num_hidden_layers);
  try {
    sft = await lap('gradcam sft', () => focus(sftModel, 'sft'));
    sftStandard = await lap('gradcam sft (standard)', () => focus(sftModel, 'sft', undefined, 'layer'));
  } finally {
    sftModel.dispose();
  }
  const dpoModel = await openMllm(checkpoints.dpo);
  let dpo: GradcamFocusResult;
  let dpoStandard: GradcamFocusResult;
  try {
    // DPO's loss against its training reference: the base MLLM the branch started from.
    dpo = await lap('gradcam dpo', () => focus(dpoModel, 'dpo', base));
    dpoStandard = await lap('gradcam dpo (standard)', () => focus(dpoModel, 'dpo', base, 'layer'));
  } finally {
    dpoModel.dispose();
  }
  return { variant: { baseSft, baseDpo, sft, dpo }, standard: { layer, sft: sftStandard, dpo: dpoStandard } };
}
