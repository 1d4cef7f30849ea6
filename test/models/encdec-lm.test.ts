import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { greedy } from '../../src/decode/index.js';
import { EncoderDecoderLm } from '../../src/models/encdec-lm.js';
import { Adam } from '../../src/optim/index.js';
import { argmax, crossEntropy, reshape } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';

describe('EncoderDecoderLm (the lesson\'s encoder–decoder LM)', () => {
  it.each(['lstm', 'gru'] as const)('%s cells: gradients match finite differences from a carried state (float64)', (cell) => {
    const lm = new EncoderDecoderLm({ vocabSize: 5, embeddingSize: 3, hiddenSize: 2, dropout: 0, cell }, { dtype: 'float64', rng: new Rng(1) });
    const x = tensor([[1, 2], [3, 4], [0, 1]], { dtype: 'int32' });
    const y = tensor([[2, 3], [4, 0], [1, 2]], { dtype: 'int32' });
    const { state } = lm.forward(x);
    const carried = { h: state.h.detach(), c: state.c ? state.c.detach() : null };
    const loss = () => crossEntropy(reshape(lm.forward(x, carried).logits, [-1, 5]), reshape(y, [-1]));
    expect(gradcheck(loss, lm.parameters(), { rtol: 1e-4 })).toMatchObject({ ok: true });
  });

  it('attends causally: row t sums to 1 over e_1…e_t, and a later token changes no earlier prediction', () => {
    const lm = new EncoderDecoderLm({ vocabSize: 9, embeddingSize: 4, hiddenSize: 6 }, { rng: new Rng(2) }).eval();
    const a = lm.forward(tensor([[1], [2], [3], [4]], { dtype: 'int32' }));
    const b = lm.forward(tensor([[1], [2], [3], [8]], { dtype: 'int32' }));
    const w = a.attention.toArray() as number[][][];
    w[0]!.forEach((row, t) => {
      expect(row.slice(0, t + 1).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      expect(row.slice(t + 1).every((v) => v === 0)).toBe(true);
    });
    const la = Array.from(a.logits.data);
    const lb = Array.from(b.logits.data);
    expect(lb.slice(0, 27)).toEqual(la.slice(0, 27)); // steps 1–3 (3 × V) do not see x_4
    expect(lb.slice(27)).not.toEqual(la.slice(27));
  });

  it('generation step by step agrees with the windowed forward, reporting attention over the past', () => {
    const lm = new EncoderDecoderLm({ vocabSize: 12, embeddingSize: 4, hiddenSize: 6 }, { rng: new Rng(4) }).eval();
    const prompt = [3, 7, 1];
    const [h] = greedy(lm.asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1)!, end: null, maxTokens: 5, withAttention: true });
    const seq = [...prompt, ...h!.tokens];
    const { logits } = lm.forward(tensor(seq.slice(0, -1).map((t) => [t]), { dtype: 'int32' }));
    const next = (argmax(logits, -1).toArray() as number[][]).map((r) => r[0]);
    expect(next.slice(prompt.length - 1)).toEqual(h!.tokens);
    h!.attention!.forEach((row, i) => expect(row).toHaveLength(prompt.length + i));
  });

  it('trains with teacher forcing: the loss on a tiny text falls', () => {
    const text = 'abcdeabcdeabcdeabcde';
    const ids = [...text].map((ch) => ch.charCodeAt(0) - 97);
    const T = ids.length - 1;
    const x = tensor(ids.slice(0, -1).map((t) => [t]), { dtype: 'int32' }); // [T, 1]
    const y = tensor(ids.slice(1), { dtype: 'int32' });
    const lm = new EncoderDecoderLm({ vocabSize: 5, embeddingSize: 8, hiddenSize: 16, dropout: 0 }, { rng: new Rng(3) });
    const opt = new Adam(lm.parameters(), { lr: 0.02 });
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      const loss = crossEntropy(reshape(lm.forward(x).logits, [T, 5]), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[0]).toBeGreaterThan(1.4); // about ln 5 at the start
    expect(losses.at(-1)!).toBeLessThan(0.3);
  });

  it('rejects bad input, naming what is wrong', () => {
    const lm = new EncoderDecoderLm({ vocabSize: 5, embeddingSize: 3, hiddenSize: 4 });
    expect(() => lm.forward(tensor([1, 2], { dtype: 'int32' }))).toThrow('EncoderDecoderLm: ids must be int32 [T, B] with T ≥ 1, got int32 [2]');
    expect(() => lm.forward(tensor([[1, 2]], { dtype: 'int32' }), { h: tensor(new Float32Array(8), { shape: [1, 2, 4] }) }))
      .toThrow('EncoderDecoderLm: state.h must be [2, 2, 4] (encoder, decoder), got [1, 2, 4]');
    expect(() => lm.prime([])).toThrow('EncoderDecoderLm.prime: the prompt is empty');
  });
});
