import { TEXT_LEVELS } from '../../data/index.js';
import type { LmArch } from '../../models/index.js';
import { ruleOf } from '../../util/table.js';
import { type DataConfig, resolveData } from '../data-config.js';
import type { TaskPreset, TaskRule } from './rule.js';

const level = (data: DataConfig) => TEXT_LEVELS[resolveData('text', data).level];

const DATA = { source: 'tinyshakespeare', batchSize: 32, bptt: 35, minFreq: 2 } as const;
const W1_TRAIN = { epochs: 6, lr: 2e-3, clip: 0.25, schedule: 'plateau', plateauFactor: 0.5, plateauPatience: 0 } as const;

/** Each architecture's preset (PROTOCOL W1). */
const PRESETS: { readonly [A in LmArch]: TaskPreset } = {
  rnn: {
    data: DATA,
    model: { arch: 'rnn', cell: 'lstm', attention: false, embeddingSize: 256, hiddenSize: 256, numLayers: 2, dropout: 0.2 },
    train: W1_TRAIN,
  },
  // W1 `transformer`: 4 pre-norm GELU layers of 256 with 4 heads, learned positions over the
  // 35-token window; the LSTM's recipe at lr 1e-3.
  transformer: {
    data: DATA,
    model: {
      arch: 'transformer', dModel: 256, nhead: 4, numLayers: 4, dimFeedforward: 1024, dropout: 0.2, activation: 'gelu', normFirst: true,
      contextSize: 35,
    },
    train: { ...W1_TRAIN, lr: 1e-3 },
  },
  // The lesson's encoder–decoder LM at W1's data, sizes and recipe (one encoder and one decoder cell of 256).
  encdec: {
    data: DATA,
    model: { arch: 'encdec', cell: 'lstm', embeddingSize: 256, hiddenSize: 256, dropout: 0.2 },
    train: W1_TRAIN,
  },
};

/** Language modelling (PROTOCOL W1: a word-level LM of Tiny Shakespeare). */
export const lmTask: TaskRule = {
  summary: 'language modelling: predict the next word (or character) of a text; W1 on Tiny Shakespeare',
  family: 'lm',
  data: 'text',
  preset: (choice) => ruleOf(PRESETS, choice.arch, 'language-model architecture'),
  tokenize: (text, data) => level(data).tokenize(text),
  detokenize: (tokens, data) => level(data).detokenize(tokens),
  primary: { name: 'ppl', mode: 'min' },
  curve: { metric: 'ppl', label: 'perplexity' },
  sourceEnd: false,
  accuracy: false,
  input: { label: 'Prompt', example: 'to be or not to be', action: 'Generate' },
};
