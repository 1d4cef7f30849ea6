import { describe, expect, it } from 'vitest';
import { Trainer, buildSyntheticExperiment, resolveRunConfig, resolveTrainConfig, translateText, translationAttentionGrid } from '../../src/train/index.js';

/** A reverse task small enough to learn in a few seconds on a loaded machine. */
function tinyReverseTransformer(train: Record<string, unknown> = {}) {
  const config = resolveRunConfig({
    task: 'reverse', arch: 'transformer',
    data: { minLen: 2, maxLen: 5, batchSize: 32, trainSize: 2000, validSize: 100, testSize: 100 },
    model: { dModel: 32, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 },
    train: { maxSteps: 200, evalEvery: 50, warmupSteps: 30, lr: 3e-3, ...train },
  });
  return buildSyntheticExperiment(config);
}

describe('a Transformer on reverse through the trainer', () => {
  it('learns with the preset recipe (label smoothing, β₂ 0.98, warm-up then 1/√step): loss falls, exact match rises', async () => {
    const exp = tinyReverseTransformer();
    expect(exp.config.objective.labelSmoothing).toBe(0.1);
    const state = await new Trainer(exp.task, resolveTrainConfig(exp.config.train)).run();
    const first = state.history[0]!.metrics;
    const last = state.history.at(-1)!.metrics;
    expect(last.loss!).toBeLessThan(first.loss! * 0.5);
    expect(last.exact!).toBeGreaterThan(first.exact! + 0.2);

    // Its attention maps: every layer and head of the three kinds, labelled with the tokens.
    const trained = { kind: 'seq2seq' as const, config: exp.config, model: exp.model.eval(), vocabs: exp.vocabs };
    const t = translateText(trained, 'abcd', { beam: 1, nBest: 1, maxTokens: 10 });
    const grid = translationAttentionGrid(trained, t)!;
    expect(grid.map((s) => s.title)).toEqual(['encoder self-attention', 'decoder self-attention', 'cross-attention']);
    const best = t.hypotheses[0]!;
    const cross = grid[2]!;
    expect(cross.weights).toHaveLength(1);
    expect(cross.weights[0]).toHaveLength(4);
    expect(cross.rowLabels).toEqual(best.finished ? [...best.words, '<eos>'] : best.words);
    expect(cross.colLabels).toEqual(['a', 'b', 'c', 'd']);
    // The head average of the last layer is what decoding reported step by step.
    cross.weights[0]![0]!.forEach((_, i) => cross.colLabels.forEach((__, j) => {
      const mean = cross.weights[0]!.reduce((s, head) => s + head[i]![j]!, 0) / 4;
      expect(mean).toBeCloseTo(best.attention![i]![j]!, 4);
    }));
    // Rows of a causal self-attention sum to 1 over the tokens read so far and are 0 after.
    for (const row of grid[1]!.weights[0]![0]!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(grid[1]!.weights[0]![0]![0]!.slice(1).every((w) => w === 0)).toBe(true);
    expect(() => translationAttentionGrid(trained, t, { head: 5 })).toThrow('--head 5: the encoder self-attention has 4 heads, numbered 1…4');
  }, 60_000);
});
