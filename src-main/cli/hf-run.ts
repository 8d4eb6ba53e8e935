// Runs a Hugging Face checkpoint folder on inputs from a safetensors file and writes its outputs under transformers'
// names: a CLIP / SigLIP vision tower (pixel_values → last_hidden_state, pooler_output, hidden_states.{i}) or a Qwen2
// causal LM (input_ids → logits, hidden_states.{i}; inputs_embeds → logits_from_embeds). `pivot hf run` calls it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PivotError } from '../../src-shared/errors';
import { selectBackend } from '../engine/backend/select';
import * as tf from '../engine/backend/tf';
import { readSafetensors, writeSafetensorsAtomic, type DecodedTensor, type TensorToWrite } from '../engine/io/safetensors';
import { loadVisionModel, visionFamily } from '../engine/models/hf';
import { loadQwen2 } from '../engine/models/qwen2';

export interface HfRunOptions {
  modelDir: string;
  inputs: string;
  out: string;
  backend?: string;
  /** CPU threads of the native backend; all cores when omitted. */
  threads?: number;
}

export interface HfRunReport {
  model: 'clip' | 'siglip' | 'qwen2';
  backend: string;
  out: string;
  /** Output name → shape. */
  outputs: Record<string, number[]>;
}

export async function runHfModel(options: HfRunOptions): Promise<HfRunReport> {
  const dir = resolve(options.modelDir);
  const config = readConfig(dir);
  const selected = await selectBackend(options.backend, { threads: options.threads });
  const inputs = readSafetensors(resolve(options.inputs)).tensors;
  const isQwen2 = config.model_type === 'qwen2' || (Array.isArray(config.architectures) && config.architectures.includes('Qwen2ForCausalLM'));
  const kind = isQwen2 ? 'qwen2' : familyOf(config, dir);
  const outputs: Record<string, tf.Tensor> = {};
  if (kind === 'qwen2') {
    const model = loadQwen2(dir);
    Object.assign(outputs, runCausalLm(model, inputs, options.inputs));
    model.dispose();
  } else {
    const model = await loadVisionModel(dir);
    const pixels = need(inputs, 'pixel_values', options.inputs, 'a vision model reads pixel_values, float32 [batch, channels, size, size]');
    const pixelValues = tensorOf(pixels, 'float32');
    const out = model.forward(pixelValues, { outputHiddenStates: true });
    outputs.last_hidden_state = out.lastHiddenState;
    if (out.poolerOutput) outputs.pooler_output = out.poolerOutput;
    out.hiddenStates?.forEach((h, i) => (outputs[`hidden_states.${i}`] = h));
    pixelValues.dispose();
    model.dispose();
  }
  const toWrite: Record<string, TensorToWrite> = {};
  for (const [name, t] of Object.entries(outputs)) toWrite[name] = { dtype: 'F32', shape: t.shape, data: Float32Array.from(await t.data()) };
  const out = resolve(options.out);
  await writeSafetensorsAtomic(out, toWrite, { format: 'pt' });
  tf.dispose(Object.values(outputs));
  return { model: kind, backend: selected.name, out, outputs: Object.fromEntries(Object.entries(toWrite).map(([k, t]) => [k, [...t.shape]])) };
}

function runCausalLm(model: ReturnType<typeof loadQwen2>, inputs: Record<string, DecodedTensor>, file: string): Record<string, tf.Tensor> {
  if (!inputs.input_ids && !inputs.inputs_embeds) {
    throw new PivotError('INVALID_DATA', `${file} has neither input_ids (int [batch, tokens]) nor inputs_embeds (float32 [batch, tokens, hidden]): a causal LM reads one of them.`, { file });
  }
  const outputs: Record<string, tf.Tensor> = {};
  const attentionMask = inputs.attention_mask ? (tensorOf(inputs.attention_mask, 'float32') as tf.Tensor2D) : undefined;
  if (inputs.input_ids) {
    const inputIds = tensorOf(inputs.input_ids, 'int32') as tf.Tensor2D;
    const out = model.forward({ inputIds, ...(attentionMask ? { attentionMask } : {}) }, { outputHiddenStates: true });
    outputs.logits = out.logits;
    out.hiddenStates?.forEach((h, i) => (outputs[`hidden_states.${i}`] = h));
    inputIds.dispose();
  }
  if (inputs.inputs_embeds) {
    const inputsEmbeds = tensorOf(inputs.inputs_embeds, 'float32') as tf.Tensor3D;
    outputs.logits_from_embeds = model.forward({ inputsEmbeds }).logits;
    inputsEmbeds.dispose();
  }
  attentionMask?.dispose();
  return outputs;
}

function readConfig(dir: string): Record<string, unknown> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PivotError('FILE_UNREADABLE', `${dir}: no config.json; point to a folder written by save_pretrained (config.json + model.safetensors).`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new PivotError('FILE_UNREADABLE', `${path}: bad JSON (${(err as Error).message}).`);
  }
}

function familyOf(config: Record<string, unknown>, dir: string): 'clip' | 'siglip' {
  const file = join(dir, 'config.json');
  try {
    return visionFamily(config, file);
  } catch (err) {
    if (!(err instanceof PivotError) || err.code !== 'UNSUPPORTED_MODEL') throw err;
    // `hf run` also runs a Qwen2 LM, which the vision families' message cannot know.
    const modelType = typeof config.model_type === 'string' ? { modelType: config.model_type } : {};
    throw new PivotError('UNSUPPORTED_MODEL', `${err.message} Or a Qwen2 causal LM (model_type qwen2).`, { file, ...modelType });
  }
}

function need(inputs: Record<string, DecodedTensor>, key: string, file: string, why: string): DecodedTensor {
  const t = inputs[key];
  if (!t) throw new PivotError('INVALID_DATA', `${file} has no tensor "${key}": ${why} (it has ${Object.keys(inputs).join(', ') || 'none'}).`, { file, field: key });
  return t;
}

function tensorOf(t: DecodedTensor, dtype: 'float32' | 'int32'): tf.Tensor {
  return tf.tensor(dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape, dtype);
}
