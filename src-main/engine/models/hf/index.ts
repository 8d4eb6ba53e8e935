// Hugging Face interop for vision towers: load a CLIP / SigLIP folder, save one back.
export { loadVisionModel, visionModelFromWeights } from './load-vision-model';
export { saveVisionModel } from './save-vision-model';
export { visionConfigFromJSON, visionFamily, type VisionConfig, type VisionFamily, type VisionModel } from './vision-family';
export { CLIPVisionConfig } from '../clip/config';
export { CLIPVisionModel } from '../clip/model';
export { SiglipVisionConfig } from '../siglip/config';
export { SiglipVisionModel } from '../siglip/model';
export type { VisionForwardOptions, VisionModelOutput, VisionTransformer } from '../clip/vision-transformer';
export { defaultImageProcessor, imageProcessorToJson, loadImageProcessor, processImage, readImageProcessor, type ImageProcessorConfig } from './image-processor';
export { loadProcessor, saveProcessor, type Processor } from './processor';
