export type { StepModel, StepOutput, StepAttentionMaps, Hypothesis, DecodeOptions } from './types.js';
export { greedy, sample } from './greedy.js';
export { beamSearch, type BeamOptions } from './beam.js';
export { argmaxRow, sampleRow, validateSampling, type SamplingOptions } from './logits.js';
