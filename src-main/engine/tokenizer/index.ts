// Tokenization for training: the Hugging Face tokenizer wrapper, chat templates and training examples.
export { TextTokenizer, loadTokenizer, readTokenizerFiles, tokenizerFromFiles, IMAGE_TOKEN, TOKENIZER_FILES } from './textTokenizer';
export { JinjaChatFormat, plainFormat, readChatTemplate, type ChatFormat, type UserTurn, type AnswerText } from './chatTemplate';
export {
  buildTrainingExample,
  encodePrompt,
  type QaRecord,
  type PromptOptions,
  type TrainingExample,
} from './trainingExample';
