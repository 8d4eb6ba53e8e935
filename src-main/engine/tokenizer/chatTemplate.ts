// Prompt formats: the Qwen ChatML turn for Qwen checkpoints, and a plain "question answer" format
// for toy tokenizers that have no newline or role tokens to spend.
export type ChatTemplateName = 'qwen' | 'plain';

/** The text before and after the answer for one single-turn exchange. */
export interface ChatTurnText {
  /** Everything the model reads before it answers (masked out of the loss). */
  prompt: string;
  /** Put before the answer text, inside the answer span (plain: a space, qwen: nothing). */
  answerPrefix: string;
  /** The special token that ends an answer and is learned with it (qwen: `<|im_end|>`, plain: EOS). */
  answerEnd: 'im_end' | 'eos';
}

/** `qwen` when tokenizer_config.json's `chat_template` speaks ChatML (`<|im_start|>`), else `plain`. */
export function chatTemplateFromConfig(config: Record<string, unknown>): ChatTemplateName {
  const template = config.chat_template;
  const text = typeof template === 'string' ? template : JSON.stringify(template ?? '');
  return text.includes('<|im_start|>') ? 'qwen' : 'plain';
}

/**
 * The prompt around `userText` (which already carries any `<image>` placeholder).
 * qwen:  `[<|im_start|>system\n{system}<|im_end|>\n]<|im_start|>user\n{userText}<|im_end|>\n<|im_start|>assistant\n`
 * plain: `{userText}` — the answer follows after a space.
 */
export function formatTurn(template: ChatTemplateName, userText: string, systemPrompt?: string): ChatTurnText {
  if (template === 'plain') {
    return { prompt: systemPrompt ? `${systemPrompt}\n${userText}` : userText, answerPrefix: ' ', answerEnd: 'eos' };
  }
  const system = systemPrompt ? `<|im_start|>system\n${systemPrompt}<|im_end|>\n` : '';
  return {
    prompt: `${system}<|im_start|>user\n${userText}<|im_end|>\n<|im_start|>assistant\n`,
    answerPrefix: '',
    answerEnd: 'im_end',
  };
}
