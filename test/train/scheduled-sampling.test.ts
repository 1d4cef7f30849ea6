import { describe, expect, it } from 'vitest';
import { encodeSynthetic, reverseTask } from '../../src/data/index.js';
import { Seq2Seq } from '../../src/models/seq2seq.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { SAMPLING_DECAYS } from '../../src/train/scheduled-sampling.js';
import { Seq2SeqTask, type Seq2SeqTaskOptions } from '../../src/train/tasks/seq2seq.js';
import { defaultRng, manualSeed } from '../../src/util/rng.js';
import { noGrad } from '../../src/core/grad.js';
import { freeRunningLoss } from '../../src/train/evaluate.js';
import { Trainer, config } from './helpers.js';

const p = { k: null, c: 1e-3, min: 0.1, teacherForcing: 1 };

describe('scheduled sampling decays (Bengio et al. 2015)', () => {
  it('follow their formulas and fall with the step', () => {
    expect(SAMPLING_DECAYS.linear.ratio(0, p)).toBe(1);
    expect(SAMPLING_DECAYS.linear.ratio(400, p)).toBeCloseTo(0.6, 12);
    expect(SAMPLING_DECAYS.linear.ratio(5000, p)).toBe(0.1); // the floor ε
    expect(SAMPLING_DECAYS.exp.ratio(100, { ...p, k: 0.99 })).toBeCloseTo(0.99 ** 100, 12);
    expect(SAMPLING_DECAYS['inverse-sigmoid'].ratio(500, { ...p, k: 100 })).toBeCloseTo(100 / (100 + Math.exp(5)), 12);
    expect(SAMPLING_DECAYS.none.ratio(1000, { ...p, teacherForcing: 0.7 })).toBe(0.7);
  });

  it('refuses a k the decay cannot use, a setting it does not read, and two ways of setting the ratio', () => {
    expect(() => resolveRunConfig({ task: 'reverse', objective: { scheduledSampling: 'exp', samplingK: 2 } })).toThrow('objective.samplingK: exp decay needs 0 < k < 1, got 2');
    expect(() => resolveRunConfig({ task: 'reverse', objective: { scheduledSampling: 'exp', samplingC: 0.1 } })).toThrow(/objective.samplingC does not apply to scheduledSampling "exp"/);
    expect(() => resolveRunConfig({ task: 'reverse', objective: { scheduledSampling: 'linear', teacherForcing: 0.5 } })).toThrow(/give one/);
  });
});

/** A tiny reverse model trained 60 steps with these decoder-feeding options. */
async function trainTiny(options: Partial<Seq2SeqTaskOptions>) {
  manualSeed(1);
  const t = reverseTask({ minLen: 2, maxLen: 5 });
  const ex = (n: number, s: number) => encodeSynthetic(t.generate(n, s), t);
  const model = new Seq2Seq({
    srcVocabSize: t.srcVocab.size, tgtVocabSize: t.tgtVocab.size, embeddingSize: 16, encoderHidden: 16, decoderHidden: 32,
    attention: 'luong-general', bridge: 'concat', dropout: 0,
  });
  const ids = { pad: t.tgtVocab.id('<pad>'), bos: t.tgtVocab.id('<bos>'), eos: t.tgtVocab.id('<eos>') };
  const task = new Seq2SeqTask(model, { train: ex(640, 1), valid: ex(100, 2), test: ex(100, 3) }, { batchSize: 32, ...ids, ...options });
  const state = await new Trainer(task, config({ epochs: 3, evalEvery: 30 })).run();
  return { task, losses: state.history.map((h) => h.metrics.loss!) };
}

describe('training with scheduled sampling and word dropout', () => {
  it.each([
    ['linear', { scheduledSampling: { decay: 'linear', c: 0.01, min: 0.2 } }],
    ['exp', { scheduledSampling: { decay: 'exp', k: 0.98 } }],
    ['inverse-sigmoid', { scheduledSampling: { decay: 'inverse-sigmoid', k: 10 } }],
    ['word dropout 0.3', { wordDropout: 0.3 }],
  ] as [string, Partial<Seq2SeqTaskOptions>][])('%s: a tiny reverse model still learns (validation loss falls)', async (_, options) => {
    const { task, losses } = await trainTiny(options);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    if (options.scheduledSampling) expect(task.teacherForcingAt(59)).toBeLessThan(0.7); // the model did feed itself
  }, 120_000);
});

describe('free-running perplexity tracked during training (freeRunning)', () => {
  it('logs loss_free and ppl_free at every evaluation, equal to glimpse eval\'s, without moving the training\'s random stream', async () => {
    const { task } = await trainTiny({ freeRunning: true });
    const split = task.data.valid;
    const before = defaultRng().getState();
    const m = noGrad(() => task.evaluate('valid'));
    expect(defaultRng().getState()).toEqual(before);
    expect(m.ppl_free).toBeCloseTo(Math.exp(m.loss_free!), 10);
    expect(m.loss_free).toBeCloseTo(freeRunningLoss(task.model, split, task.options, 250), 5);
    // Fed its own guesses, the decoder does worse than with the reference: the exposure-bias gap.
    expect(m.loss_free!).toBeGreaterThan(m.loss!);
    const { task: plain } = await trainTiny({});
    expect(noGrad(() => plain.evaluate('valid')).loss_free).toBeUndefined();
  }, 120_000);
});
