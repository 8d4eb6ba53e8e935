// The learning-rate schedule of the paper's scripts: linear warm-up then cosine decay to 0, exactly as
// transformers' get_cosine_schedule_with_warmup with warmup_steps = ceil(warmup_ratio · total).

/** Warm-up steps for a ratio, as transformers' TrainingArguments.get_warmup_steps computes them. */
export function warmupSteps(totalSteps: number, warmupRatio: number): number {
  return Math.ceil(totalSteps * warmupRatio);
}

/**
 * The factor multiplying the peak LR at optimisation step `step` (0-based; transformers steps the scheduler
 * after each update, so update k uses the factor of step k and a warm-up's first update has LR 0).
 */
export function cosineWithWarmup(step: number, totalSteps: number, warmupRatio: number): number {
  const warmup = warmupSteps(totalSteps, warmupRatio);
  if (step < warmup) return step / Math.max(1, warmup);
  const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
