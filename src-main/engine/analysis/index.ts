// Encoder analyses beyond probes: Platonic vision–language alignment and the focus score of heat maps.
export { layerwiseAlignment, mutualKnn, mutualKnnFromNeighbours, nearestNeighbours, outlierThreshold, type AlignmentOptions, type FeatureSet, type LayerwiseAlignment } from './alignment';
export { lmLayerFeatures, visionLayerFeatures, type LanguageModelLike, type LayerFeatures, type VisionTower } from './layer-features';
export { focusScore, focusSummary, type FocusSample, type FocusScore, type FocusSummary } from './focus';
export { probeReliability, RELIABILITY_METHOD, smallestDetectableDifference, type ProbeReliability, type ProbeSplit } from './probe-reliability';
