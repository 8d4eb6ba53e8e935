// A Hugging Face tokenizer loaded from a model folder (`tokenizer.json` + optional
// `tokenizer_config.json`), with the special tokens and chat template the trainers need.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { PivotError } from '../../../src-shared/errors';
import { type ChatTemplateName, chatTemplateFromConfig } from './chatTemplate';

/** The placeholder a prompt carries where the image's tokens go (LLaVA's `<image>`). */
export const IMAGE_TOKEN = '<image>';

/** Options of `loadTokenizer` / `TextTokenizer.fromJson`. */
export interface TokenizerOptions {
  /** Force a chat template. Default: `qwen` when tokenizer_config's `chat_template` uses `<|im_start|>`, else `plain`. */
  chatTemplate?: ChatTemplateName;
}

type TokenizerConfig = Record<string, unknown>;

/** Text ↔ token ids for one model, with its special tokens and chat template. */
export class TextTokenizer {
  /** Which prompt format `buildTrainingExample` writes. */
  readonly chatTemplate: ChatTemplateName;
  /** Every special added token, content → id (e.g. `<|im_end|>` → 2). */
  readonly specialTokenIds: ReadonlyMap<string, number>;
  /** Every added token (special or not), content → id: the only vocabulary entries text can encode to whole. */
  private readonly addedTokenIds: ReadonlyMap<string, number>;
  /** End of an answer: tokenizer_config's `eos_token`, else `<|endoftext|>`; undefined if neither exists. */
  readonly eosTokenId: number | undefined;
  /** Padding: tokenizer_config's `pad_token`, else the EOS token. */
  readonly padTokenId: number | undefined;
  /** Vocabulary size including added tokens (max id + 1). */
  readonly vocabSize: number;

  private constructor(
    private readonly hf: Tokenizer,
    /** Where the tokenizer came from, for error messages. */
    readonly source: string,
    config: TokenizerConfig,
    options: TokenizerOptions,
  ) {
    const added = [...hf.get_added_tokens_decoder()];
    this.addedTokenIds = new Map(added.map(([id, token]) => [token.content, id]));
    this.specialTokenIds = new Map(added.filter(([, token]) => token.special).map(([id, token]) => [token.content, id]));
    // A loop, not Math.max(...ids): spreading a 150k-entry vocabulary overflows the call stack.
    let maxId = -1;
    for (const id of hf.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.eosTokenId = this.idOf(tokenContent(config.eos_token) ?? '<|endoftext|>');
    this.padTokenId = this.idOf(tokenContent(config.pad_token) ?? '') ?? this.eosTokenId;
    this.chatTemplate = options.chatTemplate ?? chatTemplateFromConfig(config);
  }

  /** Builds a tokenizer from parsed `tokenizer.json` (and `tokenizer_config.json`) contents. */
  static fromJson(tokenizerJson: object, config: TokenizerConfig = {}, source = 'tokenizer.json', options: TokenizerOptions = {}): TextTokenizer {
    return new TextTokenizer(new Tokenizer(tokenizerJson, config), source, config, options);
  }

  /** Token ids of exactly `text`: special tokens written in it (`<image>`, `<|im_start|>`) map to their ids, nothing is added. */
  encode(text: string): number[] {
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of `ids`; special tokens are dropped when `skipSpecialTokens` is set. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.hf.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of a token string (added or in the vocabulary), undefined when it has none. */
  idOf(token: string): number | undefined {
    return token === '' ? undefined : this.hf.token_to_id(token);
  }

  /**
   * The id of the `<image>` placeholder; throws, naming the tokenizer file, when it has none. It must
   * be an added token: a plain vocabulary entry would be split into bytes when encoding text.
   */
  get imageTokenId(): number {
    const id = this.addedTokenIds.get(IMAGE_TOKEN);
    if (id === undefined) {
      throw new PivotError('INVALID_DATA',
        `${this.source} has no "${IMAGE_TOKEN}" token. Add it as a special token (in Python: ` +
          `tokenizer.add_special_tokens({"additional_special_tokens": ["${IMAGE_TOKEN}"]}); tokenizer.save_pretrained(dir)) ` +
          'and resize the language model\'s embeddings to the new vocabulary size.',
      );
    }
    return id;
  }

  /** The id of a special token the chat template needs; throws, naming the tokenizer, when absent. */
  requireId(token: string): number {
    const id = this.idOf(token);
    if (id === undefined) throw new PivotError('INVALID_DATA', `${this.source} has no "${token}" token, which the ${this.chatTemplate} chat template needs`);
    return id;
  }
}

/** Loads `tokenizer.json` (+ `tokenizer_config.json` when present) from a Hugging Face model folder. */
export function loadTokenizer(dir: string, options: TokenizerOptions = {}): TextTokenizer {
  const tokenizerPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new PivotError('FILE_UNREADABLE', `No tokenizer.json in ${dir}. Save the tokenizer there (tokenizer.save_pretrained(dir) in Python).`);
  }
  const configPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(configPath) ? (readJson(configPath) as TokenizerConfig) : {};
  return TextTokenizer.fromJson(readJson(tokenizerPath) as object, config, tokenizerPath, options);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PivotError('INVALID_DATA', `Cannot parse ${path} as JSON: ${(error as Error).message}`, { file: path });
  }
}

/** tokenizer_config.json writes special tokens either as a string or as an AddedToken object. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
