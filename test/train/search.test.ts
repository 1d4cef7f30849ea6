import { describe, expect, it } from 'vitest';
import { Rng, train } from '../../src/index.js';
import { Vocab } from '../../src/data/index.js';
import { manualSeed } from '../../src/util/rng.js';

// Untrained tiny reversal models: what matters here is how their outputs relate, not quality.
const config = train.resolveRunConfig({
  task: 'reverse',
  data: { trainSize: 40, validSize: 8, testSize: 8, minLen: 3, maxLen: 6 },
  model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 },
});
function experiment(seed: number) {
  manualSeed(seed);
  return train.buildSyntheticExperiment(config);
}
const a = experiment(1);
const b = experiment(2);

describe('translateText with search settings', () => {
  it('an ensemble of one run translates exactly as the run, with beam search and its attention', () => {
    const o = { beam: 3, nBest: 2, maxTokens: 8, search: { lengthPenalty: 'wu' as const, beta: 0.3 } };
    const one = train.translateText(a, 'abcde', o);
    const ens = train.translateText([a], 'abcde', o);
    expect(ens.hypotheses.map((h) => [h.tokens, h.score, h.attention])).toEqual(one.hypotheses.map((h) => [h.tokens, h.score, h.attention]));
  });

  it('an ensemble of two keeps each model\'s attention beside their mean', () => {
    const [h] = train.translateText([a, b], 'abcde', { beam: 2, nBest: 1, maxTokens: 8 }).hypotheses;
    expect(h!.memberAttention).toHaveLength(2);
    const [ra, rb] = h!.memberAttention!;
    h!.attention!.forEach((row, j) => row.forEach((w, i) => expect(w).toBeCloseTo((ra![j]![i]! + rb![j]![i]!) / 2, 6)));
  });

  it('forces a prefix and requires constraints given as target text', () => {
    const t = train.translateText(a, 'abcdef', { beam: 3, nBest: 3, maxTokens: 10, prefix: 'fe', constraints: ['zz', 'q'] });
    for (const h of t.hypotheses) {
      expect(h.text.startsWith('fe')).toBe(true);
      expect(h.text).toContain('zz');
      expect(h.text).toContain('q');
    }
    expect(() => train.translateText(a, 'abc', { beam: 2, nBest: 1, maxTokens: 10, constraints: ['a!'] }))
      .toThrow('constraint 1 has "!", which the target vocabulary does not hold');
  });

  it('samples n translations under a seed, and the same seed repeats them', () => {
    const o = (seed: number) => ({ beam: 1, nBest: 3, maxTokens: 8, search: { sample: { temperature: 1.5, rng: new Rng(seed) } } });
    const x = train.translateText(a, 'abcde', o(4)).hypotheses.map((h) => h.text);
    expect(x).toHaveLength(3);
    expect(train.translateText(a, 'abcde', o(4)).hypotheses.map((h) => h.text)).toEqual(x);
  });

  it('refuses an ensemble whose vocabularies differ, naming both and the first difference', () => {
    const itos = [...b.vocabs.tgt.itos];
    const k = itos.indexOf('a');
    [itos[k], itos[k + 1]] = [itos[k + 1]!, itos[k]!];
    const other = { ...b, vocabs: { ...b.vocabs, tgt: new Vocab(itos, { specials: b.vocabs.tgt.specials }) } };
    expect(() => train.checkEnsemble([a, other], ['runs/a', 'runs/b'])).toThrow(
      `cannot decode these models together: their target vocabularies differ, runs/a/vocab.tgt.json (${itos.length} tokens) and runs/b/vocab.tgt.json (${itos.length} tokens), first at id ${k} ("a" vs "b")`);
    expect(() => train.translateText([a, other], 'abc', { beam: 1, nBest: 1, maxTokens: 5 })).toThrow('model 1/vocab.tgt.json');
  });
});

describe('decodeSplit with search settings', () => {
  const ids = { pad: a.task.options.pad, bos: a.task.options.bos, eos: a.task.options.eos };
  const examples = a.task.data.test;
  it('an ensemble of one decodes a split as the model; blocking and min-length hold for every sentence', () => {
    const plain = train.decodeSplit(a.model, examples, { ...ids, beam: 2, maxTokens: 8 });
    expect(train.decodeSplit([a.model], examples, { ...ids, beam: 2, maxTokens: 8 })).toEqual(plain);
    const steered = train.decodeSplit([a.model, b.model], examples, { ...ids, beam: 1, maxTokens: 8, search: { noRepeatNgram: 1, minLength: 4 } });
    for (const out of steered) {
      expect(out.length).toBeGreaterThanOrEqual(4);
      expect(new Set(out).size).toBe(out.length);
    }
  });
});
