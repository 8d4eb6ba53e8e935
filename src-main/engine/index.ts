// `pivot-studio/engine`: the engine as a library — the same functions the CLI and the app call.
export {
  parseDifficulty,
  writeShapesWorld,
  generateSample,
  type ShapesWorldOptions,
  type ShapesWorldSummary,
} from './data/shapes';
