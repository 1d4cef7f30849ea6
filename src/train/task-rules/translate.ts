import { detokenizeWords, protocolTokenize } from '../../data/index.js';
import type { Seq2SeqArch } from '../../models/index.js';
import { ruleOf } from '../../util/table.js';
import type { ModelChoice, TaskPreset, TaskRule } from './rule.js';

const DATA = { source: 'multi30k', batchSize: 128, minFreq: 2 } as const;

/** Each architecture's preset: PROTOCOL W2 for the RNN, W5 for the Transformer. */
const PRESETS: { readonly [A in Seq2SeqArch]: (choice: ModelChoice) => TaskPreset } = {
  rnn: (choice) => ({
    data: DATA,
    model: {
      arch: choice.arch, attention: choice.attention ?? 'bahdanau', embeddingSize: 256, encoderHidden: 256, bidirectional: true,
      decoderHidden: 512, attentionSize: 512, attentionBias: false, dropout: 0.3, bridge: 'tanh-linear', inputFeeding: false,
    },
    train: { epochs: 10, lr: 1e-3, clip: 1 },
  }),
  transformer: (choice) => ({
    data: DATA,
    model: {
      arch: choice.arch, dModel: 256, nhead: 4, numEncoderLayers: 3, numDecoderLayers: 3, dimFeedforward: 1024, dropout: 0.1,
      activation: 'relu', normFirst: false, positional: 'sinusoidal', shareEmbeddings: false, tieWeights: false,
    },
    // lr 5e-4 · min(step / 1000, √(1000 / step)): warmup-invsqrt's factor times the base rate.
    train: { epochs: 10, lr: 5e-4, betas: [0.9, 0.98], eps: 1e-9, clip: 1, schedule: 'warmup-invsqrt', warmupSteps: 1000 },
    objective: { labelSmoothing: 0.1 },
  }),
};

/** Translation (PROTOCOL W2: Multi30K English → German; W5 with `--arch transformer`). */
export const translateTask: TaskRule = {
  summary: 'translation between two languages from aligned sentence files; W2 on Multi30K English → German (W5 with --arch transformer)',
  family: 'seq2seq',
  data: 'parallel',
  preset: (choice) => ruleOf(PRESETS, choice.arch, 'seq2seq architecture')(choice),
  tokenize: (text) => protocolTokenize(text),
  detokenize: (tokens) => detokenizeWords(tokens),
  primary: { name: 'loss', mode: 'min' },
  curve: { metric: 'ppl', label: 'perplexity' },
  sourceEnd: true,
  accuracy: false,
  input: { label: 'Sentence', example: 'a man in a blue shirt is riding a bike down the street .', action: 'Translate' },
};
