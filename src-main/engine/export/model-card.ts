// The exported encoder's README.md: a Hugging Face model card (YAML front matter, then usage, recipe, data,
// objective and measured deltas). Numbers appear only when given; anything not measured says so.
import { PivotError } from '../../../src-shared/errors';
import { OBJECTIVES } from '../objectives';
import { KIND_FIELDS } from '../objectives/recipe-fields';
import type { RecordedData } from '../run-folder/manifest';
import { describeFilter, type WorkspacePairs } from '../run-folder/workspace-pairs';
import type { Stage } from '../train/recipe';
import type { ExportSource } from './source';

/** One measurement of the exported encoder against the original one, under one protocol. */
export interface ExportMeasurement {
  /** e.g. "ImageNet linear probe top-1", "Grad-CAM focus (DPO loss)". */
  metric: string;
  /** The original (pre-PIVOT) encoder's value; omitted when only the trained one was measured. */
  original?: number | null;
  /** This encoder's value. */
  trained: number;
  /** e.g. "%", "points". */
  unit?: string;
  /** How it was measured (protocol, seeds, dataset). */
  protocol?: string;
}

export interface ExportMeasurements {
  /** Where the numbers come from (a report file, a probe run). */
  source?: string;
  results: ExportMeasurement[];
}

/**
 * Checks a measurements object read from JSON (`{source?, results: [{metric, trained, original?, unit?, protocol?}]}`),
 * naming `file` and the entry on anything malformed, so no number reaches the card unchecked.
 */
export function parseMeasurements(json: unknown, file: string): ExportMeasurements {
  const fail = (what: string): never => {
    throw new PivotError('INVALID_DATA', `${file}: ${what}; expected {"results": [{"metric": "...", "trained": 1.0, "original": 0.9}]}`, { file });
  };
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { results?: unknown }).results)) fail('no "results" list');
  const { source, results } = json as { source?: unknown; results: unknown[] };
  const parsed = results.map((entry, i): ExportMeasurement => {
    const m = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof m.metric !== 'string' || m.metric === '') fail(`results[${i}].metric must be a name`);
    if (typeof m.trained !== 'number' || !Number.isFinite(m.trained)) fail(`results[${i}].trained must be a number`);
    if (m.original !== undefined && m.original !== null && (typeof m.original !== 'number' || !Number.isFinite(m.original))) fail(`results[${i}].original must be a number or null`);
    for (const key of ['unit', 'protocol']) if (m[key] !== undefined && typeof m[key] !== 'string') fail(`results[${i}].${key} must be text`);
    return {
      metric: m.metric as string,
      trained: m.trained as number,
      ...(typeof m.original === 'number' ? { original: m.original } : {}),
      ...(typeof m.unit === 'string' ? { unit: m.unit } : {}),
      ...(typeof m.protocol === 'string' ? { protocol: m.protocol } : {}),
    };
  });
  return { ...(typeof source === 'string' ? { source } : {}), results: parsed };
}

export interface ModelCardInput {
  source: ExportSource;
  architecture: string;
  modelType: string;
  featureLayer: number;
  numHiddenLayers: number;
  baseModel: string | null;
  withProjector: boolean;
  measurements?: ExportMeasurements | null;
  /** The card's title. Default: from the stage and architecture. */
  name?: string;
}

/** 4 significant digits without trailing zeros (2e-6 → "0.000002", 0.1 → "0.1"). */
function number(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const text = x.toPrecision(4);
  return text.includes('e') ? text : text.replace(/0+$/, '').replace(/\.$/, '');
}

/** The README.md text. */
export function modelCard(input: ModelCardInput): string {
  const { source, architecture } = input;
  const objective = source.objective;
  const yaml = [
    '---',
    'library_name: transformers',
    'pipeline_tag: image-feature-extraction',
    'tags:',
    '- vision',
    '- pivot',
    ...(objective ? [`- ${objective}`] : []),
    ...(input.baseModel ? [`base_model: ${input.baseModel}`] : []),
    '---',
  ];
  const title = input.name ?? `PIVOT ${objective ? `${objective.toUpperCase()}-trained ` : ''}${architecture}`;
  return [
    ...yaml,
    '',
    `# ${title}`,
    '',
    `A ${architecture} vision encoder post-trained inside a multimodal LLM (encoder → 2-layer MLP projector → Qwen2 LM) ` +
      'with PIVOT Studio, following "RL makes MLLMs see better than SFT" (Song et al., arXiv 2510.16333). ' +
      `${input.baseModel ? `It starts from \`${input.baseModel}\`.` : 'Its starting point is not a Hub model (see the recipe below).'}`,
    '',
    ...usage(input),
    ...recipeSection(source),
    ...dataSection(source),
    ...objectiveSection(source),
    ...measurementSection(input.measurements ?? null),
    '## Files',
    '',
    '- `config.json`, `model.safetensors`: the encoder, float32, transformers-5 weight names.',
    '- `preprocessor_config.json`: the image preparation the MLLM trained with.',
    ...(input.withProjector ? ['- `projector.safetensors`: the MLLM\'s projector, LLaVA names (`multi_modal_projector.linear_1.weight`, …).'] : []),
    '',
    `Exported from \`${source.checkpoint}\`${source.stage ? ` (stage ${source.stage}${source.step !== null ? `, step ${source.step}` : ''})` : ''}.`,
    '',
  ].join('\n');
}

function usage(input: ModelCardInput): string[] {
  const blocks = input.numHiddenLayers;
  const index = input.featureLayer < 0 ? blocks + 1 + input.featureLayer : input.featureLayer;
  const untrained = index < blocks ? ' The blocks after it and the final layer norm (and the pooling head, where the tower has one) received no gradient: they are as they were loaded.' : '';
  return [
    '## Usage',
    '',
    '```python',
    `from transformers import AutoImageProcessor, ${input.architecture}`,
    '',
    `model = ${input.architecture}.from_pretrained("path/to/this/folder")`,
    'processor = AutoImageProcessor.from_pretrained("path/to/this/folder")',
    'outputs = model(**processor(images=image, return_tensors="pt"), output_hidden_states=True)',
    `features = outputs.hidden_states[${input.featureLayer}]${input.modelType.startsWith('clip') ? '[:, 1:]  # patch tokens, CLS dropped' : '  # patch tokens'}`,
    '```',
    '',
    `The MLLM read its image features from \`hidden_states[${input.featureLayer}]\` (LLaVA's vision_feature_layer).${untrained}`,
    '',
  ];
}

function recipeSection(source: ExportSource): string[] {
  const manifest = source.manifest;
  if (!manifest) return ['## Training recipe', '', 'Unknown: this checkpoint was exported from outside a run folder, so its recipe was not recorded with it.', ''];
  const stages = lineage(source, manifest.stages);
  const { preset, path, encoder, lm } = manifest.model;
  const model = preset ? `the \`${preset}\` preset (random initialisation, seed ${manifest.seed})` : path ? `the LLaVA folder \`${path}\`` : `encoder \`${encoder}\`, LM \`${lm}\``;
  const rows = stages.map((s) => {
    const status = source.state?.stages[s.name];
    const length = s.maxSteps !== undefined ? `${s.maxSteps} steps` : `${number(s.epochs)} epoch${s.epochs === 1 ? '' : 's'}`;
    const lr = s.trainable.includes('encoder') && s.encoderLr !== s.lr ? `${number(s.lr)} (encoder ${number(s.encoderLr)})` : number(s.lr);
    const done = status ? `${status.step}/${status.totalSteps}` : '—';
    const marker = s.name === source.stage ? ' ← exported' : '';
    return `| ${s.name}${marker} | ${s.kind} | ${s.trainable.join(', ')} | ${lr} | ${length} | ${s.batchSize} × ${s.gradAccum} | ${'beta' in KIND_FIELDS[s.kind].stage ? number(s.beta) : '—'} | ${done} |`;
  });
  return [
    '## Training recipe',
    '',
    `Recipe \`${manifest.recipe}\`, seed ${manifest.seed}; model: ${model}, image features from layer ${manifest.model.featureLayer}.`,
    '',
    '| stage | kind | trainable | peak LR | length | batch × accum | β | steps done |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Cosine schedule with linear warm-up (per-stage `warmupRatio`), AdamW, weight decay and gradient clipping as each stage sets them.',
    '',
  ];
}

/**
 * The stages that led to the exported checkpoint, in the order they first ran: every stage up to it, without the
 * other post-training branch (a run folder may hold both sft and dpo, each started from the shared stages).
 */
function lineage(source: ExportSource, stages: Record<string, Stage>): Stage[] {
  const all = Object.values(stages);
  const at = source.stage === null ? -1 : all.findIndex((s) => s.name === source.stage);
  const upTo = at === -1 ? all : all.slice(0, at + 1);
  const branch = source.objective;
  const otherBranch = (s: Stage) => OBJECTIVES[s.kind].postTraining !== undefined && s.kind !== branch;
  return upTo.filter((s) => s.name === source.stage || branch === null || !otherBranch(s));
}

function dataSection(source: ExportSource): string[] {
  const data = source.manifest?.data;
  if (!data) return ['## Data', '', 'Not recorded.', ''];
  return [
    '## Data',
    '',
    `Dataset folder \`${data.resolvedFolder}\`${dataOrigin(data)}: TRL preference pairs (image, question, chosen, rejected), captions for caption stages. ` +
      `Records of the test split were ${data.includeTestSplit ? 'included in' : 'held out from'} training.`,
    '',
    ...workspacePairsLines(data.workspacePairs),
  ];
}

/** Where the folder's records came from, when the run knows: a Shapes world it made, or pairs exported from a workspace. */
function dataOrigin(data: RecordedData): string {
  const { shapes, workspacePairs: pairs } = data;
  if (pairs) return ` — ${pairs.pairs} pair${pairs.pairs === 1 ? '' : 's'} exported from the workspace \`${pairs.workspace}\` for the run`;
  if (shapes) return ` — a procedural Shapes world made for the run (${shapes.count} images of ${shapes.size} px, seed ${shapes.seed}${shapes.difficulty ? `, difficulty ${shapes.difficulty}` : ''})`;
  return '';
}

function workspacePairsLines(pairs: WorkspacePairs | undefined): string[] {
  if (!pairs) return [];
  const datasets = Object.entries(pairs.datasets).map(([name, count]) => `\`${name}\` (${count})`).join(', ');
  return [
    `- Datasets: ${datasets}.`,
    `- Filter: ${describeFilter(pairs.filter)}.`,
    `- Splits: ${pairs.splits.train} train, ${pairs.splits.test} test.`,
    `- \`${pairs.file.name}\` (${pairs.file.bytes} bytes) sha256 \`${pairs.file.sha256}\`; its images are named by their content hash.`,
    '',
  ];
}

function objectiveSection(source: ExportSource): string[] {
  const stage = source.stage !== null ? source.manifest?.stages[source.stage] : undefined;
  const postTraining = source.objective === null ? undefined : OBJECTIVES[source.objective].postTraining;
  const text = postTraining
    ? postTraining.modelCardText({ beta: number(stage?.beta ?? 0.1) })
    : `Not a post-training stage${stage ? ` (the exported stage is a ${stage.kind} stage)` : ' (unknown)'}.`;
  return ['## Objective', '', text, ''];
}

function measurementSection(measurements: ExportMeasurements | null): string[] {
  if (!measurements || measurements.results.length === 0) {
    return ['## Measurements against the original encoder', '', 'Not measured: no probe or report results were given to this export, so no gains are claimed.', ''];
  }
  const rows = measurements.results.map((m) => {
    const unit = m.unit ? ` ${m.unit}` : '';
    const original = m.original ?? null;
    const delta = original === null ? 'not measured' : `${m.trained - original >= 0 ? '+' : ''}${number(m.trained - original)}${unit}`;
    return `| ${m.metric} | ${original === null ? 'not measured' : `${number(original)}${unit}`} | ${number(m.trained)}${unit} | ${delta} | ${m.protocol ?? '—'} |`;
  });
  return [
    '## Measurements against the original encoder',
    '',
    ...(measurements.source ? [`From ${measurements.source}.`, ''] : []),
    '| metric | original | this encoder | Δ | protocol |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}
