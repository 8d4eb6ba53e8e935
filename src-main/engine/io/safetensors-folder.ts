// A Hugging Face model folder's weights: `model.safetensors`, or `model.safetensors.index.json`
// plus the shards its `weight_map` names, served as one TensorSource.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PivotError } from '../../../src-shared/errors';
import { SafetensorsFile, type DecodedTensor, type SafetensorsTensorInfo, type TensorSource } from './safetensors-read';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';

/** The tensors of a sharded checkpoint, each read from the shard the index maps it to. */
class ShardedSafetensors implements TensorSource {
  constructor(
    readonly location: string,
    private readonly shardOf: Map<string, SafetensorsFile>,
    private readonly indexMetadata: Record<string, string>,
  ) {}

  names(): string[] {
    return [...this.shardOf.keys()];
  }

  has(name: string): boolean {
    return this.shardOf.has(name);
  }

  private shard(name: string): SafetensorsFile {
    const shard = this.shardOf.get(name);
    if (!shard) throw new PivotError('CHECKPOINT_INCOMPATIBLE', `${this.location}: no tensor named "${name}" in the weight_map`, { file: this.location, tensor: name });
    return shard;
  }

  info(name: string): SafetensorsTensorInfo {
    return this.shard(name).info(name);
  }

  fileOf(name: string): string {
    return this.shard(name).file;
  }

  read(name: string): DecodedTensor {
    return this.shard(name).read(name);
  }

  metadata(): Record<string, string> {
    return this.indexMetadata;
  }
}

/**
 * Opens the weights of a model folder (headers only; tensors are read on demand).
 * `model.safetensors` wins when both it and an index exist, as in transformers.
 */
export function loadSafetensorsFolder(dir: string): TensorSource {
  const single = join(dir, SAFETENSORS_FILE);
  if (existsSync(single)) return SafetensorsFile.open(single);
  const indexPath = join(dir, SAFETENSORS_INDEX_FILE);
  if (!existsSync(indexPath)) {
    const hint = existsSync(join(dir, 'pytorch_model.bin'))
      ? ' It has pytorch_model.bin: re-save the model with safe_serialization=True (the default of save_pretrained).'
      : ' Point to the folder that save_pretrained wrote.';
    throw new PivotError('FILE_UNREADABLE', `${dir}: no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX_FILE} found.${hint}`);
  }
  const weightMap = readWeightMap(indexPath);
  const shards = new Map<string, SafetensorsFile>();
  const shardOf = new Map<string, SafetensorsFile>();
  for (const [name, shardName] of weightMap.entries) {
    let shard = shards.get(shardName);
    if (!shard) {
      const shardPath = join(dir, shardName);
      if (!existsSync(shardPath)) {
        throw new PivotError('FILE_UNREADABLE', `${indexPath}: shard "${shardName}" (holding "${name}") is missing from ${dir}; download every shard`);
      }
      shard = SafetensorsFile.open(shardPath);
      shards.set(shardName, shard);
    }
    if (!shard.has(name)) {
      throw new PivotError('INVALID_DATA', `${indexPath}: tensor "${name}" is mapped to ${shardName}, which does not contain it`, { file: indexPath });
    }
    shardOf.set(name, shard);
  }
  return new ShardedSafetensors(indexPath, shardOf, weightMap.metadata);
}

function readWeightMap(indexPath: string): { entries: [string, string][]; metadata: Record<string, string> } {
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (err) {
    throw new PivotError('INVALID_DATA', `${indexPath}: bad JSON (${(err as Error).message})`, { file: indexPath });
  }
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new PivotError('INVALID_DATA', `${indexPath}: no "weight_map" object (tensor name → shard file)`, { file: indexPath, field: 'weight_map' });
  }
  const entries = Object.entries(weightMap as Record<string, unknown>).map(([name, shard]): [string, string] => {
    // Shard names are plain file names; anything else could read outside the model folder.
    if (typeof shard !== 'string' || basename(shard) !== shard || shard === '..' || shard === '.') {
      throw new PivotError('INVALID_DATA', `${indexPath}: tensor "${name}" maps to ${JSON.stringify(shard)}, not a file name in this folder`, { file: indexPath, field: 'weight_map' });
    }
    return [name, shard];
  });
  const rawMetadata = (index as { metadata?: unknown }).metadata;
  const metadata: Record<string, string> = {};
  if (typeof rawMetadata === 'object' && rawMetadata !== null) {
    for (const [key, value] of Object.entries(rawMetadata)) metadata[key] = String(value);
  }
  return { entries, metadata };
}
