import { detokenizeWords, protocolTokenize } from '../../data/index.js';
import type { TaskRule } from './rule.js';

/** Translation (PROTOCOL W2: Multi30K English → German). */
export const translateTask: TaskRule = {
  summary: 'translation between two languages from aligned sentence files; W2 on Multi30K English → German',
  family: 'seq2seq',
  data: 'parallel',
  preset: (choice) => ({
    data: { source: 'multi30k', batchSize: 128, minFreq: 2 },
    model: {
      arch: choice.arch, attention: choice.attention ?? 'bahdanau', embeddingSize: 256, encoderHidden: 256, bidirectional: true,
      decoderHidden: 512, attentionSize: 512, attentionBias: false, dropout: 0.3, bridge: 'tanh-linear', inputFeeding: false,
    },
    train: { epochs: 10, lr: 1e-3, clip: 1 },
  }),
  tokenize: (text) => protocolTokenize(text),
  detokenize: (tokens) => detokenizeWords(tokens),
  primary: { name: 'loss', mode: 'min' },
  curve: { metric: 'ppl', label: 'perplexity' },
  sourceEnd: true,
  accuracy: false,
  input: { label: 'Sentence', example: 'a man in a blue shirt is riding a bike down the street .', action: 'Translate' },
};
