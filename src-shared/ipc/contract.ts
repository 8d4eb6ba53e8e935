// The typed contract between the window and the app: every request channel (`domain:verb`) with the zod schema
// of its request and the type of its response, and every event. Both transports (Electron IPC and the
// `pivot serve` WebSocket) carry exactly this, and main validates every request against it.
import { z } from 'zod';
import {
  bulkActionSchema,
  bulkTargetSchema,
  pairEditSchema,
  pairFilterSchema,
  pairQuerySchema,
  type PairPage,
  type PreferencePair,
  type StatusCounts,
} from '../domain/pairs';
import { IMPORT_FORMATS, type ImportReport } from '../domain/import-report';
import type { ErrorData } from '../errors';

/** A channel: the request's schema, and its response type carried as a phantom. */
export interface Channel<Req extends z.ZodType, Res> {
  request: Req;
  /** Never set: only carries the response type (wrapped, so a nullable response keeps its null). */
  response?: { value: Res };
}
function channel<Res>() {
  return <Req extends z.ZodType>(request: Req): Channel<Req, Res> => ({ request });
}

const pairId = z.number().int().positive();
const nothing = z.object({}).strict();

export interface DatasetSummary {
  name: string;
  format: string;
  pairs: number;
  importedAt: string;
}

export interface WorkspaceInfo {
  path: string;
  schemaVersion: number;
  pairs: number;
  datasets: DatasetSummary[];
  tags: string[];
  /** Capabilities of the transport the window is using (a native file picker exists only in Electron). */
  nativeDialogs: boolean;
}

export interface PairHistoryEntry {
  at: string;
  /** The fields as they were before the edit. */
  before: Partial<Pick<PreferencePair, 'question' | 'chosen' | 'rejected' | 'status' | 'tags' | 'note' | 'split'>>;
  action: string;
}

export interface BulkResult {
  affected: number;
}

export interface ExportResult {
  path: string;
  written: number;
  images: number;
}

export const contract = {
  'workspace:info': channel<WorkspaceInfo>()(nothing),
  'pairs:list': channel<PairPage>()(pairQuerySchema),
  'pairs:counts': channel<StatusCounts>()(z.object({ filter: pairFilterSchema.default({}) }).strict()),
  'pairs:get': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:update': channel<PreferencePair>()(z.object({ id: pairId, edit: pairEditSchema }).strict()),
  'pairs:swap': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:undo': channel<PreferencePair>()(z.object({ id: pairId }).strict()),
  'pairs:history': channel<PairHistoryEntry[]>()(z.object({ id: pairId }).strict()),
  'pairs:bulk': channel<BulkResult>()(
    z.object({ target: bulkTargetSchema, action: bulkActionSchema, job: z.string().min(1).max(64) }).strict(),
  ),
  'data:import': channel<ImportReport>()(
    z
      .object({
        path: z.string().min(1),
        format: z.enum(IMPORT_FORMATS).optional(),
        dataset: z.string().trim().min(1).max(200).optional(),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  'data:export': channel<ExportResult>()(
    z
      .object({
        path: z.string().min(1),
        filter: pairFilterSchema.default({}),
        job: z.string().min(1).max(64),
      })
      .strict(),
  ),
  'dialog:pick-file': channel<string | null>()(
    z.object({ purpose: z.enum(['import', 'export']) }).strict(),
  ),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends ChannelName> = NonNullable<Contract[C]['response']>['value'];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events pushed from the app to the window. */
export interface Events {
  /** Progress of a long request (import, export, bulk), keyed by the job id the window chose. */
  'job:progress': { job: string; done: number; total: number; label: string };
  /** Pairs changed outside the window's own request (another window, the CLI). */
  'pairs:changed': { reason: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['job:progress', 'pairs:changed'];

/** What crosses the wire for a response: data or an error as data. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorData };
