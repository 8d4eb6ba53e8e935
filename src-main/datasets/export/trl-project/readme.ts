// The exported project's README.md: what is in it, and the exact lines that install it and launch SFT and DPO on
// one GPU, one node or several, then bring the trained models back into the workspace.
import { ACCELERATE_CONFIGS, DEFAULT_GPUS_PER_NODE, DEFAULT_NODES } from './launch-configs';
import type { ProjectSettings } from './settings';

export interface ReadmeFacts {
  settings: ProjectSettings;
  pairs: number;
  images: number;
  workspace: string;
}

export function readmeMd({ settings, pairs, images, workspace }: ReadmeFacts): string {
  const launch = (config: string, script: string, extra = '') => `accelerate launch --config_file accelerate/${config}.yaml${extra} ${script}`;
  const nodes = ` --num_machines ${DEFAULT_NODES} --num_processes ${DEFAULT_NODES * DEFAULT_GPUS_PER_NODE} --machine_rank $NODE_RANK --main_process_ip $MAIN_NODE_IP`;
  return `# PIVOT study: SFT and DPO with TRL

Written by \`pivot study export --to trl\` from the workspace ${workspace}: ${pairs} curated pairs and their ${images} images,
the hyper-parameters of ${settings.recipe}, for the base model \`${settings.baseModel}\`.
The vision tower trains (it is what the study measures), each part at its own learning rate.

| file | what it is |
|---|---|
| data/dpo.jsonl | the pairs in TRL's conversational vision preference format: \`images\`, \`prompt\`, \`chosen\`, \`rejected\` |
| data/sft.jsonl | the same prompts with their chosen answers as \`messages\`, and \`images\` |
| data/images/ | the images, named by their content hash; the JSONL names them relative to data/ |
| settings.py | the hyper-parameters (β, per-part learning rates, epochs, batch, warm-up, seed, max length): edit them here |
| sft.py, dpo.py | TRL's SFTTrainer and DPOTrainer on them; pivot_trl.py is what both share |
| accelerate/*.yaml | accelerate configs: ${Object.keys(ACCELERATE_CONFIGS).join(', ')} |
| deepspeed/*.json | DeepSpeed ZeRO-2 and ZeRO-3, named by the multi-node configs |
| requirements.txt | the pinned versions the scripts are written for |

## Install

\`\`\`
python3 -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
\`\`\`

Run every line below from this folder. If the base model's path differs on the cluster, set \`BASE_MODEL\` in settings.py.

## One GPU

\`\`\`
${launch('one-gpu', 'sft.py')}
${launch('one-gpu', 'dpo.py')}
\`\`\`

## One node, all its GPUs (DDP)

\`\`\`
${launch('one-node-ddp', 'sft.py', ` --num_processes ${DEFAULT_GPUS_PER_NODE}`)}
${launch('one-node-ddp', 'dpo.py', ` --num_processes ${DEFAULT_GPUS_PER_NODE}`)}
\`\`\`

Set \`--num_processes\` to the node's GPU count. The per-device batch stays settings.py's, so the effective batch grows
with the GPUs: divide \`gradient_accumulation_steps\` by their number to keep the recipe's.

## Several nodes, DeepSpeed ZeRO-2 or ZeRO-3

On every node, with \`NODE_RANK\` 0 … N−1 and \`MAIN_NODE_IP\` the address of node 0 (ZeRO-3 shards the weights too,
for models that do not fit one GPU with their optimizer state):

\`\`\`
${launch('multi-node-zero2', 'sft.py', nodes)}
${launch('multi-node-zero2', 'dpo.py', nodes)}
${launch('multi-node-zero3', 'sft.py', nodes)}
${launch('multi-node-zero3', 'dpo.py', nodes)}
\`\`\`

The configs are written for ${DEFAULT_NODES} nodes of ${DEFAULT_GPUS_PER_NODE} GPUs; the flags above override them.

## DPO after SFT

\`dpo.py\` starts from the base model; \`dpo.py sft-out\` starts from the SFT run's output instead (the study compares the
two branches from the same base, so the default is the base).

## Back into PIVOT

SFT writes sft-out/, DPO dpo-out/: LLaVA folders (config.json, safetensors, tokenizer, preprocessor config).
Bring each back as a run, then compare its encoder in the Compare tab or with \`pivot probe\`:

\`\`\`
pivot runs import sft-out --workspace ${workspace} --name "TRL sft"
pivot runs import dpo-out --workspace ${workspace} --name "TRL dpo"
\`\`\`
`;
}
