// Writing a model folder's weights as transformers does: one `model.safetensors`, or, over the shard size,
// `model-0000i-of-0000n.safetensors` shards and a `model.safetensors.index.json` mapping each tensor to its shard.
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from './safetensors-folder';
import { writeSafetensorsAtomic, type TensorToWrite } from './safetensors-write';

/** transformers' default `max_shard_size` of save_pretrained (5 GB, decimal). */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** Bytes of a tensor's data in the file. */
function byteSize(tensor: TensorToWrite): number {
  return tensor.shape.reduce((a, b) => a * b, 1) * 4;
}

/**
 * Writes `tensors` into `dir` (which must exist), in shards of at most `maxShardBytes` of tensor data each (a tensor
 * larger than that gets a shard of its own); returns the files written.
 */
export async function writeSafetensorsFolder(
  dir: string,
  tensors: Record<string, TensorToWrite>,
  metadata: Record<string, string> = {},
  maxShardBytes = DEFAULT_MAX_SHARD_BYTES,
): Promise<string[]> {
  const names = Object.keys(tensors).sort();
  const total = names.reduce((sum, name) => sum + byteSize(tensors[name] as TensorToWrite), 0);
  if (total <= maxShardBytes) {
    await writeSafetensorsAtomic(join(dir, SAFETENSORS_FILE), tensors, metadata);
    return [SAFETENSORS_FILE];
  }
  const shards: string[][] = [];
  let size = 0;
  for (const name of names) {
    const bytes = byteSize(tensors[name] as TensorToWrite);
    const last = shards[shards.length - 1];
    if (last === undefined || size + bytes > maxShardBytes) {
      shards.push([name]);
      size = bytes;
    } else {
      last.push(name);
      size += bytes;
    }
  }
  const pad = (n: number): string => String(n).padStart(5, '0');
  const files = shards.map((_, i) => `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    const file = files[i] as string;
    await writeSafetensorsAtomic(join(dir, file), Object.fromEntries(shard.map((name) => [name, tensors[name] as TensorToWrite])), metadata);
    for (const name of shard) weightMap[name] = file;
  }
  const index = { metadata: { total_size: total }, weight_map: weightMap };
  await writeFileAtomic(join(dir, SAFETENSORS_INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return [...files, SAFETENSORS_INDEX_FILE];
}
