// The model card's data section for a run that made its own Shapes world: the world's size, image size and seed.
import { describe, expect, it } from 'vitest';
import { modelCard } from '../../../../src-main/engine/export/model-card';

describe('the model card of a Shapes run', () => {
  it('names the Shapes world made for the run', () => {
    const card = modelCard({
      source: {
        checkpoint: '/runs/1/checkpoints/sft-4', runDir: '/runs/1', stage: 'sft', step: 4, objective: 'sft', state: null,
        manifest: {
          recipe: 'shapes-quick.yaml', seed: 1, model: { preset: 'toy', featureLayer: -2 }, stages: {},
          data: { shapes: { count: 40, seed: 3, size: 32, difficulty: 'easy' }, includeTestSplit: false, resolvedFolder: '/runs/1/data' },
        },
      },
      architecture: 'SiglipVisionModel', modelType: 'siglip_vision_model', featureLayer: -2, numHiddenLayers: 3, baseModel: null, withProjector: false,
    });
    const data = card.slice(card.indexOf('## Data'), card.indexOf('## Objective'));
    expect(data).toBe(
      '## Data\n\nDataset folder `/runs/1/data` — a procedural Shapes world made for the run (40 images of 32 px, seed 3, difficulty easy): ' +
        'TRL preference pairs (image, question, chosen, rejected), captions for caption stages. Records of the test split were held out from training.\n\n',
    );
  });
});
