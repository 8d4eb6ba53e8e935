// How much memory training an MLLM needs — weights, gradients, AdamW state and the activations kept for the backward
// pass at the chosen batch — and the refusal, before the first step, of a run that cannot fit in the backend's
// memory. Pure arithmetic (no tfjs), so the window can show the estimate before a model is built.
import { totalmem } from 'node:os';
import { PivotError } from '../../../src-shared/errors';
import type { Qwen2Config } from './qwen2/config';
import type { VisionTransformerConfig } from './clip/vision-config';
import type { MllmPart } from './mllm/parts';

/** The engine holds every parameter, gradient, moment and activation as float32. */
const BYTES = 4;

/** The vision tower as far as the MLLM runs it (blocks up to the feature layer). */
export interface EncoderMemoryShape {
  parameters: number;
  /** Parameters that get gradients (0 when the stage leaves the encoder frozen). */
  trainable: number;
  hiddenSize: number;
  /** Blocks run: those up to the feature layer. */
  layers: number;
  /** Tokens per image, class token included. */
  tokens: number;
  heads: number;
  intermediateSize: number;
}

export interface LmMemoryShape {
  parameters: number;
  trainable: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediateSize: number;
  vocabSize: number;
  /** Width of one attention head. Default hiddenSize / heads. */
  headDim?: number;
  /** The LM head reuses the token embeddings (tie_word_embeddings). Default false. */
  tiedEmbeddings?: boolean;
}

/** What the estimate depends on. */
export interface TrainingMemoryInput {
  encoder: EncoderMemoryShape;
  projector: { parameters: number; trainable: number };
  lm: LmMemoryShape;
  /** Sequences per forward pass (DPO: 2 × batchSize, chosen and rejected); each is counted with one image. */
  batchRows: number;
  /** Tokens per sequence, image tokens expanded. */
  sequenceLength: number;
  activationCheckpointing: boolean;
  optimizer: 'adamw';
  /** Forward passes per step: above 1 the step's gradient sum is held beside one pass's gradients. Default 1. */
  gradAccum?: number;
  /**
   * Whether the backend runs the fused attention and log-softmax kernels (native, cuda): they keep a logsumexp per
   * row instead of the [heads, L, L] attention weights, and no [rows, L, vocab] log-softmax. Default false.
   */
  fusedKernels?: boolean;
}

/**
 * Without the fused kernels (cpu, wasm) every LayerNorm, RMSNorm, GELU, SiLU and RoPE is several tfjs ops, each output
 * kept or given a gradient, which the per-op counts below (written for the fused kernels) leave out: on the toy preset
 * (cpu, 2 rows, test/main/engine/nn/checkpoint.test.ts) the measured peak is 3.7× their count, so 4× is taken there.
 */
const COMPOSED_OPS_FACTOR = 4;

/** Bytes of each term and their sum. */
export interface TrainingMemoryEstimate {
  weights: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  total: number;
}

/**
 * Float32 elements tfjs keeps per sequence for one vision block's backward (what each op's gradient saves), with
 * T tokens, width h, MLP width I, H heads: the block input and the mid-block residual (2Th), both LayerNorm outputs
 * (2Th), q, k and v split into heads (3Th), the merged attention output (Th), the MLP's pre- and post-activation
 * (2TI), and the attention itself — composed: the raw and softmaxed scores (2HT²); fused: its output and a
 * logsumexp per row (Th + HT).
 */
function visionBlockElements(e: EncoderMemoryShape, fused: boolean): number {
  const { tokens: t, hiddenSize: h, heads, intermediateSize: i } = e;
  const attention = fused ? t * h + heads * t : 2 * heads * t * t;
  return 8 * t * h + 2 * t * i + attention;
}

/**
 * The same for one Qwen2 decoder block over L positions, width d, key/value width e (kvHeads · headDim): input and
 * mid residual (2Ld), both RMSNorm outputs (2Ld), q before and after RoPE (2Ld), k before and after RoPE (2Le), v
 * (Le), the merged attention output (Ld), SwiGLU's gate before and after SiLU, up and their product (4LI), and the
 * attention — composed: the key/value heads repeated for every query head (2Ld) and four [H, L, L] tensors (the raw
 * scores, scaled, with the causal bias, with the padding bias: each add keeps its inputs, then the softmax);
 * fused: its output and logsumexp (Ld + HL).
 */
function lmBlockElements(lm: LmMemoryShape, length: number, fused: boolean): number {
  const { hiddenSize: d, heads, intermediateSize: i } = lm;
  const l = length;
  const e = lm.kvHeads * (lm.headDim ?? d / heads);
  const attention = fused ? l * d + heads * l : 2 * l * d + 4 * heads * l * l;
  return 9 * l * d + 3 * l * e + 4 * l * i + attention;
}

/**
 * Float32 elements of the activations of one training step, summed over the batch: every block's (or, with
 * activation checkpointing, every block's input plus one block recomputed at a time in the backward), the patch
 * embeddings and the projector (its input, hidden and GELU outputs per image token), the LM's embeddings, final norm
 * and head input (3Ld) — each twice, because tfjs frees no gradient before the backward pass ends (its
 * backpropagateGradients keeps every tensor's gradient in one map), so each kept activation is matched by its
 * gradient at the peak; then the logits [rows, L, vocab] — kept for the loss, then their gradient and, composed, the
 * exp(x − logsumexp) beside it: ×3 composed, ×2 fused; plus a tied head's copies of the table.
 */
function activationElements(input: TrainingMemoryInput): number {
  const { encoder: e, lm, batchRows: rows, sequenceLength: l } = input;
  const fused = input.fusedKernels ?? false;
  const vision = visionBlockElements(e, fused);
  const decoder = lmBlockElements(lm, l, fused);
  const blocks = input.activationCheckpointing
    ? e.layers * e.tokens * e.hiddenSize + lm.layers * l * lm.hiddenSize + Math.max(vision, decoder)
    : e.layers * vision + lm.layers * decoder;
  const projector = e.tokens * (e.hiddenSize + 2 * lm.hiddenSize);
  const embeddings = e.tokens * e.hiddenSize + 3 * l * lm.hiddenSize;
  const logits = (fused ? 2 : 3) * l * lm.vocabSize;
  const perOp = fused ? 1 : COMPOSED_OPS_FACTOR;
  return rows * (2 * perOp * (blocks + projector + embeddings) + logits) + tiedTableElements(lm);
}

/**
 * A tied LM head multiplies by the transposed embedding table, which its product keeps for the backward; when the LM
 * trains, the table's gradient then comes from the product ([hidden, vocab], then transposed back) and from the
 * embedding's scatter, all held until summed: four [vocab, hidden] tensors beyond the gradient counted with the
 * others (one when the LM is frozen), whatever the batch.
 */
function tiedTableElements(lm: LmMemoryShape): number {
  if (!lm.tiedEmbeddings) return 0;
  return (lm.trainable > 0 ? 4 : 1) * lm.vocabSize * lm.hiddenSize;
}

/** Bytes of weights, gradients, AdamW state and activations for one training step. */
export function estimateTrainingMemory(input: TrainingMemoryInput): TrainingMemoryEstimate {
  const parameters = input.encoder.parameters + input.projector.parameters + input.lm.parameters;
  const trainable = input.encoder.trainable + input.projector.trainable + input.lm.trainable;
  const weights = parameters * BYTES;
  const gradients = trainable * BYTES * ((input.gradAccum ?? 1) > 1 ? 2 : 1);
  // AdamW's first and second moments, one each per trainable parameter.
  const optimizerState = 2 * trainable * BYTES;
  const activations = activationElements(input) * BYTES;
  return { weights, gradients, optimizerState, activations, total: weights + gradients + optimizerState + activations };
}

/** An MLLM's shape as its configs give it, with parameter counts (from `parameterCount` or the built model). */
export interface MllmMemorySpec {
  encoder: Pick<VisionTransformerConfig, 'hidden_size' | 'intermediate_size' | 'num_hidden_layers' | 'num_attention_heads' | 'numPatches'>;
  /** CLIP has a class token, SigLIP not. */
  classToken: boolean;
  lm: Pick<Qwen2Config, 'hidden_size' | 'intermediate_size' | 'num_hidden_layers' | 'num_attention_heads' | 'num_key_value_heads' | 'vocab_size' | 'head_dim'> &
    Partial<Pick<Qwen2Config, 'tie_word_embeddings'>>;
  /** LLaVA's vision_feature_layer (index into hidden_states, negative from the end). */
  featureLayer: number;
  /** Parameters of each part the forward pass uses (the encoder's up to the feature layer). */
  parameters: Readonly<Record<MllmPart, number>>;
}

/** What a stage sets that the estimate depends on. */
export interface TrainingMemoryRun {
  trainable: readonly MllmPart[];
  batchRows: number;
  sequenceLength: number;
  activationCheckpointing: boolean;
  gradAccum?: number;
  fusedKernels?: boolean;
}

/** The estimate's input for an MLLM of these configs trained as `run` says. */
export function memoryEstimateOf(spec: MllmMemorySpec, run: TrainingMemoryRun): TrainingMemoryInput {
  const { encoder, lm, parameters } = spec;
  const trainable = (part: MllmPart): number => (run.trainable.includes(part) ? parameters[part] : 0);
  // hidden_states has num_hidden_layers + 1 entries; entry k is the output of block k − 1, so k blocks run.
  const blocks = spec.featureLayer < 0 ? encoder.num_hidden_layers + 1 + spec.featureLayer : spec.featureLayer;
  return {
    encoder: {
      parameters: parameters.encoder, trainable: trainable('encoder'), hiddenSize: encoder.hidden_size, layers: blocks,
      tokens: encoder.numPatches + (spec.classToken ? 1 : 0), heads: encoder.num_attention_heads, intermediateSize: encoder.intermediate_size,
    },
    projector: { parameters: parameters.projector, trainable: trainable('projector') },
    lm: {
      parameters: parameters.lm, trainable: trainable('lm'), hiddenSize: lm.hidden_size, layers: lm.num_hidden_layers,
      heads: lm.num_attention_heads, kvHeads: lm.num_key_value_heads, intermediateSize: lm.intermediate_size,
      vocabSize: lm.vocab_size, headDim: lm.head_dim, ...(lm.tie_word_embeddings ? { tiedEmbeddings: true } : {}),
    },
    batchRows: run.batchRows,
    sequenceLength: run.sequenceLength,
    activationCheckpointing: run.activationCheckpointing,
    optimizer: 'adamw',
    ...(run.gradAccum !== undefined ? { gradAccum: run.gradAccum } : {}),
    ...(run.fusedKernels !== undefined ? { fusedKernels: run.fusedKernels } : {}),
  };
}

/** An MLLM as built: its configs and the variables of each part (only sizes are read). */
export interface BuiltMllmShape {
  encoder: { config: MllmMemorySpec['encoder']; hasClassToken: boolean };
  lm: { config: MllmMemorySpec['lm'] };
  config: { featureLayer: number };
  variables(part: MllmPart): readonly { size: number }[];
}

/** The spec of a built MLLM, its parameters counted from the variables its forward pass uses. */
export function memorySpecOfModel(model: BuiltMllmShape): MllmMemorySpec {
  const count = (part: MllmPart): number => model.variables(part).reduce((sum, v) => sum + v.size, 0);
  return {
    encoder: model.encoder.config,
    classToken: model.encoder.hasClassToken,
    lm: model.lm.config,
    featureLayer: model.config.featureLayer,
    parameters: { encoder: count('encoder'), projector: count('projector'), lm: count('lm') },
  };
}

/** Memory a backend can give a training run. */
export interface AvailableMemory {
  bytes: number;
  /** Where the figure comes from, as the refusal words it: "the 62.00 GiB of RAM the native backend uses". */
  source: string;
}

/** The 4 GiB a wasm32 module can address at most: the wasm backend's whole heap. */
const WASM_HEAP_BYTES = 4 * 2 ** 30;

/**
 * What `backend` offers: a CUDA device's own memory when the addon reports it (`deviceTotalBytes`), wasm's 4 GiB heap,
 * else this machine's RAM (native, tensorflow and cpu allocate there).
 */
export function availableMemoryFor(backend: string, deviceTotalBytes?: number): AvailableMemory {
  if (backend === 'cuda' && deviceTotalBytes !== undefined && deviceTotalBytes > 0) {
    return { bytes: deviceTotalBytes, source: `the GPU's ${gib(deviceTotalBytes)}` };
  }
  if (backend === 'wasm') return { bytes: WASM_HEAP_BYTES, source: `the wasm backend's ${gib(WASM_HEAP_BYTES)} heap` };
  const ram = totalmem();
  return { bytes: ram, source: `the ${gib(ram)} of RAM the ${backend} backend uses` };
}

/** Bytes as GiB with two decimals (the unit `free -g` and nvidia-smi show), MiB with one below 1 GiB (the toy models). */
export function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The estimate as one line, every term named: what the run log records before the first step. */
export function describeMemoryEstimate(estimate: TrainingMemoryEstimate): string {
  return `weights ${gib(estimate.weights)} + gradients ${gib(estimate.gradients)} + AdamW state ${gib(estimate.optimizerState)} + ` +
    `activations ${gib(estimate.activations)} = ${gib(estimate.total)}`;
}

/**
 * Throws INVALID_CONFIG, before any step runs, when the estimate exceeds what the backend has: the message names
 * every term, the memory it was compared with, and the settings that shrink each term. `source` names the run
 * (a recipe stage) in the message.
 */
export function checkTrainingFits(estimate: TrainingMemoryEstimate, available: AvailableMemory, source: string): void {
  if (estimate.total <= available.bytes) return;
  throw new PivotError('INVALID_CONFIG',
    `${source}: training needs about ${gib(estimate.total)} (${describeMemoryEstimate(estimate)}) but that is more than ${available.source}. ` +
      'To fit: lower batchSize and raise gradAccum to keep the same step (activations scale ' +
      'with the batch), set activationCheckpointing: true (keeps one block\'s activations instead of all), or train fewer ' +
      'parts in "trainable" (a frozen part needs no gradients nor AdamW state); a shorter data.maxLength also shrinks the activations.',
    { field: 'batchSize' },
  );
}
