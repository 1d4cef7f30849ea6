import { expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import type { Tensor } from '../../src/core/tensor.js';
import { LanguageModel, type LanguageModelConfig } from '../../src/models/lm.js';
import { SteppedRNN } from '../../src/nn/index.js';
import { crossEntropy, reshape } from '../../src/ops/index.js';
import { LM_ARCHS } from '../../src/models/families.js';
import { LM_MODELS } from '../../src/train/lm-models.js';
import { Rng } from '../../src/util/rng.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';

const ids = tensor([[1, 2, 3], [4, 0, 5], [6, 7, 1], [2, 2, 9]], { dtype: 'int32' }); // [T = 4, B = 3]
const targets = tensor([[2, 3, 4], [0, 5, 6], [7, 1, 2], [2, 9, 0]], { dtype: 'int32' });

/** Loss, logits, final state and every gradient by name, for one window from a carried state. */
function run(lm: LanguageModel, carried: { h: Tensor; c: Tensor }) {
  lm.zeroGrad();
  const { logits, state } = lm.forward(ids, carried);
  const loss = crossEntropy(reshape(logits, [-1, 10]), reshape(targets, [-1]));
  loss.backward();
  const grads = Object.fromEntries(lm.namedParameters().map(([n, p]) => [n, Array.from(p.grad!.data)]));
  return { logits: Array.from(logits.data), h: Array.from(state.h.data), c: Array.from(state.c!.data), grads };
}

describeBackends('lstm-scratch equals lstm', () => {
  it.each([false, true])('same weights by name → same outputs, state and gradients (training mode with dropout: %s)', (training) => {
    const config: LanguageModelConfig = { vocabSize: 10, embeddingSize: 6, hiddenSize: 5, numLayers: 2, dropout: 0.3, ...LM_MODELS.lstm.model };
    const fused = new LanguageModel(config, { rng: new Rng(7) });
    const scratch = new LanguageModel({ ...config, ...LM_MODELS['lstm-scratch'].model }, { rng: new Rng(7) });
    expect(scratch.rnn).toBeInstanceOf(SteppedRNN);
    // Strict load: the stepped stack has exactly the fused LSTM's parameter names (rnn.weight_ih_l0, …).
    scratch.loadStateDict(fused.stateDict());
    expect(scratch.namedParameters().map(([n]) => n)).toEqual(fused.namedParameters().map(([n]) => n));
    fused.train(training);
    scratch.train(training);
    // Built from generators seeded alike, both draw the same values in the same order: the same
    // initial weights (the load above shows the names agree) and the same dropout masks.
    const r = new Rng(5);
    const carried = { h: tensor(Float32Array.from({ length: 30 }, () => r.normal() * 0.5), { shape: [2, 3, 5] }), c: tensor(Float32Array.from({ length: 30 }, () => r.normal() * 0.5), { shape: [2, 3, 5] }) };
    const a = run(fused, carried);
    const b = run(scratch, carried);
    // |scratch − fused| ≤ tol·(1 + |fused|): the same tolerance relative and absolute.
    const outputs = { rtol: 1e-5, atol: 1e-5 };
    expectClose(b.logits, a.logits, { ...outputs, what: 'logits' });
    expectClose(b.h, a.h, { ...outputs, what: 'h' });
    expectClose(b.c, a.c, { ...outputs, what: 'c' });
    for (const name of Object.keys(a.grads)) expectClose(b.grads[name]!, a.grads[name]!, { rtol: 1e-4, atol: 1e-4, what: `grad ${name}` });
  });
});

it('the stepped LM: gradients match finite differences (float64, GRU and LSTM cells)', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    const lm = new LanguageModel({ vocabSize: 5, embeddingSize: 3, hiddenSize: 2, numLayers: 2, dropout: 0, cell, stepped: true }, { dtype: 'float64', rng: new Rng(1) });
    const x = tensor([[1, 2], [3, 4], [0, 1]], { dtype: 'int32' });
    const y = tensor([[2, 3], [4, 0], [1, 2]], { dtype: 'int32' });
    const loss = () => crossEntropy(reshape(lm.forward(x).logits, [-1, 5]), reshape(y, [-1]));
    expect(gradcheck(loss, lm.parameters(), { rtol: 1e-4 })).toMatchObject({ ok: true });
  }
});

it('describes the stepped model and rejects a bad state shape', () => {
  expect(LM_ARCHS.rnn.describe(LM_MODELS['lstm-scratch'].model)).toBe('lstm (cells stepped in a loop) language model, 2 × 256');
  const lm = new LanguageModel({ vocabSize: 10, embeddingSize: 6, hiddenSize: 5, numLayers: 2, stepped: true });
  expect(() => lm.forward(ids, { h: tensor(new Float32Array(15), { shape: [1, 3, 5] }) })).toThrow('SteppedRNN: state.h must be [2, 3, 5], got [1, 3, 5]');
});
