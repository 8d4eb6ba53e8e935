// SigLIP's vision tower (transformers' SiglipVisionModel, with or without the MAP head) on tfjs.
export { SiglipVisionConfig, type SiglipVisionConfigFields } from './config';
export { SiglipVisionModel, siglipVisionParamSpecs } from './model';
