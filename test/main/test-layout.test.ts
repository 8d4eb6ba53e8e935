// Vitest leaves test/e2e (Playwright's) and test/gpu (the CUDA machine's check) out: a Vitest file put there would
// silently never run, and the GPU check must stay reachable by its own command.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

describe('the test folders Vitest leaves out', () => {
  it('hold no Vitest files: test/e2e only Playwright specs, test/gpu none', () => {
    const files = (dir: string) => readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' });
    expect(files('test/gpu').filter((f) => f.endsWith('.test.ts'))).toEqual([]);
    expect(files('test/e2e').filter((f) => f.endsWith('.test.ts'))).toEqual([]);
  });

  it('has `npm run check:gpu` for test/gpu', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['check:gpu']).toContain('bash scripts/device-check.sh');
    expect(readFileSync(join(ROOT, 'test/gpu/README.md'), 'utf8')).toMatch(/^# GPU check \(`npm run check:gpu`\)/);
  });
});
