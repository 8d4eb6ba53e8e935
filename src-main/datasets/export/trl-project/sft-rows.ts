// The SFT half of the exported data: each pair's prompt and chosen answer as one conversation (TRL's conversational
// language-modeling format, `messages`, with `images` as in the preference rows).
import { exportedImagePath, type ExportablePair } from '../trl';

/** One line (newline included) of data/sft.jsonl. */
export function sftLine(pair: ExportablePair): string {
  const line = {
    id: pair.id,
    images: [exportedImagePath(pair)],
    messages: [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: pair.question }] },
      { role: 'assistant', content: [{ type: 'text', text: pair.chosen }] },
    ],
  };
  return `${JSON.stringify(line)}\n`;
}
