// Exporting a trained model for use outside PIVOT Studio: the encoder or the whole MLLM as a Hugging Face folder, its model card, its self-check.
export { exportEncoder, type ExportOptions, type ExportReport } from './export-encoder';
export { modelCard, parseMeasurements, type ExportMeasurement, type ExportMeasurements, type ModelCardInput } from './model-card';
export { preprocessorConfig, baseModelOf } from './preprocessor';
export { sourceFromCheckpoint, sourceFromRun, type ExportSource } from './source';
export type { RunManifest } from '../run-folder/manifest';
export { checkExportedEncoder, EXPORT_TOLERANCE, type ExportCheck } from './verify';
export { exportMllm, type MllmExportOptions, type MllmExportReport } from './export-mllm';
