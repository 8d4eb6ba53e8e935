// A study report's example pictures (`examples/examples.json`, written by `pivot study`): Grad-CAM maps per model
// and segmentation predictions per encoder, every path relative to the report folder and checked on reading.
import { isReportFile } from './report-paths';
import type { StudyReport } from './study-report';

/**
 * One Grad-CAM sample: its image, target mask, and per model (sft, dpo, original…) the map's PNG and focus score of
 * the study's variant (gradient at the projector output); `layerMaps` / `layerFocus` the same for standard Grad-CAM
 * on an encoder layer (reports written before it have none).
 */
export interface GradcamExample {
  id: string;
  question: string;
  image: string;
  mask: string;
  maps: Record<string, string>;
  focus: Record<string, number | null>;
  layerMaps?: Record<string, string>;
  layerFocus?: Record<string, number | null>;
}

/** How the standard Grad-CAM maps of a report were made: the encoder hidden state explained and the protocol. */
export interface GradcamLayerInfo {
  /** Index into the encoder's hidden states (0 = embeddings, k = after block k). */
  layer: number;
  protocol: string;
}

/** One segmentation test image: image, truth and per encoder the predicted class-id PNG (grey, pixel = class id). */
export interface SegmentationExample {
  id: string;
  image: string;
  truth: string;
  predictions: Record<string, string>;
  recall: Record<string, number | null>;
  iou: Record<string, number | null>;
}

export interface ExampleClass {
  id: number;
  name: string;
  rgb: [number, number, number];
}

/** `examples/examples.json`; every path is relative to the report folder. */
export interface ReportExamplesIndex {
  gradcam: GradcamExample[];
  segmentation: SegmentationExample[];
  classes: ExampleClass[];
  /** Present when the Grad-CAM examples also have standard Grad-CAM maps. */
  gradcamLayer?: GradcamLayerInfo;
}

/** The report's examples.json path when it has one (older reports have none). */
export function reportExamplesFile(report: StudyReport | null | undefined): string | null {
  const files = report?.files as { examples?: unknown } | undefined;
  const file = files && typeof files === 'object' ? files.examples : undefined;
  return typeof file === 'string' && isReportFile(file) ? file : null;
}

/** An examples.json as read from disk: its lists kept when they have the expected shape, paths checked. */
export function parseExamplesIndex(data: unknown): ReportExamplesIndex | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const file = (v: unknown): v is string => typeof v === 'string' && isReportFile(v);
  const files = (v: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries(typeof v === 'object' && v !== null ? v : {}).filter((e): e is [string, string] => file(e[1])));
  const scores = (v: unknown): Record<string, number | null> =>
    Object.fromEntries(Object.entries(typeof v === 'object' && v !== null ? v : {}).map(([k, x]) => [k, typeof x === 'number' && Number.isFinite(x) ? x : null]));
  const gradcam = list(d.gradcam)
    .filter((g) => file(g.image) && file(g.mask))
    .map((g): GradcamExample => ({
      id: String(g.id), question: String(g.question ?? ''), image: g.image as string, mask: g.mask as string, maps: files(g.maps), focus: scores(g.focus),
      ...(g.layerMaps !== undefined ? { layerMaps: files(g.layerMaps), layerFocus: scores(g.layerFocus) } : {}),
    }));
  const segmentation = list(d.segmentation)
    .filter((s) => file(s.image) && file(s.truth))
    .map((s) => ({ id: String(s.id), image: s.image as string, truth: s.truth as string, predictions: files(s.predictions), recall: scores(s.recall), iou: scores(s.iou) }));
  const classes = list(d.classes)
    .filter((c) => typeof c.id === 'number' && Array.isArray(c.rgb) && c.rgb.length === 3)
    .map((c) => ({ id: c.id as number, name: String(c.name ?? c.id), rgb: (c.rgb as unknown[]).map((x) => Number(x) || 0) as [number, number, number] }));
  const layer = typeof d.gradcamLayer === 'object' && d.gradcamLayer !== null ? (d.gradcamLayer as Record<string, unknown>) : null;
  const gradcamLayer = layer && Number.isInteger(layer.layer) ? { layer: layer.layer as number, protocol: String(layer.protocol ?? 'gradcam-focus/layer') } : null;
  return { gradcam, segmentation, classes, ...(gradcamLayer ? { gradcamLayer } : {}) };
}
