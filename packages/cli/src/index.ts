/**
 * @gradcam/cli — the `gradcam` command line (`gradcam demo | explain | caption | vqa | evaluate | layers | methods`), also callable
 * from code.
 */
export { main } from './main.js';
export type { Output, Streams } from './console.js';
export { CliError, UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
export {
  parseCaptionArgs,
  parseDemoArgs,
  parseEvaluateArgs,
  parseExplainArgs,
  parseLayersArgs,
  parseMethodsArgs,
  parseVqaArgs,
  parseRange,
  parseSize,
  OUTPUT_KINDS,
  TASK_OUTPUT_KINDS,
  SCENE_MODEL,
  EVALUATE_FORMATS,
  DEFAULT_EVALUATE_METHODS,
} from './args.js';
export type { CaptionArgs, DemoArgs, EvaluateArgs, EvaluateFormat, ExplainArgs, LayersArgs, OutputKind, TaskOutputKind, VqaArgs } from './args.js';
export { parseAnnotationsCsv, parseAnnotationsJson, readAnnotations, findAnnotationFile, csvFields } from './annotations.js';
export type { Annotation, AnnotatedBox } from './annotations.js';
export { loadModel, modelFormat, parseBuiltin } from './model-source.js';
export type { BuiltinModel, LoadedModel, ModelSpec } from './model-source.js';
export { chooseInputRange } from './input-range.js';
export type { RangeChoice } from './input-range.js';
export { labelsFromJson, readLabelsFile } from './labels-file.js';
export { labelSlug, overlayName, uniqueStems } from './naming.js';
export { Progress } from './progress.js';
export { runPool } from './pool.js';
