// CLIP's vision tower (transformers' CLIPVisionModel) on tfjs.
export { CLIPVisionConfig, type CLIPVisionConfigFields } from './config';
export { CLIPVisionModel, clipVisionParamSpecs } from './model';
export type { VisionForwardOptions, VisionModelOutput } from './vision-transformer';
