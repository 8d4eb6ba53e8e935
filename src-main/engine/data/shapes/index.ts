// Public entry of the Shapes world: the built-in procedural dataset (images, exact masks,
// captions, labels, preference pairs) that lets every experiment run with no download.

export { writeShapesWorld, encodePng, resolveWorldParams, MAX_COUNT } from './write';
export type { ShapesWorldOptions, ShapesWorldSummary } from './write';
export {
  parseDifficulty,
  formatDifficulty,
  DIFFICULTY_PRESETS,
  DIFFICULTY_PRESET_NAMES,
  DIFFICULTY_KNOBS,
  DEFAULT_DIFFICULTY,
} from './difficulty';
export type { ResolvedDifficulty, DifficultyPreset, IntRange, KnobName } from './difficulty';
export { SHAPES, COLORS, COLOR_RGB, SHAPE_PLURAL, NUM_CLASSES, BACKGROUND_CLASS, classIdOf, className, shapeClasses } from './vocab';
export type { Shape, Color, Rgb, ShapeClass } from './vocab';
export { streamRng, streamSeed, unitHash } from './streams';
export { sampleScene } from './scene';
export type { Scene, SceneObject, ClutterItem, Background } from './scene';
export { renderScene } from './render';
export type { RenderedScene } from './render';
export { makeQuestions, countSentence, relationMargin, clearlyLarger } from './questions';
export type { PreferenceTriple, QuestionKind, RejectReason } from './questions';
export { makeCaption, imageLabel, sizeWord, LABEL_DEFINITION } from './captions';
export type { ImageLabel } from './captions';
export { generateSample, imageId, splitOf, TEST_FRACTION } from './sample';
export type { ShapesSample, Split } from './sample';
export { shapeCovers, objectPixels, clutterPixels } from './geometry';
export { GENERATOR, GENERATOR_VERSION } from './records';
