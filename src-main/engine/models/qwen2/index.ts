// Qwen2ForCausalLM (transformers parity): config, model, random init, Hugging Face folder I/O.
export { readQwen2Config, qwen2ConfigToJson, type Qwen2Config } from './config';
export {
  Qwen2ForCausalLM,
  randomInit,
  type Qwen2Inputs,
  type Qwen2ForwardOptions,
  type Qwen2Output,
} from './modeling';
export { qwen2ParamSpecs } from './parameters';
export { applyRotary, rotaryTables, type RotaryTables } from './rotaryEmbedding';
export { loadQwen2, qwen2FromWeights, saveQwen2 } from './checkpoint';
