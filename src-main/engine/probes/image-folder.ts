// The datasets a probe can read: a Shapes world folder, ImageNet-style class folders, and
// segmentation folders (images/ + masks/). Only file listings and labels here; decoding is image-decode.ts.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { PivotError } from '../../../src-shared/errors';

export type ProbeSplit = 'train' | 'test';

/** One sample: absolute paths, its image-level label and/or mask, and a fixed split where the dataset has one. */
export interface ProbeItem {
  id: string;
  image: string;
  /** Index into `labelNames`; absent when the image has no label (a Shapes image without objects). */
  label?: number;
  mask?: string;
  split?: ProbeSplit;
}

export interface ProbeDataset {
  layout: 'shapes-world' | 'class-folders' | 'segmentation-folders';
  root: string;
  items: ProbeItem[];
  /** Image-level class names, index = label; empty when the layout has no image labels. */
  labelNames: string[];
  /** Segmentation class names, index = class id; empty when unknown (ids are then numbered). */
  maskClassNames: string[];
  /** Mask value that marks unlabelled pixels (255 by the VOC / ADE convention), excluded from every metric. */
  ignoreIndex: number;
  /** Set when `items` is the folder's first images only (`firstImages`): how many images the folder holds. */
  imagesInFolder?: number;
}

/**
 * The dataset's first `count` images (file order), or all of it when it holds no more. A large world is measured on
 * part of it: the linear probe's L-BFGS and the alignment's k-NN grow faster than the image count, and a Shapes
 * world's images are independent draws, so its first images are as good a sample as any.
 */
export function firstImages(dataset: ProbeDataset, count: number): ProbeDataset {
  if (dataset.items.length <= count) return dataset;
  return { ...dataset, items: dataset.items.slice(0, count), imagesInFolder: dataset.imagesInFolder ?? dataset.items.length };
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const isImage = (name: string) => !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new PivotError('INVALID_DATA', `${path}: line ${i + 1} is not valid JSON`, { file: path, line: i + 1 });
      }
    });
}

/** classes.json as the Shapes world writes it ([{id, name}]) or a plain list of names. */
async function readClassNames(path: string): Promise<string[]> {
  const json = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (!Array.isArray(json)) throw new PivotError('INVALID_DATA', `${path}: expected a JSON array of class names or {id, name} objects`, { file: path });
  const names: string[] = [];
  json.forEach((entry: unknown, i) => {
    if (typeof entry === 'string') names[i] = entry;
    else if (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string') {
      const { id, name } = entry as { id?: unknown; name: string };
      names[typeof id === 'number' ? id : i] = name;
    } else throw new PivotError('INVALID_DATA', `${path}: entry ${i} is neither a name nor an {id, name} object`, { file: path });
  });
  return Array.from(names, (n, i) => n ?? `class ${i}`);
}

/**
 * A Shapes world folder: labels and splits from `captions.jsonl` (label = colour-shape class of the
 * largest object, 0..35), masks from `masks/<id>.png` (37 classes with background 0, `classes.json`).
 */
export async function shapesWorldDataset(folder: string): Promise<ProbeDataset> {
  const root = resolve(folder);
  const captions = join(root, 'captions.jsonl');
  if (!existsSync(captions)) throw new PivotError('FILE_UNREADABLE', `${root}: not a Shapes world folder (no captions.jsonl)`);
  const maskClassNames = await readClassNames(join(root, 'classes.json'));
  // Label k is segmentation class k + 1 (see LABEL_DEFINITION in data/shapes/captions.ts).
  const labelNames = maskClassNames.slice(1);
  const items = (await readJsonl(captions)).map((row, i): ProbeItem => {
    if (typeof row.image !== 'string') throw new PivotError('INVALID_DATA', `${captions}: line ${i + 1} has no "image"`, { file: captions, line: i + 1, field: 'image' });
    const id = basename(row.image, extname(row.image));
    const label = typeof row.label === 'number' && row.label >= 0 ? row.label : undefined;
    if (label !== undefined && label >= labelNames.length) throw new PivotError('INVALID_DATA', `${captions}: line ${i + 1} has label ${label}, beyond ${labelNames.length} classes`, { file: captions, line: i + 1, field: 'label' });
    const split = row.split === 'test' ? 'test' : 'train';
    return { id, image: join(root, row.image), label, mask: join(root, 'masks', `${id}.png`), split };
  });
  return { layout: 'shapes-world', root, items, labelNames, maskClassNames, ignoreIndex: 255 };
}

/** The sorted image files directly inside a class folder. */
async function classImages(dir: string, className: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(isImage).sort(byName);
  if (names.length === 0) throw new PivotError('INVALID_DATA', `${dir}: class "${className}" has no images (.jpg, .jpeg, .png, .webp)`);
  return names.map((n) => join(dir, n));
}

async function classFolders(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${root}: cannot read the folder (${(err as Error).message})`);
  }
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byName);
  if (classes.length === 0) throw new PivotError('INVALID_DATA', `${root}: no class folders (expected ${root}/<class_name>/*.jpg|png)`);
  return classes;
}

/**
 * ImageNet-style `root/<class_name>/*.jpg|png`; classes in sorted order. With `testRoot` (same layout,
 * e.g. ImageNet's val) those images form the fixed test split and every one of its classes must exist in `root`.
 */
export async function classFolderDataset(folder: string, options: { testRoot?: string } = {}): Promise<ProbeDataset> {
  const root = resolve(folder);
  const labelNames = await classFolders(root);
  const items: ProbeItem[] = [];
  const add = async (base: string, names: string[], split: ProbeSplit | undefined) => {
    for (const name of names) {
      const label = labelNames.indexOf(name);
      if (label < 0) throw new PivotError('INVALID_DATA', `${join(base, name)}: class "${name}" is not among the training classes in ${root}`);
      for (const image of await classImages(join(base, name), name)) {
        items.push({ id: `${name}/${basename(image)}`, image, label, split });
      }
    }
  };
  const testRoot = options.testRoot === undefined ? undefined : resolve(options.testRoot);
  await add(root, labelNames, testRoot === undefined ? undefined : 'train');
  if (testRoot !== undefined) await add(testRoot, await classFolders(testRoot), 'test');
  return { layout: 'class-folders', root, items, labelNames, maskClassNames: [], ignoreIndex: 255 };
}

/**
 * `root/images/<x>.jpg|png` with `root/masks/<x>.png` (class ids, grey or palette; 255 = ignore by
 * default), class names from an optional `root/classes.json`. Every image needs its mask.
 */
export async function segmentationFolderDataset(folder: string, options: { ignoreIndex?: number } = {}): Promise<ProbeDataset> {
  const root = resolve(folder);
  const imageDir = join(root, 'images');
  const maskDir = join(root, 'masks');
  for (const dir of [imageDir, maskDir]) {
    if (!existsSync(dir) || !(await stat(dir)).isDirectory()) throw new PivotError('FILE_UNREADABLE', `${root}: a segmentation folder needs images/ and masks/ (missing ${dir})`);
  }
  const names = (await readdir(imageDir)).filter(isImage).sort(byName);
  if (names.length === 0) throw new PivotError('INVALID_DATA', `${imageDir}: no images (.jpg, .jpeg, .png, .webp)`);
  const items = names.map((name): ProbeItem => {
    const id = basename(name, extname(name));
    const mask = join(maskDir, `${id}.png`);
    if (!existsSync(mask)) throw new PivotError('INVALID_DATA', `${join(imageDir, name)}: no mask ${mask}`);
    return { id, image: join(imageDir, name), mask };
  });
  const classesFile = join(root, 'classes.json');
  const maskClassNames = existsSync(classesFile) ? await readClassNames(classesFile) : [];
  return { layout: 'segmentation-folders', root, items, labelNames: [], maskClassNames, ignoreIndex: options.ignoreIndex ?? 255 };
}

/** Picks the layout from what the folder holds: captions.jsonl → Shapes world, images/ + masks/ → segmentation, else class folders. */
export async function openProbeDataset(folder: string): Promise<ProbeDataset> {
  const root = resolve(folder);
  if (existsSync(join(root, 'captions.jsonl'))) return shapesWorldDataset(root);
  if (existsSync(join(root, 'images')) && existsSync(join(root, 'masks'))) return segmentationFolderDataset(root);
  return classFolderDataset(root);
}
