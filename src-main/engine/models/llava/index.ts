// Hugging Face LLaVA folders (LlavaForConditionalGeneration) in and out of the engine's MLLM.
export { isLlavaConfig, readLlavaConfig, readLlavaFolderConfig, llavaConfigJson, type LlavaConfig } from './config';
export { LLAVA_KEYS, detectLayout, type LlavaKeys } from './layout';
export { isLlavaFolder, loadLlava, type LoadLlavaOptions } from './load';
export { saveLlava, type SaveLlavaOptions, type SavedLlava } from './save';
