// Reading and writing one JSON file of a run folder against its zod schema: a file that is not JSON, or whose
// content does not fit, is an INVALID_DATA error naming the file and the field, never a value cast on faith.
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { PivotError } from '../../../src-shared/errors';
import { writeFileAtomic } from '../io/atomic-write';

/** Details of an INVALID_DATA error about a run-folder file. */
export interface InvalidFileDetails {
  file: string;
  /** Dotted path of the offending field (`stages.align.step`); absent when the file is not JSON at all. */
  field?: string;
}

/** `path`'s value checked against `schema`, or null when there is no such file. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): z.output<S> | null {
  if (!existsSync(path)) return null;
  return parseJsonText(readFileSync(path, 'utf8'), schema, path);
}

/** One JSON text checked against `schema`; `where` names it in the error (a file, or a file and line). */
export function parseJsonText<S extends z.ZodType>(text: string, schema: S, where: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${where}: not valid JSON (${(err as Error).message}); delete the file or restore it`, { file: where } satisfies InvalidFileDetails);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new PivotError(
    'INVALID_DATA',
    `${where}: field "${field || '(the whole file)'}" ${issue?.message ?? 'is invalid'}; this file was not written by this version of PIVOT Studio, or was edited`,
    { file: where, field } satisfies InvalidFileDetails,
  );
}

/** Writes `value` atomically after checking it, so a run folder never holds a file its reader would refuse. */
export async function writeJsonFile<S extends z.ZodType>(path: string, schema: S, value: z.input<S>, indent?: number): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(schema.parse(value), null, indent)}\n`);
}
