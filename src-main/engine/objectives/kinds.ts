// The kinds of training stage, one objective each (objectives/<kind>.ts): `labels` pretrains the encoder alone on
// which classes an image shows, `caption` aligns on captions, `instruct` and `sft` learn the chosen answers, `dpo`
// prefers the chosen answer to the rejected one.
export const STAGE_KINDS = ['labels', 'caption', 'instruct', 'sft', 'dpo'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
