// Each column of the study's table is the measurement of the checkpoint it names: the measure phase on three toy
// checkpoints that measure differently (the DPO one's encoder broken: weights zeroed) gives every column what
// measuring its own checkpoint directly gives, and the rows builder puts each column's measurements in its cells.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradcamFocusResult } from '../../../../src-main/engine/analysis/gradcam-focus';
import { QA_PROTOCOL, type QaAccuracyResult } from '../../../../src-main/engine/eval/qa-accuracy';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import * as tf from '../../../../src-main/engine/backend/tf';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { createPresetMllm, loadMllm, saveMllm } from '../../../../src-main/engine/models/mllm';
import { shapesWorldDataset, type ProbeDataset } from '../../../../src-main/engine/probes/image-folder';
import { COLUMNS, type Column } from '../../../../src-main/engine/study';
import {
  EncoderImages, loadEncoderFolder, measureAlignment, measureLinear, measureLinearWithProjector, measureSegmentation, type AlignmentLm,
} from '../../../../src-main/engine/study/measure-encoder';
import { measureEncoders, type Measured } from '../../../../src-main/engine/study/measure-encoders';
import type { GradcamMeasured } from '../../../../src-main/engine/study/measure-gradcam';
import type { QaByColumn } from '../../../../src-main/engine/study/qa-row';
import { studyRows } from '../../../../src-main/engine/study/study-rows';
import type { TrainedBranches } from '../../../../src-main/engine/study/train-branches';
import { removeTemp, tempFolder } from '../train/helpers';

const root = tempFolder('study-columns');
afterAll(() => removeTemp(root));

let measured: Record<Column, Measured>;

describe('measureEncoders', () => {
  let dataset: ProbeDataset;
  let branches: TrainedBranches;

  beforeAll(async () => {
    await selectBackend('cpu');
    const world = join(root, 'world');
    await writeShapesWorld({ out: world, count: 12, seed: 7, size: 32, difficulty: 'easy' });
    dataset = await shapesWorldDataset(world);
    // Three toy MLLMs of different seeds; the DPO one's encoder answers the same for every image.
    const seeds: Record<Column, number> = { original: 1, sft: 2, dpo: 3 };
    const checkpoints = {} as Record<Column, string>;
    for (const column of COLUMNS) {
      const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: seeds[column] });
      if (column === 'dpo') for (const v of model.variables('encoder')) v.assign(tf.zerosLike(v));
      checkpoints[column] = join(root, column);
      await saveMllm(model, checkpoints[column]);
      model.dispose();
    }
    const source = (column: Column) => ({ column, stage: column, checkpoint: checkpoints[column], encoder: join(checkpoints[column], 'encoder'), note: column });
    branches = { baseStage: 'original', checkpoints, encoders: { original: source('original'), sft: source('sft'), dpo: source('dpo') } };
  });

  it('measures each column\'s own checkpoint, as measuring that checkpoint directly gives', async () => {
    const base = await loadMllm(branches.checkpoints.original);
    try {
      measured = await measureEncoders(branches, base, dataset, [0], (_name, phase) => phase(), () => {});
      const lm: AlignmentLm = { model: base.lm, encode: (t) => base.tokenizer.encode(t), padId: base.padTokenId, source: 'base LM' };
      for (const column of COLUMNS) {
        const encoder = await loadEncoderFolder(branches.encoders[column].encoder);
        const mllm = await loadMllm(branches.checkpoints[column]);
        try {
          const images = new EncoderImages(encoder, dataset);
          expect(measured[column].linear.result, column).toEqual((await measureLinear(images, [0])).result);
          expect(measured[column].linearProjector.result, column).toEqual((await measureLinearWithProjector(images, mllm, [0])).result);
          expect(measured[column].segmentation.result, column).toEqual((await measureSegmentation(images, [0])).result);
          expect(measured[column].alignment.result, column).toEqual((await measureAlignment(images, lm)).result);
        } finally {
          encoder.model.dispose();
          mllm.dispose();
        }
      }
    } finally {
      base.dispose();
    }
    // The three checkpoints measure differently, so a column showing another's numbers cannot pass: the broken DPO
    // encoder (constant features) probes at the majority-class level.
    const { dpo, sft, original } = measured;
    expect(dpo.linear.result.accuracy.mean).toBe(dpo.linear.result.chance.majority);
    for (const other of [original, sft]) {
      expect(dpo.linearProjector.result.accuracy.perSeed).not.toEqual(other.linearProjector.result.accuracy.perSeed);
    }
    for (const [a, b] of [[original, sft], [original, dpo], [sft, dpo]] as const) {
      expect(a.segmentation.result.mIoU.perSeed).not.toEqual(b.segmentation.result.mIoU.perSeed);
      expect(a.alignment.result).not.toEqual(b.alignment.result);
    }
  }, 120_000);
});

/** A Grad-CAM focus result whose only telling number is its mean. */
function focus(mean: number): GradcamFocusResult {
  return { mean, std: 0.01, n: 2, perSample: [mean, mean], chance: 0.1, skipped: 0, method: 'projector-l1', objective: 'sft', split: 'test', gridH: 4, gridW: 4, samples: [] };
}

/** A QA accuracy result whose only telling number is its accuracy. */
function qaOf(accuracy: number): QaAccuracyResult {
  return { n: 10, correct: accuracy * 10, accuracy, se: 0.1, chance: 0.25, protocol: QA_PROTOCOL, folder: root, split: 'test', perKind: {}, samples: [] };
}

describe('studyRows', () => {
  it('puts each column\'s measurements in that column\'s cells', () => {
    const gradcam: GradcamMeasured = {
      variant: { baseSft: focus(0.11), baseDpo: focus(0.12), sft: focus(0.13), dpo: focus(0.14) },
      standard: { layer: 2, sft: focus(0.15), dpo: focus(0.16) },
    };
    const qa: QaByColumn = { original: qaOf(0.3), sft: qaOf(0.5), dpo: qaOf(0.7) };
    const rows = Object.fromEntries(studyRows(measured, gradcam, qa).map((r) => [r.key, r.cells]));
    for (const column of COLUMNS) {
      const m = measured[column];
      expect(rows.linear![column]!.values, column).toEqual(m.linear.result.accuracy.perSeed);
      expect(rows.linearProjector![column]!.values, column).toEqual(m.linearProjector.result.accuracy.perSeed);
      expect(rows.segRecall![column]!.values, column).toEqual(m.segmentation.result.macroRecall.perSeed);
      expect(rows.mIoU![column]!.values, column).toEqual(m.segmentation.result.mIoU.perSeed);
      expect(rows.alignment![column]!.mean, column).toBe(m.alignment.result.max.score);
      expect(rows.qa![column]!.mean, column).toBe(qa[column].accuracy);
    }
    expect(rows.focus).toMatchObject({ original: null, sft: { mean: 0.13 }, dpo: { mean: 0.14 } });
    expect(rows.focusSftLoss).toMatchObject({ original: { mean: 0.11 }, sft: { mean: 0.13 }, dpo: null });
    expect(rows.focusDpoLoss).toMatchObject({ original: { mean: 0.12 }, sft: null, dpo: { mean: 0.14 } });
    expect(rows.focusStandard).toMatchObject({ original: null, sft: { mean: 0.15 }, dpo: { mean: 0.16 } });
  });
});
