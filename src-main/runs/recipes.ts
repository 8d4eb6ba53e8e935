// The built-in training recipes (resources/recipes/<name>.yaml) and how a run's `recipe` is understood: a built-in
// name, or the path of a recipe file of the user's.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PivotError } from '../../src-shared/errors';
import type { RecipeInfo, RunObjective } from '../../src-shared/domain/runs';
import { loadRecipe, pipelineFor } from '../engine/train/recipe';

/** Where the built-in recipes live in a checkout. */
export const RECIPES_DIR = fileURLToPath(new URL('../../resources/recipes', import.meta.url));

const RECIPE_FILE = /\.ya?ml$/i;

/**
 * The built-in recipes, by name, each with its `description` field or else the comment block that opens the file
 * (without a leading "<name>:"), empty when it has neither.
 */
export function listRecipes(dir = RECIPES_DIR): RecipeInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => RECIPE_FILE.test(file))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const name = basename(file, extname(file));
      return { name, description: describe(readFileSync(path, 'utf8'), name), path };
    });
}

function describe(text: string, name: string): string {
  try {
    const doc = parse(text) as unknown;
    const description = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).description : undefined;
    if (typeof description === 'string') return description.trim();
  } catch {
    // A recipe that does not parse is still listed; training with it reports what is wrong.
  }
  const comment: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    comment.push(line.replace(/^#\s?/, ''));
  }
  const joined = comment.join(' ').trim();
  return joined.startsWith(`${name}:`) ? joined.slice(name.length + 1).trim() : joined;
}

/**
 * What to hand the engine for `recipe`: a built-in name as it is, a recipe file as an absolute path. Anything else
 * is refused, naming the built-ins.
 */
export function resolveRecipe(recipe: string, dir = RECIPES_DIR): string {
  const builtIns = listRecipes(dir);
  if (builtIns.some((r) => r.name === recipe)) return recipe;
  const path = resolve(recipe);
  if (existsSync(path) && statSync(path).isFile()) return path;
  const names = builtIns.map((r) => r.name);
  const looksLikePath = /[\\/]|\.(ya?ml|json)$/i.test(recipe);
  throw new PivotError(
    'INVALID_REQUEST',
    looksLikePath
      ? `The recipe file ${path} does not exist.`
      : `Unknown recipe '${recipe}': ${names.length > 0 ? `the built-in recipes are ${names.join(', ')}` : 'there are no built-in recipes'}; or give the path of a recipe file (YAML or JSON).`,
    { recipe, builtIn: names },
  );
}

/**
 * Reads and validates the recipe a run will train with (a resolved name or path, see resolveRecipe) and that it
 * has the branch asked for, so a typo is refused with the run request instead of surfacing as a failed run later.
 */
export function checkRecipe(recipe: string, objective: RunObjective | undefined, dir = RECIPES_DIR): void {
  const builtIn = listRecipes(dir).find((r) => r.name === recipe);
  const parsed = loadRecipe(builtIn ? builtIn.path : recipe);
  pipelineFor(parsed, objective ?? parsed.objective);
}
