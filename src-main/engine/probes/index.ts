// Encoder probes: datasets and image loading, the linear probe, the Patch-Seg segmentation probe.
export { classFolderDataset, firstImages, openProbeDataset, segmentationFolderDataset, shapesWorldDataset, type ProbeDataset, type ProbeItem, type ProbeSplit } from './image-folder';
export { CLIP_MEAN, CLIP_STD, SIGLIP_MEAN, SIGLIP_STD, decodeImage, loadImages, loadMasks, stackPixels, type ImagePreprocess, type MaskSource } from './image-decode';
export { decodeMaskPng, readMaskPng, resizeMaskNearest, type ClassMask } from './mask-png';
export { encodeBatches, encodePatchTokens, visionModelEncoder, type EncoderFeatures, type FeatureBatch, type FeatureEncoder, type VisionModelEncoder } from './encoder';
export { fitLogistic, predict, predictProba, type LogisticFit, type LogisticModel, type LogisticOptions, type Matrix } from './logistic-regression';
export { DEFAULT_C_GRID, LINEAR_PROBE_PROTOCOL, extractPooledFeatures, linearProbe, poolPatchTokens, type LinearProbeOptions, type LinearProbeResult, type LinearProbeSeed, type PooledFeatures } from './linear-probe';
export { addConfusion, patchLabels, patchOf, scoresFromConfusion, upsampleBilinearArgmax, upsampleNearest, type ClassScores } from './segmentation-metrics';
export { SEGMENTATION_PROBE_PROTOCOL, segmentationProbe, type SegmentationProbeInput, type SegmentationProbeOptions, type SegmentationProbeResult, type SegmentationProbeSeed } from './segmentation-probe';
export { meanStd, stratifiedSplit, type MeanStd } from './stats';
