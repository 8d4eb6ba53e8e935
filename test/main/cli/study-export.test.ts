// `pivot study export --to trl OUT` as a user runs it: its own --workspace and --json (not `pivot study`'s), and the
// base model it needs.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

let workspace = '';

beforeAll(async () => {
  const ws = await workspaceWithPairs([{}, {}, {}]);
  workspace = ws.dir;
  ws.close();
});

describe('pivot study export --to trl', () => {
  it('writes the project and prints its summary as JSON', async () => {
    const base = tempDir('pivot-llava-');
    writeFileSync(join(base, 'config.json'), JSON.stringify({ model_type: 'llava' }));
    const out = join(tempDir('pivot-trl-'), 'project');
    const result = await startPivot(['study', 'export', '--to', 'trl', out, '--workspace', workspace, '--base', base, '--recipe', 'shapes-study', '--json']).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ out, pairs: 3, images: 3 });
    expect(existsSync(join(out, 'dpo.py'))).toBe(true);
  }, 60_000);

  it('refuses without --base, saying what to give', async () => {
    const out = join(tempDir('pivot-trl-'), 'project');
    const result = await startPivot(['study', 'export', '--to', 'trl', out, '--workspace', workspace]).done;
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('pivot: Give the base model with --base: a LLaVA model folder (e.g. written by `pivot export --mllm`) or a Hugging Face Hub id. TRL trains one LLaVA model, which a recipe does not name.\n');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
