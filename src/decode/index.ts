export type { StepModel, StepOutput, StepAttentionMaps, Hypothesis, DecodeOptions } from './types.js';
export { greedy, sample } from './greedy.js';
export { beamSearch, type BeamNode, type BeamOptions } from './beam.js';
export { argmaxRow, sampleRow, samplingWeights, validateSampling, type SamplingOptions } from './logits.js';
export {
  LENGTH_PENALTIES, LENGTH_PENALTY_KINDS, MAX_ALPHA, MAX_BETA, scorer, coveragePenalty,
  type LengthPenaltyKind, type LengthPenaltyRule, type ScoringOptions, type Scorer,
} from './scoring.js';
export {
  PROCESSORS, PROCESSOR_KINDS, MAX_NGRAM,
  type Processor, type ProcessorContext, type ProcessorKind, type ProcessorOptions, type ProcessorRule, type HypothesisView,
} from './processors/index.js';
export { Steering, type Track } from './steer.js';
export { ConstraintSet, MAX_CONSTRAINTS, MAX_CONSTRAINT_TOKENS, type ConstraintState } from './constraints.js';
export { ensemble, type EnsembleState } from './ensemble.js';
