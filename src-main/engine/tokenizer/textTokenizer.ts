// A Hugging Face tokenizer loaded from a model folder (`tokenizer.json` + optional
// `tokenizer_config.json` and chat template files), with the special tokens and chat format the trainers need.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { PivotError } from '../../../src-shared/errors';
import { CHAT_TEMPLATE_FILES, IMAGE_TOKEN, JinjaChatFormat, plainFormat, readChatTemplate, type ChatFormat } from './chatTemplate';

export { IMAGE_TOKEN };

/** The files of a folder that make its tokenizer (file name → text); a checkpoint carries those present. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', ...CHAT_TEMPLATE_FILES] as const;

/** The special tokens transformers hands every chat template, by their tokenizer_config.json names. */
const TEMPLATE_SPECIAL_TOKENS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;

type TokenizerConfig = Record<string, unknown>;

/** Text ↔ token ids for one model, with its special tokens and chat template. */
export class TextTokenizer {
  /** How `buildTrainingExample` writes an exchange: the folder's chat template, else the plain format. */
  readonly chatFormat: ChatFormat;
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
    chatTemplate: { text: string; source: string } | undefined,
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
    const specialTokens: Record<string, string> = {};
    for (const name of TEMPLATE_SPECIAL_TOKENS) {
      const content = tokenContent(config[name]);
      if (content !== undefined) specialTokens[name] = content;
    }
    this.chatFormat = chatTemplate === undefined ? plainFormat : new JinjaChatFormat(chatTemplate.text, chatTemplate.source, specialTokens);
  }

  /** Builds a tokenizer from parsed `tokenizer.json` (and `tokenizer_config.json`) contents and an optional chat template. */
  static fromJson(tokenizerJson: object, config: TokenizerConfig = {}, source = 'tokenizer.json', chatTemplate?: { text: string; source: string }): TextTokenizer {
    return new TextTokenizer(new Tokenizer(tokenizerJson, config), source, config, chatTemplate);
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
}

/** Reads the tokenizer files of a Hugging Face model folder; throws, naming the folder, when it has no tokenizer.json. */
export function readTokenizerFiles(dir: string): Record<string, string> {
  if (!existsSync(join(dir, 'tokenizer.json'))) {
    throw noTokenizer(dir);
  }
  const files: Record<string, string> = {};
  for (const name of TOKENIZER_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  return files;
}

function noTokenizer(dir: string): PivotError {
  return new PivotError('FILE_UNREADABLE',
    `No tokenizer.json in ${dir}. A Shapes-world folder has one (regenerate it with pivot data shapes); ` +
      'for a Hugging Face LM, save its tokenizer there (tokenizer.save_pretrained(dir)).',
  );
}

/** The tokenizer that a folder's files describe (as `readTokenizerFiles` returns them); `dir` names them in errors. */
export function tokenizerFromFiles(files: Readonly<Record<string, string>>, dir: string): TextTokenizer {
  const parse = (name: string): Record<string, unknown> => {
    const path = join(dir, name);
    try {
      return JSON.parse(files[name] as string) as Record<string, unknown>;
    } catch (error) {
      throw new PivotError('INVALID_DATA', `Cannot parse ${path} as JSON: ${(error as Error).message}`, { file: path });
    }
  };
  if (files['tokenizer.json'] === undefined) throw noTokenizer(dir);
  const config = files['tokenizer_config.json'] !== undefined ? parse('tokenizer_config.json') : {};
  return TextTokenizer.fromJson(parse('tokenizer.json'), config, join(dir, 'tokenizer.json'), readChatTemplate(files, config, dir));
}

/** Loads `tokenizer.json` (+ `tokenizer_config.json` and the chat template files when present) from a Hugging Face model folder. */
export function loadTokenizer(dir: string): TextTokenizer {
  return tokenizerFromFiles(readTokenizerFiles(dir), dir);
}

/** tokenizer_config.json writes special tokens either as a string or as an AddedToken object. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
