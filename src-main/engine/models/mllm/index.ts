// The MLLM of the study (encoder → projector → Qwen2 LM): presets, building, splicing, checkpoints.
export { Mllm, MLLM_PARTS, type MllmPart, type MllmBatch, type MllmOutput, type TokenizerFiles } from './model';
export { MultiModalProjector, projectorSpecs } from './projector';
export { spliceLayout, spliceEmbeddings, type SequenceRow, type SpliceLayout } from './splice';
export { MLLM_PRESETS, MLLM_PRESET_NAMES, type MllmPreset, type MllmPresetName } from './presets';
export { createPresetMllm, createPretrainedMllm, readTokenizerFiles, tokenizerFromFiles, type MllmBuildOptions } from './build';
export { saveMllm, loadMllm, PROJECTOR_FILE } from './checkpoint';
export { MLLM_CONFIG_FILE, readMllmConfig, type MllmConfig } from './config';
