// The exported project's launch configurations: accelerate's config files for one GPU, one node (DDP over its GPUs)
// and several nodes under DeepSpeed ZeRO-2 or ZeRO-3, with the DeepSpeed JSON they name. Distribution is accelerate's
// and DeepSpeed's own; nothing here is home-made.
import { stringify } from 'yaml';

/** GPUs per node and nodes the configs are written for; each launch line can override them (README.md). */
export const DEFAULT_GPUS_PER_NODE = 8;
export const DEFAULT_NODES = 2;

/** What every accelerate config holds (the keys `accelerate config` writes). */
const COMMON = {
  compute_environment: 'LOCAL_MACHINE',
  debug: false,
  downcast_bf16: 'no',
  machine_rank: 0,
  main_training_function: 'main',
  rdzv_backend: 'static',
  same_network: true,
  tpu_env: [],
  tpu_use_cluster: false,
  tpu_use_sudo: false,
  use_cpu: false,
};

/** Several nodes: rank 0's address is given at launch (--main_process_ip), the port is fixed here. */
const MULTI_NODE = { num_machines: DEFAULT_NODES, num_processes: DEFAULT_NODES * DEFAULT_GPUS_PER_NODE, main_process_port: 29500 };

function deepspeed(file: string, zero3: boolean) {
  return {
    ...COMMON,
    ...MULTI_NODE,
    distributed_type: 'DEEPSPEED',
    // Mixed precision comes from the JSON (bf16 "auto", filled in from the scripts' bf16=True).
    deepspeed_config: { deepspeed_config_file: file, deepspeed_multinode_launcher: 'standard', zero3_init_flag: zero3 },
  };
}

/** accelerate/<name>.yaml → its settings. */
export const ACCELERATE_CONFIGS: Readonly<Record<string, Record<string, unknown>>> = {
  'one-gpu': { ...COMMON, distributed_type: 'NO', mixed_precision: 'bf16', num_machines: 1, num_processes: 1, gpu_ids: '0' },
  'one-node-ddp': { ...COMMON, distributed_type: 'MULTI_GPU', mixed_precision: 'bf16', num_machines: 1, num_processes: DEFAULT_GPUS_PER_NODE, gpu_ids: 'all' },
  'multi-node-zero2': deepspeed('deepspeed/zero2.json', false),
  'multi-node-zero3': deepspeed('deepspeed/zero3.json', true),
};

/**
 * The DeepSpeed settings both stages share. "auto" values are filled in by transformers' Trainer from the scripts'
 * arguments, so the batch, accumulation and clipping stay the recipe's. No optimizer or scheduler section: the
 * Trainer's own are used, and with them the per-part learning rates of pivot_trl.py.
 */
const DEEPSPEED_COMMON = {
  bf16: { enabled: 'auto' },
  gradient_accumulation_steps: 'auto',
  gradient_clipping: 'auto',
  train_batch_size: 'auto',
  train_micro_batch_size_per_gpu: 'auto',
  steps_per_print: 100,
  wall_clock_breakdown: false,
};

/** deepspeed/<name>.json → its settings. */
export const DEEPSPEED_CONFIGS: Readonly<Record<string, Record<string, unknown>>> = {
  zero2: {
    ...DEEPSPEED_COMMON,
    zero_optimization: { stage: 2, overlap_comm: true, contiguous_gradients: true, reduce_bucket_size: 'auto', allgather_bucket_size: 5e8 },
  },
  zero3: {
    ...DEEPSPEED_COMMON,
    zero_optimization: {
      stage: 3,
      overlap_comm: true,
      contiguous_gradients: true,
      reduce_bucket_size: 'auto',
      stage3_prefetch_bucket_size: 'auto',
      stage3_param_persistence_threshold: 'auto',
      // save_model writes whole weights, not shards of DeepSpeed's partitions, so the folder loads anywhere.
      stage3_gather_16bit_weights_on_model_save: true,
    },
  },
};

/** The files: relative path → contents. */
export function launchConfigFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  // accelerate reads them with PyYAML, which speaks YAML 1.1: written as 1.1, so a value like 'no' stays a string.
  for (const [name, config] of Object.entries(ACCELERATE_CONFIGS)) files[`accelerate/${name}.yaml`] = stringify(config, { version: '1.1' });
  for (const [name, config] of Object.entries(DEEPSPEED_CONFIGS)) files[`deepspeed/${name}.json`] = `${JSON.stringify(config, null, 2)}\n`;
  return files;
}
