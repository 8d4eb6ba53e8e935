// The exported TRL project's training scripts, byte for byte: sft.py and dpo.py are generated from one template with
// their differences as parameters, and must stay exactly what the export wrote before (the snapshots were taken from
// the hand-written scripts they replaced), since users diff and edit these files.
import { describe, expect, it } from 'vitest';
import { PYTHON_FILES } from '../../../../../src-main/datasets/export/trl-project/python-scripts';

describe('the TRL project\'s Python files', () => {
  it('are pivot_trl.py, sft.py and dpo.py', () => {
    expect(Object.keys(PYTHON_FILES)).toEqual(['pivot_trl.py', 'sft.py', 'dpo.py']);
  });

  it.each(['sft.py', 'dpo.py'])('%s is unchanged byte for byte', async (name) => {
    await expect(PYTHON_FILES[name]).toMatchFileSnapshot(`./__snapshots__/${name}`);
  });
});
