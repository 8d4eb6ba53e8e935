import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseParameters, qwen2Parameters, trainingBytes, vitParameters, type LmShape, type VitShape } from '../../../../src-main/engine/bench/parameter-count';
import { readSafetensors } from '../../../../src-main/engine/io/safetensors';

const fixture = (name: string) => new URL(`../../../fixtures/hf/${name}/`, import.meta.url);
const config = <T>(name: string) => JSON.parse(readFileSync(new URL('config.json', fixture(name)), 'utf8')) as T;
function countIn(name: string, skip: (key: string) => boolean = () => false): number {
  const { tensors } = readSafetensors(new URL('model.safetensors', fixture(name)).pathname);
  return Object.entries(tensors)
    .filter(([key]) => !skip(key))
    .reduce((n, [, t]) => n + t.data.length, 0);
}

describe('parameter counts from config fields', () => {
  it('match the tensors of the Hugging Face fixtures', () => {
    expect(vitParameters(config<VitShape>('clip-vision'), 'clip')).toBe(countIn('clip-vision', (k) => k.includes('position_ids')));
    expect(vitParameters(config<VitShape>('siglip-vision'), 'siglip')).toBe(countIn('siglip-vision', (k) => k.startsWith('head.')));
    expect(qwen2Parameters(config<LmShape>('qwen2-lm'))).toBe(countIn('qwen2-lm'));
  });

  it('put the base size near CLIP ViT-B/16 + Qwen2.5-0.5B, needing ~9 GB to train in float32', () => {
    expect(baseParameters()).toBeGreaterThan(575e6);
    expect(baseParameters()).toBeLessThan(585e6);
    expect(trainingBytes(baseParameters()) / 2 ** 30).toBeGreaterThan(8.5);
  });
});
