// Which `pivot` to run: the built CLI (out/main/cli.js, made by `npm run build`) only when no source file is newer
// than it, so that an edit is never hidden behind an old build; else the TypeScript sources (through tsx).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders the CLI and the engine host are built from (src-main/native is C++, built separately). */
const SOURCE_DIRS = ['src-main', 'src-shared'];
const SKIPPED = new Set([join('src-main', 'native')]);

/** Set to 1 to run the sources even when the build is up to date. */
export const FROM_SOURCE_ENV = 'PIVOT_FROM_SOURCE';

/** The built CLI's path under `root` when it is there, up to date and not declined by $PIVOT_FROM_SOURCE; else null. */
export function upToDateBuiltCli(root, env = process.env) {
  if (env[FROM_SOURCE_ENV] === '1') return null;
  const cli = join(root, 'out', 'main', 'cli.js');
  let builtAt;
  try {
    builtAt = statSync(cli).mtimeMs;
  } catch {
    return null;
  }
  return SOURCE_DIRS.some((dir) => hasNewerFile(root, dir, builtAt)) ? null : cli;
}

function hasNewerFile(root, dir, time) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(path) && hasNewerFile(root, path, time)) return true;
    } else if (entry.name.endsWith('.ts') && statSync(join(root, path)).mtimeMs > time) {
      return true;
    }
  }
  return false;
}
