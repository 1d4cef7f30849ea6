import { describe, expect, it } from 'vitest';
import { randn, tensor, zeros } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import type { Tensor } from '../../src/core/tensor.js';
import { GRU, GRUCell, LSTM, LSTMCell, type RecurrentState } from '../../src/nn/index.js';
import { concat, select, slice, stack, transpose, unsqueeze } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { expectClose } from '../helpers/close.js';

const f64 = { dtype: 'float64' as const };

/** Float64 results that must agree to rounding: absolute tolerance only. */
const TIGHT = { rtol: 0, atol: 1e-12 };

/** Runs a cell over x [B, T, I], stepping sequence b only while t < lengths[b]. */
function stepCell(cell: LSTMCell | GRUCell, x: Tensor, lengths: number[], reverse = false): { outputs: Tensor[]; state: RecurrentState } {
  const T = x.shape[1]!;
  const perSequence = lengths.map((len, b) => {
    const xb = select(x, 0, b);
    let state: RecurrentState | null = null;
    const outs: Tensor[] = new Array(T);
    for (let k = 0; k < len; k++) {
      const t = reverse ? len - 1 - k : k;
      state = cell.forward(unsqueeze(select(xb, 0, t), 0), state);
      outs[t] = state.h;
    }
    return { outs, state: state! };
  });
  const H = cell.config.hiddenSize;
  const zero = zeros([1, H], f64);
  const outputs = Array.from({ length: T }, (_, t) => concat(perSequence.map((s) => s.outs[t] ?? zero), 0)); // T × [B, H]
  const state = {
    h: concat(perSequence.map((s) => s.state.h), 0),
    c: perSequence[0]!.state.c ? concat(perSequence.map((s) => s.state.c!), 0) : null,
  };
  return { outputs, state };
}

describe('LSTMCell and GRUCell (primitive ops)', () => {
  it.each([['LSTMCell', LSTMCell], ['GRUCell', GRUCell]] as const)('%s gradients match finite differences', (_n, Cell) => {
    const cell = new Cell({ inputSize: 3, hiddenSize: 4 }, { ...f64, rng: new Rng(1) });
    const x = randn([2, 3], { ...f64, requiresGrad: true, rng: new Rng(2) });
    const h = randn([2, 4], { ...f64, requiresGrad: true, rng: new Rng(3) });
    const c = randn([2, 4], { ...f64, requiresGrad: true, rng: new Rng(4) });
    const r = gradcheck((xi, hi, ci) => {
      const s = cell.forward(xi!, { h: hi!, c: ci! });
      return s.c ? [s.h, s.c] : [s.h];
    }, [x, h, c, ...cell.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
  });

  it('LSTMCell stepped T times equals LSTM on the same weights (with lengths, both directions)', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true }, { ...f64, rng: new Rng(5) });
    const x = randn([3, 5, 3], { ...f64, rng: new Rng(6) });
    const lengths = [5, 2, 4];
    const { output, state } = lstm.forward(x, { lengths: tensor(lengths, { dtype: 'int32' }) });
    for (const [d, sfx] of [[0, '_l0'], [1, '_l0_reverse']] as const) {
      const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4 }, f64);
      cell.loadStateDict(Object.fromEntries(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((n) => [n, lstm.parameter(`${n}${sfx}`)])));
      const stepped = stepCell(cell, x, lengths, d === 1);
      const half = transpose(stack(stepped.outputs, 0), 0, 1); // [B, T, H]
      const fromLayer = slice(output, 2, 4 * d, 4 * d + 4);
      expectClose(fromLayer, half, TIGHT);
      expectClose(select(state.h, 0, d), stepped.state.h, TIGHT);
      expectClose(select(state.c!, 0, d), stepped.state.c!, TIGHT);
    }
  });

  it('GRUCell stepped T times equals GRU on the same weights (with lengths)', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 3, batchFirst: true }, { ...f64, rng: new Rng(7) });
    const x = randn([2, 4, 2], { ...f64, rng: new Rng(8) });
    const { output, state } = gru.forward(x, { lengths: [4, 1] });
    const cell = new GRUCell({ inputSize: 2, hiddenSize: 3 }, f64);
    cell.loadStateDict(Object.fromEntries(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((n) => [n, gru.parameter(`${n}_l0`)])));
    const stepped = stepCell(cell, x, [4, 1]);
    expectClose(output, transpose(stack(stepped.outputs, 0), 0, 1), TIGHT);
    expectClose(select(state.h, 0, 0), stepped.state.h, TIGHT);
    expect(state.c).toBeNull();
  });
});

describe('LSTM and GRU layers', () => {
  it.each([['LSTM', LSTM], ['GRU', GRU]] as const)('gradients of a 2-layer bidirectional %s with lengths and initial state match finite differences', (_n, Layer) => {
    const rnn = new Layer({ inputSize: 2, hiddenSize: 2, numLayers: 2, bidirectional: true }, { ...f64, rng: new Rng(9) });
    const x = randn([3, 2, 2], { ...f64, requiresGrad: true, rng: new Rng(10) });
    const h0 = randn([4, 2, 2], { ...f64, requiresGrad: true, rng: new Rng(11) });
    const c0 = randn([4, 2, 2], { ...f64, requiresGrad: true, rng: new Rng(12) });
    const r = gradcheck((xi, hi, ci) => {
      const { output, state } = rnn.forward(xi!, { state: { h: hi!, c: Layer === LSTM ? ci! : null }, lengths: [3, 2] });
      return state.c ? [output, state.h, state.c] : [output, state.h];
    }, [x, h0, ...(Layer === LSTM ? [c0] : []), ...rnn.parameters()]);
    expect(r.ok, JSON.stringify(r.mismatch)).toBe(true);
  });

  it('batchFirst only changes the layout', () => {
    const a = new GRU({ inputSize: 3, hiddenSize: 2, numLayers: 2 }, { rng: new Rng(13) });
    const b = new GRU({ inputSize: 3, hiddenSize: 2, numLayers: 2, batchFirst: true });
    b.loadStateDict(a.stateDict());
    const x = randn([4, 2, 3], { rng: new Rng(14) }); // [T, B, I]
    const ya = a.forward(x);
    const yb = b.forward(transpose(x, 0, 1));
    expect(transpose(yb.output, 0, 1).toArray()).toEqual(ya.output.toArray());
    expect(yb.state.h.toArray()).toEqual(ya.state.h.toArray());
  });

  it('applies inter-layer dropout in training only', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 8, numLayers: 2, dropout: 0.5 }, { rng: new Rng(15) });
    const plain = new LSTM({ inputSize: 3, hiddenSize: 8, numLayers: 2 });
    plain.loadStateDict(lstm.stateDict());
    const x = randn([5, 2, 3], { rng: new Rng(16) });
    const train = lstm.forward(x).output.toArray();
    expect(train).not.toEqual(plain.forward(x).output.toArray());
    expect(lstm.eval().forward(x).output.toArray()).toEqual(plain.forward(x).output.toArray());
  });

  it('checks shapes of inputs, states and lengths', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 2, numLayers: 2 });
    expect(() => lstm.forward(randn([4, 2, 5]))).toThrow(/x must be \[T, B, 3\], got \[4, 2, 5\]/);
    expect(() => lstm.forward(randn([4, 2, 3]), { state: { h: randn([1, 2, 2]), c: randn([2, 2, 2]) } })).toThrow(/state.h must be \[2, 2, 2\]/);
    expect(() => lstm.forward(randn([4, 2, 3]), { lengths: [5, 1] })).toThrow(/lengths\[0\] = 5 is outside \[0, 4\]/);
    expect(() => new LSTMCell({ inputSize: 3, hiddenSize: 2 }).forward(randn([2, 4]))).toThrow(/x must be \[B, 3\]/);
  });
});
