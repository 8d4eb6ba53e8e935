// The export's self-check: when the folder written does not reproduce the encoder (simulated by corrupting one weight
// as it is saved), the export fails with a clear error and leaves nothing behind — and an existing folder untouched.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { exportEncoder } from '../../../../src-main/engine/export';
import { readSafetensors, writeSafetensors } from '../../../../src-main/engine/io/safetensors';
import { createPresetMllm, saveMllm } from '../../../../src-main/engine/models/mllm';
import { removeTemp, tempFolder } from '../train/helpers';

const corruption = vi.hoisted(() => ({ on: false }));

vi.mock('../../../../src-main/engine/models/hf/save-vision-model', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../../src-main/engine/models/hf/save-vision-model')>();
  return {
    ...original,
    async saveVisionModel(...args: Parameters<typeof original.saveVisionModel>): Promise<void> {
      await original.saveVisionModel(...args);
      if (!corruption.on) return;
      // One weight off by 1 %: what a bad disk or a wrong layout conversion would do.
      const file = join(args[1], 'model.safetensors');
      const { tensors } = readSafetensors(file);
      const weight = tensors['encoder.layers.0.mlp.fc1.weight']!;
      const data = Float32Array.from(weight.data as Float32Array).map((v) => v * 1.01);
      const out = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: k === 'encoder.layers.0.mlp.fc1.weight' ? data : (t.data as Float32Array) }]));
      writeFileSync(file, writeSafetensors(out, { format: 'pt' }));
    },
  };
});

const root = tempFolder('export-check');
const checkpoint = join(root, 'checkpoint');

beforeAll(async () => {
  await selectBackend('cpu');
  const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 6 });
  await saveMllm(model, checkpoint);
  model.dispose();
});
afterAll(() => removeTemp(root));

describe('a corrupted export', () => {
  it('fails naming the mismatch and leaves no folder (nor a temporary one)', async () => {
    corruption.on = true;
    const out = join(root, 'export');
    await expect(exportEncoder({ checkpoint, out, withProjector: true })).rejects.toThrow(/Export check failed: .* does not reproduce the run's encoder \(max relative error [\d.e-]+ /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['checkpoint']);
  });

  it('leaves a folder it was asked to replace as it was', async () => {
    corruption.on = true;
    const out = join(root, 'kept');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await expect(exportEncoder({ checkpoint, out, force: true })).rejects.toThrow(/Export check failed/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('succeeds once the weights are written faithfully', async () => {
    corruption.on = false;
    const report = await exportEncoder({ checkpoint, out: join(root, 'kept'), force: true });
    expect(report.maxRelativeError).toBe(0);
    expect(readdirSync(join(root, 'kept'))).not.toContain('notes.txt');
  });
});
