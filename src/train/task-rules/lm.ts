import { TEXT_LEVELS } from '../../data/index.js';
import { type DataConfig, resolveData } from '../data-config.js';
import type { TaskRule } from './rule.js';

const level = (data: DataConfig) => TEXT_LEVELS[resolveData('text', data).level];

/** Language modelling (PROTOCOL W1: a word-level LM of Tiny Shakespeare). */
export const lmTask: TaskRule = {
  summary: 'language modelling: predict the next word (or character) of a text; W1 on Tiny Shakespeare',
  family: 'lm',
  data: 'text',
  preset: () => ({
    data: { source: 'tinyshakespeare', batchSize: 32, bptt: 35, minFreq: 2 },
    model: { arch: 'rnn', cell: 'lstm', attention: false, embeddingSize: 256, hiddenSize: 256, numLayers: 2, dropout: 0.2 },
    train: { epochs: 6, lr: 2e-3, clip: 0.25, schedule: 'plateau', plateauFactor: 0.5, plateauPatience: 0 },
  }),
  tokenize: (text, data) => level(data).tokenize(text),
  detokenize: (tokens, data) => level(data).detokenize(tokens),
  primary: { name: 'ppl', mode: 'min' },
  curve: { metric: 'ppl', label: 'perplexity' },
  sourceEnd: false,
  accuracy: false,
  input: { label: 'Prompt', example: 'to be or not to be', action: 'Generate' },
};
