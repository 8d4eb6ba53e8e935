// The three parts of an MLLM a training stage can unfreeze, named as recipes name them.
export const MLLM_PARTS = ['encoder', 'projector', 'lm'] as const;
export type MllmPart = (typeof MLLM_PARTS)[number];
