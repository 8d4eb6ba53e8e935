// One-click PIVOT export: a run's (or checkpoint's) trained encoder as a Hugging Face folder that transformers loads
// unchanged, written into a temporary sibling, checked by re-loading it, and only then renamed into place.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { SafetensorsFile, writeSafetensorsAtomic, type TensorToWrite } from '../io/safetensors';
import { loadVisionModel } from '../models/hf/load-vision-model';
import { saveVisionModel } from '../models/hf/save-vision-model';
import type { VisionModel } from '../models/hf/vision-family';
import { MLLM_CONFIG_FILE, readMllmConfig, type MllmConfig } from '../models/mllm/config';
import { mllmConfigFor } from '../models/mllm/build';
import { isLlavaFolder, loadLlavaVisionTower } from '../models/llava/load';
import { PROJECTOR_FILE } from '../models/mllm/checkpoint';
import type { Objective } from '../train/api';
import { modelCard, type ExportMeasurements } from './model-card';
import { baseModelOf, preprocessorConfig, readOriginalPreprocessor } from './preprocessor';
import { sourceFromCheckpoint, sourceFromRun, type ExportSource } from './source';
import { checkExportedEncoder, EXPORT_TOLERANCE, projectorMismatches } from './verify';

export interface ExportOptions {
  /** A run folder: its post-trained checkpoint is exported (see `sourceFromRun`). Exactly one of runDir, checkpoint. */
  runDir?: string;
  /** A checkpoint folder (`<run>/checkpoints/<stage>-<step>`, or any folder `saveMllm` wrote). */
  checkpoint?: string;
  /** The folder to write; it must not exist, be empty, or `force` must be set. */
  out: string;
  /** Also write `projector.safetensors` (LLaVA names). */
  withProjector?: boolean;
  /** Replace a non-empty `out`. */
  force?: boolean;
  /** With runDir: the stage whose latest checkpoint to export. */
  stage?: string;
  /** With runDir: the branch to export when the run trained both. */
  objective?: Objective;
  /** Measured results for the model card; without them it says "not measured". */
  measurements?: ExportMeasurements;
  /** The model card's title. */
  name?: string;
}

export interface ExportReport {
  out: string;
  checkpoint: string;
  runDir: string | null;
  stage: string | null;
  step: number | null;
  objective: Objective | null;
  architecture: string;
  modelType: string;
  baseModel: string | null;
  withProjector: boolean;
  /** File names written into `out`. */
  files: string[];
  /** Of the re-loaded encoder's outputs against the run's (≤ EXPORT_TOLERANCE, else the export failed). */
  maxRelativeError: number;
}

/** Writes the export and returns what it wrote; on any failure nothing is left at `out` (or it is as it was). */
export async function exportEncoder(options: ExportOptions): Promise<ExportReport> {
  const source = exportSource(options);
  const out = resolve(options.out);
  checkOutFolder(out, source, options.force === true);
  const { encoder, mllmConfig } = await openSourceEncoder(source.checkpoint, options.withProjector === true);
  const tmp = join(dirname(out), `.${basename(out)}.export-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp, { recursive: true });
    const written = await writeExport(tmp, encoder, source, mllmConfig, options);
    const check = await checkExportedEncoder(tmp, encoder);
    if (!(check.maxRelativeError <= EXPORT_TOLERANCE)) {
      throw new PivotError(
        'INTERNAL',
        `Export check failed: the folder written for ${out} does not reproduce the run's encoder (max relative error ` +
          `${check.maxRelativeError} over ${check.compared.join(', ')}; allowed ${EXPORT_TOLERANCE}). It was deleted; nothing was exported. ` +
          'Check the disk (space, errors) and export again.',
      );
    }
    if (written.projector) {
      const bad = projectorMismatches(join(tmp, PROJECTOR_FILE), written.projector);
      if (bad.length > 0) throw new PivotError('INTERNAL', `Export check failed: projector.safetensors reads back wrong (${bad.join(', ')}). It was deleted; nothing was exported.`);
    }
    await moveIntoPlace(tmp, out);
    return {
      out, checkpoint: source.checkpoint, runDir: source.runDir, stage: source.stage, step: source.step, objective: source.objective,
      architecture: encoder.config.architecture, modelType: encoder.config.model_type, baseModel: written.baseModel,
      withProjector: written.projector !== null, files: readdirSync(out).sort(), maxRelativeError: check.maxRelativeError,
    };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    encoder.dispose();
  }
}

/** Everything but the check: encoder, processor config, projector (on request) and model card. */
async function writeExport(
  dir: string,
  encoder: VisionModel,
  source: ExportSource,
  mllmConfig: MllmConfig,
  options: ExportOptions,
): Promise<{ projector: Record<string, TensorToWrite> | null; baseModel: string | null }> {
  await saveVisionModel(encoder, dir);
  // The folder the encoder came from: its own, or the LLaVA folder it is the vision tower of (same preprocessor and name).
  const originalDir = source.manifest?.model.encoder ?? source.manifest?.model.path ?? (isLlavaFolder(source.checkpoint) ? source.checkpoint : undefined);
  const processor = preprocessorConfig(mllmConfig.imageProcessor, readOriginalPreprocessor(originalDir));
  await writeFile(join(dir, 'preprocessor_config.json'), `${JSON.stringify(processor, null, 2)}\n`);
  const projector = options.withProjector ? projectorTensors(join(source.checkpoint, PROJECTOR_FILE)) : null;
  if (projector) await writeSafetensorsAtomic(join(dir, PROJECTOR_FILE), projector, { format: 'pt' });
  const baseModel = baseModelOf(originalDir);
  const card = modelCard({
    source, architecture: encoder.config.architecture, modelType: encoder.config.model_type, featureLayer: mllmConfig.featureLayer,
    numHiddenLayers: encoder.config.num_hidden_layers, baseModel, withProjector: projector !== null,
    ...(options.measurements ? { measurements: options.measurements } : {}), ...(options.name ? { name: options.name } : {}),
  });
  await writeFile(join(dir, 'README.md'), card);
  return { projector, baseModel };
}

/**
 * The vision tower of a checkpoint and how its MLLM used it: PIVOT's folder (encoder/ + mllm.json) or a LLaVA folder
 * (its tower, feature layer, strategy and preprocessor_config.json). A LLaVA folder's projector sits among its
 * weights, not in projector.safetensors: exporting it beside the encoder is refused rather than guessed.
 */
async function openSourceEncoder(checkpoint: string, withProjector: boolean): Promise<{ encoder: VisionModel; mllmConfig: MllmConfig }> {
  if (!isLlavaFolder(checkpoint)) {
    const encoder = await loadVisionModel(join(checkpoint, 'encoder'));
    return { encoder, mllmConfig: readMllmConfig(join(checkpoint, MLLM_CONFIG_FILE), encoder.hasClassToken) };
  }
  if (withProjector) {
    throw new PivotError('INVALID_REQUEST', `${checkpoint} is a LLaVA folder: its projector is part of the model; export the whole model with --mllm, or the encoder alone without --with-projector.`);
  }
  const { encoder, llava } = loadLlavaVisionTower(checkpoint);
  return { encoder, mllmConfig: mllmConfigFor(encoder, llava.featureLayer, checkpoint, llava.selectStrategy) };
}

/** The checkpoint's projector tensors as float32, names as they are (LLaVA's `multi_modal_projector.*`). */
function projectorTensors(file: string): Record<string, TensorToWrite> {
  if (!existsSync(file)) throw new PivotError('FILE_UNREADABLE', `${file} is missing: the checkpoint has no projector to export.`);
  const source = SafetensorsFile.open(file);
  const names = source.names();
  const expected = ['linear_1.weight', 'linear_1.bias', 'linear_2.weight', 'linear_2.bias'].map((n) => `multi_modal_projector.${n}`);
  const missing = expected.filter((n) => !names.includes(n));
  if (missing.length > 0) throw new PivotError('FILE_UNREADABLE', `${file}: no ${missing.join(', ')}; is this a PIVOT Studio checkpoint?`);
  return Object.fromEntries(names.map((name) => {
    const t = source.read(name);
    return [name, { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data as ArrayLike<number>) } satisfies TensorToWrite];
  }));
}

/** Refuses a file, a non-empty folder without `force`, and any folder whose replacement would delete the source. */
/** The checkpoint an export reads: exactly one of a run folder (its post-trained stage, or the one named) or a checkpoint. */
export function exportSource(options: Pick<ExportOptions, 'runDir' | 'checkpoint' | 'stage' | 'objective'>): ExportSource {
  if ((options.runDir === undefined) === (options.checkpoint === undefined)) {
    throw new PivotError('INVALID_REQUEST', 'Export needs exactly one source: a run folder or a checkpoint folder.');
  }
  return options.checkpoint !== undefined
    ? sourceFromCheckpoint(options.checkpoint)
    : sourceFromRun(options.runDir as string, { ...(options.stage ? { stage: options.stage } : {}), ...(options.objective ? { objective: options.objective } : {}) });
}

/** Refuses an out folder inside the source, a file, or a non-empty folder without `force`. */
export function checkOutFolder(out: string, source: ExportSource, force: boolean): void {
  const within = (inner: string, outer: string) => {
    const rel = relative(outer, inner);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  };
  for (const protectedDir of [source.checkpoint, source.runDir].filter((d): d is string => d !== null)) {
    if (within(protectedDir, out)) throw new PivotError('INVALID_REQUEST', `${out} holds the checkpoint being exported (${protectedDir}); export into another folder.`);
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new PivotError('INVALID_REQUEST', `${out} is a file; export into a folder.`);
  if (readdirSync(out).length > 0 && !force) {
    throw new PivotError('INVALID_REQUEST', `${out} is not empty; export into a new or empty folder, or pass --force to replace it.`);
  }
}

/** A folder cannot be renamed over a non-empty one: set the old aside, put the new in place, then drop the old. */
async function moveIntoPlace(tmp: string, out: string): Promise<void> {
  if (!existsSync(out)) return rename(tmp, out);
  const old = `${tmp}.old`;
  await rename(out, old);
  try {
    await rename(tmp, out);
  } catch (err) {
    await rename(old, out);
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
