/**
 * Training and using models, the browser-safe part: run configs, the trainer and its tasks,
 * models built from a run's config and vocabularies (or from its files), translation and
 * generation. Run folders on disk (`glimpse train`'s sessions) are Node-only and stay out.
 *
 * @example
 * import { train } from 'glimpse';
 * const exp = train.buildSyntheticExperiment(train.resolveRunConfig({ task: 'reverse', train: { maxSteps: 300 } }));
 * await new train.Trainer(exp.task, train.resolveTrainConfig(exp.config.train)).run();
 * train.translateText(exp, 'abcdef', { beam: 1, nBest: 1, maxTokens: 10 }).hypotheses[0]!.text; // 'fedcba'
 *
 * @packageDocumentation
 */
export { resolveTrainConfig, TRAIN_SPEC, MAX_STEPS, MAX_KEPT_CHECKPOINTS, type TrainConfig } from './config.js';
export {
  resolveRunConfig, RUN_INPUT_KEYS, OBJECTIVE_KEYS,
  type RunConfig, type RunConfigInput, type ObjectiveConfig, type ModelConfig,
} from './run-config.js';
export { TASKS, TASK_NAMES, type TaskName, type TaskRule, type TaskPreset, type ModelChoice } from './task-rules/index.js';
export {
  SAMPLING_DECAYS, SAMPLING_DECAY_NAMES, type SamplingDecay, type DecayRule, type DecayParams, type DecayOption,
} from './scheduled-sampling.js';
export { LM_MODELS, LM_MODEL_NAMES, type LmModelName, type LmModelRule } from './lm-models.js';
export {
  DATA_KINDS, DATA_KIND_NAMES, resolveData, MAX_BATCH, MAX_WINDOW, MAX_GENERATED,
  type DataKind, type DataKinds, type DataConfig, type DataKindRule, type TextDataConfig, type ParallelDataConfig,
  type GeneratedDataConfig, type TextLevel,
} from './data-config.js';
export {
  Trainer, type TrainerState, type TrainerEvents, type EvalRecord, type TrainingSnapshot, type CheckpointSink,
} from './trainer.js';
export type { Metrics, EpochPlan, TrainingTask } from './types.js';
export { Seq2SeqTask, batchTensors, type Seq2SeqTaskOptions, type Seq2SeqTensors } from './tasks/seq2seq.js';
export { LanguageModelTask, type LmTaskData } from './tasks/lm.js';
export {
  buildModel, buildSyntheticExperiment, seq2seqExperiment,
  type RunVocabs, type TrainedModel, type Experiment, type Seq2SeqExperiment, type TranslationReferences,
} from './model.js';
export {
  trainedModelFromFiles, parseRunConfig, formatRunConfig, keptStep, RUN_FILES, RUN_FORMAT, RUN_VERSION, VOCAB_SIDES,
  type RunFileContents, type RunConfigFile,
} from './run-file.js';
export { checkEnsemble, seq2seqDecoder, decodeRows, type SearchSettings } from './search.js';
export {
  translateText, generateText, encodeInput, encodeTarget, decodeOutput,
  type EncodedInput, type GenerateOptions, type Generation, type TranslateOptions, type Translation,
} from './use.js';
export { translateBatch, type GreedyBatchOptions } from './translate-batch.js';
export { curvesFromLog } from './curves.js';
export { translationAttentionGrid, generationAttentionGrid, type AttentionSelection } from './attention-grid.js';
export { decodeSplit, scoreTranslations, freeRunningLoss, type DecodeSplitOptions, type TranslationScores } from './evaluate.js';
export {
  averageStateDicts, averageMismatches, refuseMismatches, signatures, StateDictMean, MAX_AVERAGED, type TensorSignature, type SignedSource,
} from './average.js';
export {
  reverseConfig, trainReverse, trainTinyReverse, sourceBatch, CONTEXT_VECTOR_LESSON, type ReverseSettings, type TrainedReverse,
} from './tiny-reverse.js';
/** The attention lesson's toy coreference task and its two-layer self-attention model (CLI and web lessons). */
export * as coref from './coref-toy.js';
