// `pivot study export --to trl`: the workspace's curated pairs and the study's settings as a Python project that
// trains the same base model with TRL on a GPU cluster. Written whole into a temporary folder beside OUT and renamed
// into place, so OUT is never left half-written; an existing non-empty OUT is replaced only when asked.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { PairFilter } from '../../../../src-shared/domain/pairs';
import { PivotError } from '../../../../src-shared/errors';
import { exportable } from '../../../curation/export-dataset';
import type { Recipe } from '../../../engine/train/recipe';
import type { Workspace } from '../../../store/workspace';
import { writeTrlExport } from '../trl';
import { launchConfigFiles } from './launch-configs';
import { PYTHON_FILES } from './python-scripts';
import { readmeMd } from './readme';
import { requirementsTxt } from './requirements';
import { projectSettings, settingsPy } from './settings';
import { sftLine } from './sft-rows';

export interface TrlProjectRequest {
  /** The project folder to write. */
  out: string;
  /** The base LLaVA model: a local folder or a Hugging Face Hub id. */
  base: string;
  /** The study's recipe; null: the paper's values. */
  recipe: Recipe | null;
  /** Which pairs (the test split is left out unless the recipe trains on it). */
  filter: PairFilter;
  /** Replace OUT when it exists and is not empty. */
  force: boolean;
}

export interface TrlProjectResult {
  out: string;
  pairs: number;
  images: number;
  /** The files written, relative to OUT, data/images/ left out. */
  files: string[];
}

export async function writeTrlProject(ws: Workspace, request: TrlProjectRequest): Promise<TrlProjectResult> {
  const out = resolve(request.out);
  await checkProjectTarget(ws.dir, out, request.force);
  const settings = projectSettings(baseModel(request.base), request.recipe);
  const filter: PairFilter = { ...request.filter, ...(request.recipe?.data.includeTestSplit ? {} : { split: 'train' }) };

  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  await mkdir(join(temp, 'data'), { recursive: true });
  try {
    const dpo = await writeTrlExport(join(temp, 'data', 'dpo.jsonl'), exportable(ws, filter));
    if (dpo.written === 0) {
      throw new PivotError('INVALID_REQUEST', `No pairs of the workspace ${ws.dir} match ${filterWords(filter)}: there is nothing to train on. Curate some pairs, or widen --status / --dataset.`, { filter });
    }
    let sft = '';
    for (const pair of exportable(ws, filter)) sft += sftLine(pair);
    const files: Record<string, string> = {
      'data/sft.jsonl': sft,
      'settings.py': settingsPy(settings),
      ...PYTHON_FILES,
      ...launchConfigFiles(),
      'requirements.txt': requirementsTxt(),
      'README.md': readmeMd({ settings, pairs: dpo.written, images: dpo.images, workspace: ws.dir }),
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(temp, path)), { recursive: true });
      await writeFile(join(temp, path), text);
    }
    await moveIntoPlace(temp, out);
    return { out, pairs: dpo.written, images: dpo.images, files: ['data/dpo.jsonl', ...Object.keys(files)].sort() };
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * OUT must not be the workspace, hold it, or lie in its own folders (a forced replace would delete them), nor be a
 * file; an existing folder with something in it is replaced only with `force`. Its parent must exist.
 */
async function checkProjectTarget(workspaceDir: string, out: string, force: boolean): Promise<void> {
  const workspace = resolve(workspaceDir);
  const rel = relative(out, workspace);
  const holdsWorkspace = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  const inOwnFolders = ['images', 'runs', 'reports'].some((name) => {
    const r = relative(join(workspace, name), out);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  });
  if (holdsWorkspace || inOwnFolders) {
    throw new PivotError('INVALID_REQUEST', `Cannot write the TRL project to "${out}": it would replace the workspace ${workspace} or its own files. Choose a folder outside it.`, { out, workspace });
  }
  if (!existsSync(dirname(out))) {
    throw new PivotError('INVALID_REQUEST', `The folder "${dirname(out)}" does not exist: create it first, or choose another output folder.`, { folder: dirname(out) });
  }
  const existing = await stat(out).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new PivotError('INVALID_REQUEST', `Cannot write the TRL project to "${out}": it is a file. Name a folder.`, { out });
  }
  if (existing && !force && (await readdir(out)).length > 0) {
    throw new PivotError('INVALID_REQUEST', `"${out}" already exists and is not empty: choose another folder, or replace it with --force.`, { exists: out });
  }
}

/** A local folder must be a LLaVA model folder (made absolute); anything else not on disk is taken as a Hub id. */
function baseModel(base: string): string {
  const path = resolve(base);
  if (!existsSync(path)) {
    if (/^[\w.-]+\/[\w.-]+$/.test(base)) return base;
    throw new PivotError('NOT_FOUND', `The base model folder "${path}" does not exist. Give --base a LLaVA model folder or a Hugging Face Hub id (owner/name).`, { base });
  }
  const config = join(path, 'config.json');
  let modelType: unknown;
  try {
    modelType = (JSON.parse(readFileSync(config, 'utf8')) as { model_type?: unknown }).model_type;
  } catch (err) {
    throw new PivotError('INVALID_REQUEST', `--base "${path}" is not a model folder: ${config} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`, { base: path });
  }
  if (modelType !== 'llava') {
    throw new PivotError('INVALID_REQUEST', `--base "${path}" is a ${JSON.stringify(modelType)} model, but the TRL project trains a LLaVA model (config.json "model_type": "llava"): give a LLaVA folder, e.g. one written by \`pivot export --mllm\`.`, { base: path, modelType });
  }
  return path;
}

/** A new OUT is a rename; an existing one is moved aside first and removed once the new one is in place. */
async function moveIntoPlace(temp: string, out: string): Promise<void> {
  if (!existsSync(out)) {
    await rename(temp, out);
    return;
  }
  const old = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.old`);
  await rename(out, old);
  await rename(temp, out);
  await rm(old, { recursive: true, force: true });
}

/** The filter in words, for the message when nothing matches. */
function filterWords(filter: PairFilter): string {
  const parts = [filter.status ? `status ${filter.status.join('|')}` : '', filter.dataset ? `dataset "${filter.dataset}"` : '', filter.split ? `split ${filter.split}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'the filter';
}
