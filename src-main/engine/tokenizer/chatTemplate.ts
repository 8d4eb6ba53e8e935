// Prompt formats: a model's own Jinja chat template (tokenizer_config.json's `chat_template`,
// `chat_template.jinja` or a processor's `chat_template.json`) rendered with @huggingface/jinja as
// transformers' `apply_chat_template` does, and a plain "question answer" format for tokenizers that
// come without a template (the Shapes world's word tokenizer).
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { PivotError } from '../../../src-shared/errors';

/** The placeholder a prompt carries where the image's tokens go (LLaVA's `<image>`). */
export const IMAGE_TOKEN = '<image>';

/** One single-turn exchange as the user wrote it. */
export interface UserTurn {
  /** The question; `<image>` in it places the image, else the image goes first. */
  question: string;
  /** Whether the turn shows an image. */
  hasImage: boolean;
  /** A system turn before the question. */
  systemPrompt?: string;
}

/** The answer of a single-turn exchange as the format writes it, all of it learned. */
export interface AnswerText {
  /** What the format puts before the answer once the prompt has ended (plain: a space). */
  prefix: string;
  /** The answer itself (a template may trim it). */
  text: string;
  /** What ends the answer and is learned with it (`<|im_end|>`); '' means the tokenizer's EOS token. */
  end: string;
}

/** How one tokenizer turns an exchange into text. */
export interface ChatFormat {
  /** Names the template in error messages ('plain' or the file it came from). */
  readonly source: string;
  /** Everything the model reads before it answers (masked out of the loss). */
  prompt(turn: UserTurn): string;
  /** The text around `answer` once the prompt of `turn` has been read. */
  answer(turn: UserTurn, answer: string): AnswerText;
}

/** The question with `<image>` placed: where it already is, else on its own line first. */
function withImagePlaceholder(turn: UserTurn): string {
  return turn.hasImage && !turn.question.includes(IMAGE_TOKEN) ? `${IMAGE_TOKEN}\n${turn.question}` : turn.question;
}

/** `[{system}\n]{question}`, the answer after a space and ended by the EOS token. */
export const plainFormat: ChatFormat = {
  source: 'plain',
  prompt: (turn) => (turn.systemPrompt ? `${turn.systemPrompt}\n` : '') + withImagePlaceholder(turn),
  answer: (_turn, answer) => ({ prefix: ' ', text: answer, end: '' }),
};

/** A message as chat templates read it: content a string, or a list of parts (`{type: 'image'}`, `{type: 'text', text}`). */
type Message = { role: string; content: string | ({ type: 'image' } | { type: 'text'; text: string })[] };

/**
 * Transformers' `{% generation %}` … `{% endgeneration %}` marks assistant text for its assistant mask; the
 * Jinja library does not know the tag, and this format finds the answer by rendering instead, so it is dropped.
 */
const GENERATION_TAG = /\{%-?\s*(?:end)?generation\s*-?%\}/g;

/**
 * A Hugging Face chat template. Single-turn exchanges only, as TRL's prompt-completion datasets:
 * the prompt is `render([system?, user], add_generation_prompt)`, the whole `render([system?, user,
 * assistant])`, and the answer is what the whole adds after the prompt.
 *
 * Images: templates of vision models (LLaVA, Qwen-VL) take content as parts and write the image token
 * for `{type: 'image'}`; text-only templates (Qwen2.5) take a string. The template is tried once with an
 * image part: if its output contains `<image>`, turns are given as parts, else as strings carrying
 * `<image>` in the text.
 */
export class JinjaChatFormat implements ChatFormat {
  private readonly template: Template;
  /** Whether turns are given as content parts (see the class comment). */
  readonly imageAsPart: boolean;

  /**
   * @param text the template's Jinja source
   * @param source the file it came from, named in errors
   * @param specialTokens `bos_token`, `eos_token`, … as strings: transformers passes them to every template
   */
  constructor(text: string, readonly source: string, private readonly specialTokens: Readonly<Record<string, string>>) {
    try {
      this.template = new Template(text.replace(GENERATION_TAG, ''));
    } catch (err) {
      throw new PivotError('INVALID_DATA', `${source}: the chat template does not parse as Jinja (${(err as Error).message})`, { file: source });
    }
    this.imageAsPart = this.rendersImagePart();
  }

  prompt(turn: UserTurn): string {
    return this.render(this.messages(turn), true);
  }

  answer(turn: UserTurn, answer: string): AnswerText {
    const prompt = this.prompt(turn);
    const assistant: Message = { role: 'assistant', content: this.imageAsPart ? [{ type: 'text', text: answer }] : answer };
    const whole = this.render([...this.messages(turn), assistant], false);
    if (!whole.startsWith(prompt)) {
      let at = 0;
      while (whole[at] === prompt[at]) at++;
      throw new PivotError('INVALID_DATA',
        `${this.source}: the chat template's prompt (add_generation_prompt) is not the start of the whole exchange, so the ` +
          `answer cannot be told apart: from character ${at} the prompt has ${JSON.stringify(prompt.slice(at, at + 40))} but the ` +
          `whole has ${JSON.stringify(whole.slice(at, at + 40))}. Use a template whose generation prompt ends where the answer starts.`,
        { file: this.source },
      );
    }
    const completion = whole.slice(prompt.length);
    const written = answer.trim();
    const at = completion.indexOf(written);
    if (written === '' || at < 0) {
      throw new PivotError('INVALID_DATA',
        `${this.source}: the chat template did not write the answer ${JSON.stringify(answer)} as given after the prompt ` +
          `(it wrote ${JSON.stringify(completion)}); give a non-empty answer, or use a template that writes the assistant's content unchanged.`,
        { file: this.source },
      );
    }
    // The template's whitespace after its end token (ChatML's "\n" after <|im_end|>) separates turns and is not learned,
    // as in TRL's assistant mask; what ends the answer itself is.
    return { prefix: completion.slice(0, at), text: written, end: completion.slice(at + written.length).trimEnd() };
  }

  private messages(turn: UserTurn): Message[] {
    const system: Message[] = turn.systemPrompt ? [{ role: 'system', content: this.imageAsPart ? [{ type: 'text', text: turn.systemPrompt }] : turn.systemPrompt }] : [];
    if (!this.imageAsPart) return [...system, { role: 'user', content: withImagePlaceholder(turn) }];
    const [before, after] = turn.question.includes(IMAGE_TOKEN) ? turn.question.split(IMAGE_TOKEN) : ['', turn.question];
    const parts: Exclude<Message['content'], string> = [];
    if (before) parts.push({ type: 'text', text: before });
    if (turn.hasImage) parts.push({ type: 'image' });
    if (after) parts.push({ type: 'text', text: after as string });
    return [...system, { role: 'user', content: parts }];
  }

  private render(messages: Message[], addGenerationPrompt: boolean): string {
    try {
      return this.template.render({ ...this.specialTokens, messages, add_generation_prompt: addGenerationPrompt });
    } catch (err) {
      throw new PivotError('INVALID_DATA', `${this.source}: the chat template failed to render a single-turn exchange (${(err as Error).message})`, { file: this.source });
    }
  }

  private rendersImagePart(): boolean {
    try {
      const text = this.template.render({ ...this.specialTokens, messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: '?' }] }], add_generation_prompt: true });
      return text.includes(IMAGE_TOKEN);
    } catch {
      return false;
    }
  }
}

/** The file names a tokenizer's chat template may come in, in the order transformers prefers them. */
export const CHAT_TEMPLATE_FILES = ['chat_template.jinja', 'chat_template.json'] as const;

/**
 * The chat template of a tokenizer folder, given its files' texts (name → text): `chat_template.jinja`, else a
 * processor's `chat_template.json` (`{"chat_template": "…"}`), else tokenizer_config.json's `chat_template` (a
 * string, or a list of `{name, template}` of which "default" is taken). Undefined when there is none.
 */
export function readChatTemplate(files: Readonly<Record<string, string>>, config: Record<string, unknown>, dir: string): { text: string; source: string } | undefined {
  const at = (name: string) => join(dir, name);
  const jinja = files['chat_template.jinja'];
  if (jinja !== undefined) return { text: jinja, source: at('chat_template.jinja') };
  const processor = files['chat_template.json'];
  if (processor !== undefined) {
    const source = at('chat_template.json');
    let json: unknown;
    try {
      json = JSON.parse(processor);
    } catch (err) {
      throw new PivotError('INVALID_DATA', `${source}: bad JSON (${(err as Error).message})`, { file: source });
    }
    const text = (json as { chat_template?: unknown } | null)?.chat_template;
    if (typeof text !== 'string') throw new PivotError('INVALID_DATA', `${source}: "chat_template" must be a string of Jinja, got ${JSON.stringify(text)}`, { file: source, field: 'chat_template' });
    return { text, source };
  }
  const template = config.chat_template;
  const source = at('tokenizer_config.json');
  if (template === undefined || template === null) return undefined;
  if (typeof template === 'string') return { text: template, source };
  const named = Array.isArray(template) ? (template as { name?: unknown; template?: unknown }[]).find((t) => t?.name === 'default') : undefined;
  if (typeof named?.template === 'string') return { text: named.template, source: `${source} (chat_template "default")` };
  throw new PivotError('INVALID_DATA',
    `${source}: "chat_template" must be a string or a list of {name, template} with one named "default", got ${JSON.stringify(template).slice(0, 120)}`,
    { file: source, field: 'chat_template' },
  );
}
