import { describe, expect, it } from 'vitest';
import { train } from '../../src/index.js';
import { manualSeed } from '../../src/util/rng.js';

// Untrained tiny reversal models (an RNN with attention and a Transformer): batched greedy
// decoding must give each row what decoding it alone gives, padding masked.
const data = { trainSize: 40, validSize: 8, testSize: 8, minLen: 3, maxLen: 6 };
const models = {
  rnn: { task: 'reverse', data, model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 } },
  transformer: { task: 'reverse', arch: 'transformer', data, model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 } },
} as const;
const texts = ['abc', 'abcdefghij', 'zyx', 'mnopq', 'q'];

describe('translateBatch', () => {
  for (const [name, input] of Object.entries(models)) {
    it(`${name}: each row equals translateText with beam 1 (tokens, score and attention over its own source)`, () => {
      manualSeed(3);
      const exp = train.buildSyntheticExperiment(train.resolveRunConfig(input));
      const batch = train.translateBatch(exp, texts, { maxTokens: 12, search: { noRepeatNgram: 2 } });
      expect(batch).toHaveLength(texts.length);
      texts.forEach((text, i) => {
        const alone = train.translateText(exp, text, { beam: 1, nBest: 1, maxTokens: 12, search: { noRepeatNgram: 2 } });
        const [b, a] = [batch[i]!.hypotheses[0]!, alone.hypotheses[0]!];
        expect(b.tokens).toEqual(a.tokens);
        expect(b.score).toBeCloseTo(a.score, 4);
        expect(batch[i]!.source.tokens).toEqual(alone.source.tokens);
        expect(b.attention!.map((r) => r.length)).toEqual(a.attention!.map((r) => r.length));
        b.attention!.forEach((row, t) => row.forEach((w, s) => expect(w).toBeCloseTo(a.attention![t]![s]!, 5)));
      });
    });
  }

  it('refuses an input the model cannot read, naming it', () => {
    const exp = train.buildSyntheticExperiment(train.resolveRunConfig(models.rnn));
    expect(() => train.translateBatch(exp, ['abc', 'AB€'], { maxTokens: 5 })).toThrow(/"€"/);
  });
});
