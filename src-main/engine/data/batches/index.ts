// Training data for the MLLM: dataset folders read and checked, images decoded once, tokenised stage items,
// seeded epochs and collated batches.
export { readDataset, captionsFromPairs, datasetError, PAIRS_FILE, CAPTIONS_FILE, type DatasetRecords, type PairRecord, type CaptionRecord, type RecordLocation } from './records';
export { ImageCache, decodeImage, type ImagePreprocessing } from './images';
export { tokenisedItems, tokeniseRecord, type ImageRecord, type UntrainableRecord, type RecordProblemReason, type RecordTexts, type StageItem, type SequenceLimits } from './examples';
export { planSteps, epochOrder, stepMicroBatches, collate, type StepPlan } from './batches';
