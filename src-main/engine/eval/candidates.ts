// The closed answer set of a Shapes-world question: every answer the world could have written for it (all colours,
// all shapes, every count an image can hold, both directions of a relation or a position), in the world's own answer style.
import { PivotError } from '../../../src-shared/errors';
import { countSentence, POSITION_ANSWERS } from '../data/shapes/questions';
import type { QuestionKind } from '../data/shapes/questions';
import { COLORS, SHAPES, SHAPE_PLURAL, isColor, type Shape } from '../data/shapes/vocab';

/** What a question asks for; `attribute` questions ask for a colour or a shape. */
export const ASKED_KINDS = ['colour', 'shape', 'count', 'relation', 'position'] as const;
export type AskedKind = (typeof ASKED_KINDS)[number];

export interface AnswerCandidates {
  asked: AskedKind;
  /** The answers to rank, in a fixed order (vocabulary order; counts ascending). */
  candidates: string[];
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const SINGULAR_OF_PLURAL = new Map<string, Shape>(SHAPES.map((s) => [SHAPE_PLURAL[s], s]));

/**
 * The candidates for one question of the given metadata kind. `maxCount` is the most objects an image of the world
 * holds (a count answer can be 0…maxCount). Throws, saying which form was expected, when the question is not one the
 * Shapes world writes.
 */
export function answerCandidates(kind: QuestionKind, question: string, maxCount: number): AnswerCandidates {
  if (kind === 'attribute') {
    if (question.startsWith('What colour is ')) return { asked: 'colour', candidates: COLORS.map((c) => `${cap(c)}.`) };
    if (question.startsWith('What shape is ')) return { asked: 'shape', candidates: SHAPES.map((s) => `${cap(s)}.`) };
    throw new PivotError('INVALID_DATA', `an attribute question must start "What colour is" or "What shape is", got "${question}"`, { field: 'question' });
  }
  if (kind === 'count') {
    const plural = /^How many (.+) are there\?$/.exec(question)?.[1];
    const color = plural?.endsWith(' objects') ? plural.slice(0, -' objects'.length) : undefined;
    const singular = color !== undefined && isColor(color) ? `${color} object` : plural !== undefined ? SINGULAR_OF_PLURAL.get(plural) : undefined;
    if (plural === undefined || singular === undefined) {
      throw new PivotError('INVALID_DATA', `a count question must read "How many <shapes | colour objects> are there?", got "${question}"`, { field: 'question' });
    }
    return { asked: 'count', candidates: Array.from({ length: maxCount + 1 }, (_, n) => countSentence(n, singular, plural)) };
  }
  if (kind === 'position') {
    if (question.endsWith(' on the left or the right?')) return { asked: 'position', candidates: [...POSITION_ANSWERS.x] };
    if (question.endsWith(' upper or lower?')) return { asked: 'position', candidates: [...POSITION_ANSWERS.y] };
    throw new PivotError('INVALID_DATA', `a position question must end "on the left or the right?" or "upper or lower?", got "${question}"`, { field: 'question' });
  }
  if (question.includes(' to the left of or to the right of ')) return { asked: 'relation', candidates: ['To the left.', 'To the right.'] };
  if (question.includes(' above or below ')) return { asked: 'relation', candidates: ['Above.', 'Below.'] };
  throw new PivotError('INVALID_DATA', `a relation question must ask "to the left of or to the right of" or "above or below", got "${question}"`, { field: 'question' });
}
