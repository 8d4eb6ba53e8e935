// Exporting a run's whole post-trained MLLM as a Hugging Face LLaVA folder (LlavaForConditionalGeneration): the
// layout it was loaded from, or transformers 5's for a preset or composed model; re-loaded and compared before kept.
import { resolve } from 'node:path';
import { saveLlava } from '../models/llava/save';
import { openMllm } from '../eval/open-mllm';
import type { LlavaLayout } from '../models/mllm/config';
import type { Objective } from '../train/api';
import { checkOutFolder, exportSource, type ExportOptions } from './export-encoder';

export type MllmExportOptions = Pick<ExportOptions, 'runDir' | 'checkpoint' | 'out' | 'force' | 'stage' | 'objective'> & {
  /** Most bytes of tensor data per safetensors file before sharding. Default 5 GB, as transformers. */
  maxShardBytes?: number;
};

export interface MllmExportReport {
  out: string;
  checkpoint: string;
  runDir: string | null;
  stage: string | null;
  step: number | null;
  objective: Objective | null;
  layout: LlavaLayout;
  /** File names written into `out`. */
  files: string[];
}

/** Writes the LLaVA folder; on any failure `out` is left as it was. */
export async function exportMllm(options: MllmExportOptions): Promise<MllmExportReport> {
  const source = exportSource(options);
  const out = resolve(options.out);
  checkOutFolder(out, source, options.force === true);
  const model = await openMllm(source.checkpoint);
  try {
    const saved = await saveLlava(model, out, options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {});
    const { checkpoint, runDir, stage, step, objective } = source;
    return { out, checkpoint, runDir, stage, step, objective, layout: model.origin?.layout ?? 'transformers-5', files: saved.files };
  } finally {
    model.dispose();
  }
}
