// `pivot-studio/engine`: the engine as a library — the same functions the CLI and the app call.
export { listBackends, selectBackend } from './backend/select';
export { parseDifficulty, writeShapesWorld, generateSample, type ShapesWorldOptions, type ShapesWorldSummary } from './data/shapes';
export { train, loadRecipe, builtInRecipeNames, type TrainOptions, type TrainResult, type RunEvent, type RunControl } from './train';
export { loadMllm, saveMllm, createPresetMllm, createPretrainedMllm, Mllm } from './models/mllm';
export { loadVisionModel, saveVisionModel } from './models/hf';
export { loadLlava, saveLlava } from './models/llava';
export { loadQwen2, saveQwen2, Qwen2ForCausalLM } from './models/qwen2';
export { loadTokenizer } from './tokenizer';
export { sftLoss, dpoLoss, sequenceLogProbs } from './objectives';
export { linearProbe, segmentationProbe, openProbeDataset, visionModelEncoder } from './probes';
export { mutualKnn, layerwiseAlignment, focusScore } from './analysis';
export { gradcamForSample } from './analysis/gradcam';
export { gradcamFocus } from './analysis/gradcam-focus';
export { exportEncoder, exportMllm } from './export';
export { qaAccuracy, writeModelRejections, answerCandidates, openMllm, type QaAccuracyResult, type ModelRejectionsSummary } from './eval';
export { readSafetensors, writeSafetensors, loadSafetensorsFolder } from './io/safetensors';
export { runSweep, sweepPoints, type SweepOptions, type SweepReport } from './sweep';
