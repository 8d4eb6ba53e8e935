// The safetensors format, in one import: reading files and sharded folders, writing files and sharded folders (atomically).
export {
  SafetensorsFile,
  readSafetensors,
  type DecodedTensor,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type TensorSource,
} from './safetensors-read';
export { writeSafetensors, writeSafetensorsAtomic, type TensorToWrite } from './safetensors-write';
export { loadSafetensorsFolder, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from './safetensors-folder';
export { writeSafetensorsFolder, DEFAULT_MAX_SHARD_BYTES } from './safetensors-folder-write';
