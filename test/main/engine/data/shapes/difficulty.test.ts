// Difficulty specs: presets, overrides, and errors that name the bad knob or value.

import { describe, expect, it } from 'vitest';
import { DIFFICULTY_PRESETS, formatDifficulty, parseDifficulty } from '../../../../../src-main/engine/data/shapes';

describe('parseDifficulty', () => {
  it('defaults to the medium preset', () => {
    expect(parseDifficulty(undefined)).toEqual(DIFFICULTY_PRESETS.medium);
    expect(parseDifficulty('')).toEqual(DIFFICULTY_PRESETS.medium);
    expect(parseDifficulty(undefined)).toEqual({
      preset: 'medium',
      objects: { min: 3, max: 5 },
      objectSize: { min: 8, max: 16 },
      sharedColors: 0.45,
      sharedShapes: 0.4,
      clutter: { min: 2, max: 6 },
      noise: 0.06,
      occlusion: 0.2,
      positionQuestions: 0,
    });
  });

  it('resolves each preset by name, case-insensitively', () => {
    expect(parseDifficulty('easy')).toEqual(DIFFICULTY_PRESETS.easy);
    expect(parseDifficulty('HARD')).toEqual(DIFFICULTY_PRESETS.hard);
    expect(parseDifficulty('easy').objects).toEqual({ min: 2, max: 3 });
    expect(parseDifficulty('hard').objects).toEqual({ min: 4, max: 7 });
  });

  it('applies overrides on top of a preset, or on the default without one', () => {
    const d = parseDifficulty('medium, objects=3-6 ,noise=0.1,clutter=0,objectsize=10');
    expect(d).toEqual({ ...DIFFICULTY_PRESETS.medium, objects: { min: 3, max: 6 }, noise: 0.1, clutter: { min: 0, max: 0 }, objectSize: { min: 10, max: 10 } });
    expect(parseDifficulty('noise=0.2')).toEqual({ ...DIFFICULTY_PRESETS.medium, noise: 0.2 });
    expect(parseDifficulty('hard,sharedColors=0').sharedColors).toBe(0);
    expect(parseDifficulty('easy,occlusion=.3').occlusion).toBe(0.3);
  });

  it('does not let overrides leak into the presets', () => {
    parseDifficulty('medium,objects=1-2');
    expect(DIFFICULTY_PRESETS.medium.objects).toEqual({ min: 3, max: 5 });
  });

  it('formats back to a spec that parses to the same knobs', () => {
    for (const spec of ['medium', 'hard,objects=3-6,noise=0.1', 'easy,clutter=4-4,occlusion=0.5']) {
      const d = parseDifficulty(spec);
      expect(parseDifficulty(formatDifficulty(d))).toEqual(d);
    }
    expect(formatDifficulty(parseDifficulty('hard,objects=3-6,noise=0.1'))).toBe('hard,objects=3-6,noise=0.1');
    expect(formatDifficulty(parseDifficulty(undefined))).toBe('medium');
  });

  it('names an unknown knob and lists the valid ones', () => {
    expect(() => parseDifficulty('medium,nosie=0.1')).toThrow(
      'difficulty: unknown knob "nosie" (valid: objects, objectSize, sharedColors, sharedShapes, clutter, noise, occlusion, positionQuestions)',
    );
  });

  it('names an out-of-range value with its bounds', () => {
    expect(() => parseDifficulty('noise=3')).toThrow('difficulty: noise must be between 0 and 1, got 3');
    expect(() => parseDifficulty('hard,objects=0-4')).toThrow('difficulty: objects must be between 1 and 10, got 0');
    expect(() => parseDifficulty('objectSize=8-60')).toThrow('difficulty: objectSize must be between 6 and 40, got 60');
    expect(() => parseDifficulty('occlusion=0.95')).toThrow('difficulty: occlusion must be between 0 and 0.9, got 0.95');
  });

  it('rejects malformed values, reversed ranges and unknown presets', () => {
    expect(() => parseDifficulty('nightmare')).toThrow('difficulty: unknown preset "nightmare" (valid: easy, medium, hard)');
    expect(() => parseDifficulty('objects=5-3')).toThrow('difficulty: objects range must go from low to high, got 5-3');
    expect(() => parseDifficulty('objects=many')).toThrow('difficulty: objects must be a whole number or a range like 1-10, got "many"');
    expect(() => parseDifficulty('noise=')).toThrow('difficulty: noise must be a number between 0 and 1, got ""');
    expect(() => parseDifficulty('medium,hard')).toThrow('difficulty: expected key=value after the preset, got "hard"');
  });
});
