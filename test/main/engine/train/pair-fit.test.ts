// The pair check a run gets before it is recorded (issue 12, bug 9): with the shapes-quick recipe's toy model
// (context 128, 16 image tokens, the Shapes tokenizer) a pair too long, one with words the tokenizer lacks and one
// whose image does not decode are named with their reason; a Shapes pair passes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { createPresetMllm } from '../../../../src-main/engine/models/mllm';
import { shapesTokenizerFiles } from '../../../../src-main/engine/train/run-data';
import { checkPairFit, type PairToCheck } from '../../../../src-main/engine/train/pair-fit';
import { removeTemp, tempFolder } from './helpers';

const dir = tempFolder('pair-fit');
afterAll(() => removeTemp(dir));

describe('checkPairFit', () => {
  it('names each pair that cannot be trained on, by id, with its reason', async () => {
    const image = join(dir, 'white.png');
    const { default: sharp } = await import('sharp');
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#ffffff' } }).png().toFile(image);
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'not an image');
    const good = { image, question: 'How many purple objects are there?', chosen: 'There are no purple objects.', rejected: 'There is 1 purple object.' };
    const pairs: PairToCheck[] = [
      { id: 1, ...good },
      { id: 2, ...good, chosen: Array(40).fill('There are no purple objects.').join(' ') },
      { id: 3, ...good, question: 'Which quasar emits this?' },
      { id: 4, ...good, image: broken },
    ];

    const report = await checkPairFit({ recipe: 'shapes-quick', objective: 'dpo', pairs });

    expect(report.model).toMatchObject({ name: 'preset toy', tokenizer: 'the built-in Shapes tokenizer', maxLength: 128, imageTokenCount: 16 });
    expect(report.checked).toBe(4);
    // Counted from the configs alone: projector and LM as the built toy model holds them; the encoder whole (3 blocks),
    // and its final layer norm, as its config.json counts it, where the MLLM builds the 2 blocks up to its feature layer (−2).
    await selectBackend('cpu');
    const built = createPresetMllm('toy', { tokenizerFiles: shapesTokenizerFiles().files, tokenizerSource: 'shapes', seed: 0 });
    const count = (part: 'encoder' | 'projector' | 'lm') => built.namedVariables(part).reduce((sum, [, v]) => sum + v.size, 0);
    const block = 4 * (64 * 64 + 64) + 2 * 64 * 128 + 128 + 64 + 4 * 64;
    expect(report.model.parameters).toEqual({ encoder: count('encoder') + block + 2 * 64, projector: count('projector'), lm: count('lm') });
    const { weights, gradients, optimizerState, activations, total } = report.model.memory;
    // The estimate's weights are the float32 bytes of what the forward uses (its encoder's unused final layer norm apart).
    expect(weights / 4 - (count('encoder') + count('projector') + count('lm'))).toBe(2 * 64);
    built.dispose();
    expect(total).toBe(weights + gradients + optimizerState + activations);
    expect(report.unfit.map((u) => [u.id, u.reason])).toEqual([[2, 'too-long'], [3, 'unknown-words'], [4, 'image-unreadable']]);
    // 40 × 6 answer words, the prompt, the end token and 15 more image positions: well over 128.
    const tooLong = report.unfit[0];
    expect(tooLong?.tokensOver).toBeGreaterThan(100);
    expect(tooLong?.message).toMatch(/^Record "pair 2(:caption)?" needs \d+ tokens .* but maxLength is 128/);
    expect(report.unfit[1]?.message).toContain('has words the built-in Shapes tokenizer/tokenizer.json does not know');
    expect(report.unfit[2]?.message).toContain(`its image ${broken} cannot be read`);
  });
});
