// The training-memory estimate (models/memory-estimate.ts) of MLLMs around 1 B parameters at batch 1 on native (fused
// attention and log-softmax), with and without activation checkpointing, against a 24 GiB budget: whether each
// trains there. Pure arithmetic, instant. Run: `npx tsx bench/memory-estimate.ts`; paste the table into bench/RESULTS.md.
import { estimateTrainingMemory, gib, memoryEstimateOf } from '../src-main/engine/models/memory-estimate';
import { parameterCount } from '../src-main/engine/models/model-size';
import { MLLM_PRESETS } from '../src-main/engine/models/mllm/presets';
import { projectorSpecs } from '../src-main/engine/models/mllm/projector';
import { readQwen2Config } from '../src-main/engine/models/qwen2/config';
import { qwen2ParamSpecs } from '../src-main/engine/models/qwen2/parameters';
import { SiglipVisionConfig, type SiglipVisionConfigFields } from '../src-main/engine/models/siglip/config';
import { siglipVisionParamSpecs } from '../src-main/engine/models/siglip/model';

const BUDGET = 24 * 2 ** 30;
/** Text tokens of a question and answer beside the image's (a Shapes QA pair is about 30). */
const TEXT_TOKENS = 64;

const QWEN25_05B = MLLM_PRESETS.base.lm;
const QWEN25_15B = { ...QWEN25_05B, hidden_size: 1536, intermediate_size: 8960, num_hidden_layers: 28, num_attention_heads: 12 };
const SIGLIP_SO400M: SiglipVisionConfigFields = {
  image_size: 384, patch_size: 14, hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, vision_use_head: false,
};

const MODELS: { name: string; encoder: SiglipVisionConfigFields; lm: Record<string, unknown> }[] = [
  { name: '`base` preset: ViT-B/16 224 px + Qwen2.5-0.5B', encoder: MLLM_PRESETS.base.encoder, lm: QWEN25_05B },
  { name: 'SigLIP-so400m/14 384 px + Qwen2.5-0.5B (nanoLLaVA layout)', encoder: SIGLIP_SO400M, lm: QWEN25_05B },
  { name: 'ViT-B/16 224 px + Qwen2.5-1.5B', encoder: MLLM_PRESETS.base.encoder, lm: QWEN25_15B },
];

const rows: string[] = [];
for (const model of MODELS) {
  const encoder = new SiglipVisionConfig(model.encoder, model.name);
  const lm = readQwen2Config({ model_type: 'qwen2', ...model.lm }, model.name);
  const parameters = {
    // The encoder's blocks after the feature layer (−2) do not run and are not trained; counted as weights anyway.
    encoder: parameterCount(encoder, siglipVisionParamSpecs),
    projector: projectorSpecs(encoder.hidden_size, lm.hidden_size).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0),
    lm: parameterCount(lm, qwen2ParamSpecs),
  };
  const total = parameters.encoder + parameters.projector + parameters.lm;
  for (const activationCheckpointing of [false, true]) {
    const e = estimateTrainingMemory(memoryEstimateOf(
      { encoder, classToken: false, lm, featureLayer: -2, parameters },
      { trainable: ['encoder', 'projector', 'lm'], batchRows: 1, sequenceLength: encoder.numPatches + TEXT_TOKENS, activationCheckpointing, fusedKernels: true },
    ));
    rows.push(
      `| ${model.name} | ${(total / 1e9).toFixed(2)} B | ${encoder.numPatches + TEXT_TOKENS} | ${activationCheckpointing ? 'on' : 'off'} | ` +
        `${gib(e.weights + e.gradients + e.optimizerState)} | ${gib(e.activations)} | ${gib(e.total)} | ${e.total <= BUDGET ? 'yes' : 'no'} |`,
    );
  }
}
process.stdout.write(
  '| model | parameters | sequence | checkpointing | weights + gradients + AdamW | activations | total | fits 24 GiB |\n' +
    `|---|---:|---:|---|---:|---:|---:|---|\n${rows.join('\n')}\n`,
);
