// The recipe a New run form or New study dialog picks: a built-in one by name, or "Recipe file…" and a typed path;
// the value a request carries and the chosen built-in's description.
import { computed, ref, type ComputedRef, type Ref } from 'vue';
import type { RecipeInfo } from '../../../src-shared/domain/runs';

/** The recipe select's value for "a file of my own". */
export const RECIPE_FILE = '::file';

export interface RecipeChoice {
  /** The select's value: a built-in recipe's name, or RECIPE_FILE. */
  recipe: Ref<string>;
  /** The typed path, when the select says "Recipe file…". */
  recipePath: Ref<string>;
  /** What a request's `recipe` carries: the name or the trimmed path ('' while none). */
  recipeValue: ComputedRef<string>;
  /** The chosen built-in recipe's description ('' for a file). */
  description: ComputedRef<string>;
}

/** The recipe choice of one form over `recipes` (the built-ins the app listed). */
export function useRecipeChoice(recipes: () => readonly RecipeInfo[]): RecipeChoice {
  const recipe = ref('');
  const recipePath = ref('');
  const recipeValue = computed(() => (recipe.value === RECIPE_FILE ? recipePath.value.trim() : recipe.value));
  const description = computed(() => recipes().find((r) => r.name === recipe.value)?.description ?? '');
  return { recipe, recipePath, recipeValue, description };
}
