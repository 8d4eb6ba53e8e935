// The installer's build configuration turns off the Electron features an installed app does not need (fuses),
// with key names that electron-builder's own schema knows (a misspelt key would be refused by the build, or ignored).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

it('sets the Electron fuses of the security checklist, under electron-builder 26 key names', () => {
  const config = parse(readFileSync(`${ROOT}/electron-builder.yml`, 'utf8')) as { electronFuses: Record<string, boolean> };
  expect(config.electronFuses).toEqual({
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  });
  const scheme = createRequire(import.meta.url)('app-builder-lib/scheme.json') as {
    definitions: { FuseOptionsV1: { properties: Record<string, { type: string }> } };
  };
  for (const key of Object.keys(config.electronFuses)) expect(scheme.definitions.FuseOptionsV1.properties[key]?.type, key).toBe('boolean');
});
