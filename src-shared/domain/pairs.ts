// Preference pairs: the unit a user curates — one image, one question, a chosen and a rejected answer.
import { z } from 'zod';

export const PAIR_STATUSES = ['pending', 'accepted', 'rejected', 'needs-review'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];
export const pairStatusSchema = z.enum(PAIR_STATUSES);

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];
export const splitSchema = z.enum(SPLITS);

/** Where a pair came from: the dataset it was imported into, its place in the source file, and the file's origin fields. */
export interface PairSource {
  dataset: string;
  format: string;
  /** The file the dataset was imported from (absolute, on the machine that imported it); null when not known. */
  file: string | null;
  /** Its line in a JSONL file, or its index in a JSON array; absent for pairs imported before these were kept. */
  line?: number;
  index?: number;
  /** Free-form provenance kept from the file (RLAIF-V's ds_name, origin_dataset, idx, …). */
  origin: Record<string, string | number | boolean | null>;
}

export interface PreferencePair {
  id: number;
  /** Content hash (sha256 hex) of the image file in the workspace. */
  image: string;
  imageWidth: number;
  imageHeight: number;
  question: string;
  chosen: string;
  rejected: string;
  status: PairStatus;
  tags: string[];
  note: string;
  source: PairSource;
  split: Split;
  createdAt: string;
  updatedAt: string;
}

/** Fields a user may edit on a pair; every edit is recorded so it can be undone. */
export const pairEditSchema = z
  .object({
    question: z.string().trim().min(1, 'question must not be empty'),
    chosen: z.string().trim().min(1, 'chosen must not be empty'),
    rejected: z.string().trim().min(1, 'rejected must not be empty'),
    status: pairStatusSchema,
    tags: z.array(z.string().trim().min(1).max(64)).max(32),
    note: z.string().max(10_000),
    split: splitSchema,
  })
  .partial()
  .strict();
export type PairEdit = z.infer<typeof pairEditSchema>;

export const PAIR_SORTS = ['id', 'updated', 'length-diff', 'question'] as const;
export type PairSort = (typeof PAIR_SORTS)[number];

/** A query over the pairs of a workspace; the list, the counters and bulk actions all take one. */
export const pairFilterSchema = z
  .object({
    status: z.array(pairStatusSchema).optional(),
    tags: z.array(z.string().min(1)).optional(),
    dataset: z.string().min(1).optional(),
    split: splitSchema.optional(),
    text: z.string().max(500).optional(),
    /** Keep pairs whose source metadata (origin fields such as an id, ds_name) contains this text. */
    source: z.string().max(500).optional(),
    /** Keep pairs whose |len(chosen) − len(rejected)| in characters is at least this (length-bias check). */
    minLengthDiff: z.number().int().min(0).optional(),
    /** Keep pairs whose chosen answer is longer (+1) or shorter (−1) than the rejected one. */
    longerSide: z.enum(['chosen', 'rejected']).optional(),
  })
  .strict();
export type PairFilter = z.infer<typeof pairFilterSchema>;

export const pairQuerySchema = z
  .object({
    filter: pairFilterSchema.default({}),
    sort: z.enum(PAIR_SORTS).default('id'),
    descending: z.boolean().default(false),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type PairQuery = z.input<typeof pairQuerySchema>;

export type StatusCounts = Record<PairStatus, number> & { total: number };

export interface PairPage {
  items: PreferencePair[];
  /** Number of pairs matching the filter (not just this page). */
  total: number;
  offset: number;
}

/** Which answer a blind reviewer preferred, by its true role: 'chosen' agrees with the pair's label. */
export const REVIEW_PICKS = ['chosen', 'rejected'] as const;
export type ReviewPick = (typeof REVIEW_PICKS)[number];

/** Blind-review agreement: pairs reviewed, and of them those whose latest pick agrees with the label. */
export interface ReviewAgreement {
  reviewed: number;
  agreed: number;
}

/** What a bulk action does to every pair it reaches. */
export const bulkActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: pairStatusSchema }).strict(),
  z.object({ kind: z.literal('add-tag'), tag: z.string().trim().min(1).max(64) }).strict(),
  z.object({ kind: z.literal('remove-tag'), tag: z.string().trim().min(1).max(64) }).strict(),
  z.object({ kind: z.literal('split'), split: splitSchema }).strict(),
  z.object({ kind: z.literal('delete') }).strict(),
]);
export type BulkAction = z.infer<typeof bulkActionSchema>;

/** A bulk action's target: explicit ids, or everything the filter matches. */
export const bulkTargetSchema = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(1_000_000) }).strict(),
  z.object({ filter: pairFilterSchema }).strict(),
]);
export type BulkTarget = z.infer<typeof bulkTargetSchema>;
