// Tokenization for training: the Hugging Face tokenizer wrapper, chat templates and training examples.
export { TextTokenizer, loadTokenizer, IMAGE_TOKEN, type TokenizerOptions } from './textTokenizer';
export { formatTurn, chatTemplateFromConfig, type ChatTemplateName, type ChatTurnText } from './chatTemplate';
export {
  buildTrainingExample,
  encodePrompt,
  type QaRecord,
  type PromptOptions,
  type TrainingExample,
} from './trainingExample';
