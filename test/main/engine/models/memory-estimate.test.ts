// The training-memory estimate against numbers worked out by hand for a toy shape, the spec of the built-in presets,
// and the refusal's message naming every term and what to change.
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { PivotError } from '../../../../src-shared/errors';
import {
  availableMemoryFor, checkTrainingFits, estimateTrainingMemory, memoryEstimateOf, memorySpecOfModel, type TrainingMemoryInput,
} from '../../../../src-main/engine/models/memory-estimate';

/** Two vision blocks of 3 tokens (width 4, 2 heads, MLP 8), one LM block over 5 positions (width 4, 2 heads, 1 KV head, MLP 6, vocab 10). */
const TOY: TrainingMemoryInput = {
  encoder: { parameters: 1000, trainable: 1000, hiddenSize: 4, layers: 2, tokens: 3, heads: 2, intermediateSize: 8 },
  projector: { parameters: 100, trainable: 100 },
  lm: { parameters: 2000, trainable: 0, hiddenSize: 4, layers: 1, heads: 2, kvHeads: 1, intermediateSize: 6, vocabSize: 10 },
  batchRows: 2,
  sequenceLength: 5,
  activationCheckpointing: false,
  optimizer: 'adamw',
};

describe('estimateTrainingMemory', () => {
  it('counts weights of every part, gradients and two AdamW moments of the trainable ones only, all float32', () => {
    const estimate = estimateTrainingMemory(TOY);
    expect(estimate.weights).toBe(3100 * 4);
    expect(estimate.gradients).toBe(1100 * 4);
    expect(estimate.optimizerState).toBe(2 * 1100 * 4);
  });

  it('counts the activations each op keeps for the backward, per row', () => {
    // Vision block: 8·T·h = 96, 2·T·I = 48, scores 2·H·T² = 36 → 180.
    // LM block: 9·L·d = 180, 3·L·e = 30 (e = 1 KV head × 2), 4·L·I = 120, repeated K/V 2·L·d = 40, 4·H·L² = 200 → 570.
    // Blocks 2·180 + 570 = 930; projector T·(h + 2d) = 36; embeddings T·h + 3·L·d = 72, all twice (their gradients
    // live until the backward ends) and 4× for the composed ops' extra outputs; logits 3·L·V = 150.
    const perRow = 2 * 4 * (930 + 36 + 72) + 150;
    const estimate = estimateTrainingMemory(TOY);
    expect(estimate.activations).toBe(2 * perRow * 4);
    expect(estimate.total).toBe(12_400 + 4400 + 8800 + 2 * perRow * 4);
  });

  it('with activation checkpointing keeps each block\'s input and one block recomputed at a time', () => {
    // Block inputs 2·T·h + L·d = 24 + 20, plus the larger block (the LM's 570).
    const perRow = 2 * 4 * (24 + 20 + 570 + 36 + 72) + 150;
    expect(estimateTrainingMemory({ ...TOY, activationCheckpointing: true }).activations).toBe(2 * perRow * 4);
  });

  it('with the fused kernels keeps a logsumexp instead of the attention weights and no log-softmax', () => {
    // Vision attention T·h + H·T = 18 → block 162; LM attention L·d + H·L = 30 → block 360; logits 2·L·V = 100.
    const perRow = 2 * (2 * 162 + 360 + 36 + 72) + 100;
    expect(estimateTrainingMemory({ ...TOY, fusedKernels: true }).activations).toBe(2 * perRow * 4);
  });

  it('counts a tied head\'s transposed table, and the table\'s three partial gradients when the LM trains, whatever the batch', () => {
    const extra = (lm: TrainingMemoryInput['lm'], batchRows: number) =>
      estimateTrainingMemory({ ...TOY, batchRows, lm: { ...lm, tiedEmbeddings: true } }).activations - estimateTrainingMemory({ ...TOY, batchRows, lm }).activations;
    expect(extra(TOY.lm, 2)).toBe(10 * 4 * 4);
    expect(extra({ ...TOY.lm, trainable: 2000 }, 2)).toBe(4 * 10 * 4 * 4);
    expect(extra({ ...TOY.lm, trainable: 2000 }, 1)).toBe(4 * 10 * 4 * 4);
  });

  it('holds the step\'s gradient sum beside one pass\'s gradients when accumulating', () => {
    expect(estimateTrainingMemory({ ...TOY, gradAccum: 4 }).gradients).toBe(2 * 1100 * 4);
    expect(estimateTrainingMemory({ ...TOY, gradAccum: 1 }).gradients).toBe(1100 * 4);
  });
});

describe('memoryEstimateOf', () => {
  const spec = {
    encoder: { hidden_size: 4, intermediate_size: 8, num_hidden_layers: 3, num_attention_heads: 2, numPatches: 2 },
    classToken: true,
    lm: { hidden_size: 4, intermediate_size: 6, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, vocab_size: 10, head_dim: 2 },
    featureLayer: -2,
    parameters: { encoder: 1000, projector: 100, lm: 2000 },
  };

  it('runs the encoder up to the feature layer, counts its class token, and trains only the stage\'s parts', () => {
    const input = memoryEstimateOf(spec, { trainable: ['encoder', 'projector'], batchRows: 2, sequenceLength: 5, activationCheckpointing: false });
    expect(input).toEqual({ ...TOY, lm: { ...TOY.lm, headDim: 2 } });
    expect(memoryEstimateOf({ ...spec, featureLayer: 3 }, { trainable: ['lm'], batchRows: 1, sequenceLength: 5, activationCheckpointing: true }).encoder)
      .toEqual({ ...TOY.encoder, layers: 3, trainable: 0 });
    expect(memoryEstimateOf({ ...spec, lm: { ...spec.lm, tie_word_embeddings: true } }, { trainable: ['lm'], batchRows: 1, sequenceLength: 5, activationCheckpointing: false }).lm.tiedEmbeddings)
      .toBe(true);
  });

  it('counts a built model\'s parameters from the variables of each part', () => {
    const sizes = { encoder: [600, 400], projector: [100], lm: [1500, 500] } as const;
    const model = {
      encoder: { config: spec.encoder, hasClassToken: true },
      lm: { config: spec.lm },
      config: { featureLayer: -2 },
      variables: (part: keyof typeof sizes) => sizes[part].map((size) => ({ size })),
    };
    expect(memorySpecOfModel(model)).toEqual(spec);
  });
});

describe('checkTrainingFits', () => {
  const estimate = estimateTrainingMemory(TOY);

  it('passes an estimate within the memory', () => {
    expect(() => checkTrainingFits(estimate, { bytes: estimate.total, source: 'the test\'s memory' }, 'stage "sft"')).not.toThrow();
  });

  it('refuses one past it, naming every term and what to change', () => {
    const refusal = (() => {
      try {
        checkTrainingFits({ weights: 2 ** 30, gradients: 2 ** 29, optimizerState: 2 ** 30, activations: 3 * 2 ** 30, total: 5.5 * 2 ** 30 },
          { bytes: 4 * 2 ** 30, source: 'the wasm backend\'s 4.00 GiB heap' }, 'stage "sft"');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(PivotError);
    expect((refusal as PivotError).code).toBe('INVALID_CONFIG');
    expect((refusal as PivotError).message).toBe(
      'stage "sft": training needs about 5.50 GiB (weights 1.00 GiB + gradients 512.0 MiB + AdamW state 1.00 GiB + ' +
        'activations 3.00 GiB = 5.50 GiB) but that is more than the wasm backend\'s 4.00 GiB heap. To fit: lower batchSize and raise ' +
        'gradAccum to keep the same step (activations scale with the batch), set activationCheckpointing: true (keeps one ' +
        'block\'s activations instead of all), or train fewer parts in "trainable" (a frozen part needs no gradients nor AdamW ' +
        'state); a shorter data.maxLength also shrinks the activations.',
    );
  });
});

describe('availableMemoryFor', () => {
  it('is the GPU\'s memory on cuda, 4 GiB on wasm, this machine\'s RAM elsewhere', () => {
    expect(availableMemoryFor('cuda', 80 * 2 ** 30)).toEqual({ bytes: 80 * 2 ** 30, source: 'the GPU\'s 80.00 GiB' });
    expect(availableMemoryFor('wasm').bytes).toBe(4 * 2 ** 30);
    expect(availableMemoryFor('native').bytes).toBe(totalmem());
    expect(availableMemoryFor('cuda').bytes).toBe(totalmem());
  });
});
