import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import type { Tensor } from '../../src/core/tensor.js';
import {
  Dropout, Embedding, GRU, LSTM, LayerNorm, Linear, Module, ModuleList, MultiheadAttention,
} from '../../src/nn/index.js';
import { relu, sum } from '../../src/ops/index.js';
import { GlimpseError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

class Encoder extends Module {
  readonly emb = this.registerModule('emb', new Embedding({ numEmbeddings: 5, embeddingDim: 3, paddingIdx: 0 }, { rng: new Rng(1) }));
  readonly rnn = this.registerModule('rnn', new GRU({ inputSize: 3, hiddenSize: 2, bidirectional: true }, { rng: new Rng(2) }));
  readonly drop = this.registerModule('drop', new Dropout({ p: 0.5 }));
}

class Tied extends Module {
  readonly emb = this.registerModule('emb', new Embedding({ numEmbeddings: 6, embeddingDim: 4 }));
  readonly out = this.registerModule('out', new Linear({ inFeatures: 4, outFeatures: 6 }));
  constructor() {
    super();
    this.setParameter('out.weight', this.emb.weight);
  }
}

describe('Module', () => {
  it('names nested parameters as PyTorch does', () => {
    const names = Object.keys(new Encoder().stateDict());
    expect(names).toEqual([
      'emb.weight',
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
      'rnn.weight_ih_l0_reverse', 'rnn.weight_hh_l0_reverse', 'rnn.bias_ih_l0_reverse', 'rnn.bias_hh_l0_reverse',
    ]);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bias: false });
    expect(lstm.namedParameters().map(([n, t]) => `${n} [${t.shape}]`)).toEqual([
      'weight_ih_l0 [16,3]', 'weight_hh_l0 [16,4]', 'weight_ih_l1 [16,4]', 'weight_hh_l1 [16,4]',
    ]);
    const mha = new MultiheadAttention({ embedDim: 8, numHeads: 2, kdim: 6, vdim: 5 });
    expect(Object.keys(mha.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
  });

  it('counts parameters and looks them up by dotted name', () => {
    const enc = new Encoder();
    expect(enc.numParameters()).toBe(5 * 3 + 2 * (6 * 3 + 6 * 2 + 6 + 6));
    expect(enc.parameter('rnn.bias_hh_l0_reverse').shape).toEqual([6]);
    expect(() => enc.parameter('rnn.nope')).toThrow(/no parameter "rnn.nope"/);
    expect(enc.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('switches train/eval mode through the whole tree', () => {
    const enc = new Encoder();
    expect(enc.drop.training).toBe(true);
    enc.eval();
    expect(enc.namedModules().every(([, m]) => !m.training)).toBe(true);
    const x = randn([4, 3]);
    expect(enc.drop.forward(x)).toBe(x);
    enc.train();
    expect(enc.rnn.training && enc.drop.training).toBe(true);
  });

  it('round-trips a state dict, and the snapshot does not follow later changes', () => {
    const a = new Encoder();
    const b = new Encoder();
    b.parameters().forEach((p) => p.data.fill(0.5));
    const snapshot = a.stateDict();
    expect(b.loadStateDict(snapshot)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    a.parameter('emb.weight').data[3] = 42;
    expect(snapshot['emb.weight']!.data[3]).not.toBe(42);
    for (const [name, t] of b.namedParameters()) expect([...t.data], name).toEqual([...snapshot[name]!.data]);
  });

  it('in strict mode reports every problem by name and loads nothing', () => {
    const m = new Encoder();
    const before = m.stateDict();
    const dict = m.stateDict();
    delete dict['rnn.weight_hh_l0'];
    dict['rnn.weight_ih_l0'] = randn([6, 4]);
    dict['rnn.extra'] = randn([1]);
    dict['emb.weight'] = randn([5, 3]);
    let message = '';
    try {
      m.loadStateDict(dict);
    } catch (e) {
      expect(e).toBeInstanceOf(GlimpseError);
      message = (e as Error).message;
    }
    expect(message).toContain('missing keys: rnn.weight_hh_l0');
    expect(message).toContain('unexpected keys: rnn.extra');
    expect(message).toContain('rnn.weight_ih_l0: module has [6, 3], state dict has [6, 4]');
    expect(message).toContain('nothing was loaded');
    for (const [name, t] of Object.entries(m.stateDict())) expect([...t.data], name).toEqual([...before[name]!.data]);
  });

  it('in non-strict mode loads what matches and returns the rest; shape mismatches still throw', () => {
    const m = new Encoder();
    const w = randn([5, 3]);
    expect(m.loadStateDict({ 'emb.weight': w, other: w }, { strict: false })).toEqual({
      missingKeys: m.namedParameters().map(([n]) => n).filter((n) => n !== 'emb.weight'),
      unexpectedKeys: ['other'],
    });
    expect([...m.emb.weight.data]).toEqual([...w.data]);
    expect(() => m.loadStateDict({ 'emb.weight': randn([2, 2]) }, { strict: false })).toThrow(/mismatch: emb.weight/);
    expect(() => m.loadStateDict({ 'emb.weight': tensor([[1]], { dtype: 'int32' }) }, { strict: false })).toThrow(GlimpseError);
  });

  it('ties parameters: one tensor, trained once, saved under both names', () => {
    const m = new Tied();
    expect(m.out.weight).toBe(m.emb.weight);
    expect(m.parameters()).toHaveLength(2);
    expect(Object.keys(m.stateDict())).toEqual(['emb.weight', 'out.weight', 'out.bias']);
    expect(() => m.setParameter('out.bias', randn([3]))).toThrow(/"out.bias" is float32 \[6\], got float32 \[3\]/);
  });

  it('zeroGrad clears every gradient', () => {
    const lin = new Linear({ inFeatures: 3, outFeatures: 2 });
    sum(relu(lin.forward(randn([4, 3])))).backward();
    expect(lin.weight.grad).not.toBeNull();
    lin.zeroGrad();
    expect(lin.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('ModuleList names children by index', () => {
    const list = new ModuleList([new LayerNorm({ normalizedShape: 2 }), new LayerNorm({ normalizedShape: 2 })]);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect([...list].length).toBe(2);
    expect(() => list.at(2)).toThrow(/out of range/);
  });

  it('rejects unknown config keys and wrong types, naming the component', () => {
    expect(() => new Linear({ inFeatures: 3, outFeatures: 2, bais: false } as never)).toThrow(/Linear: unknown config key "bais"/);
    expect(() => new LSTM({ inputSize: 3, hiddenSize: '4' } as never)).toThrow(/LSTM: config.hiddenSize must be an integer, got "4"/);
    expect(() => new GRU({ inputSize: 3 } as never)).toThrow(/GRU: config.hiddenSize is required/);
    expect(() => new Dropout({ p: 1 })).toThrow(/config.p must be < 1/);
    expect(() => new MultiheadAttention({ embedDim: 6, numHeads: 4 })).toThrow(/not divisible/);
  });
});

describe('PyTorch default initialisation', () => {
  const within = (t: Tensor, bound: number) => [...t.data].every((v) => Math.abs(v) <= bound);
  const spread = (t: Tensor) => Math.max(...t.data) - Math.min(...t.data);

  it('Linear: weight and bias in ±1/√in', () => {
    const lin = new Linear({ inFeatures: 16, outFeatures: 64 }, { rng: new Rng(0) });
    expect(within(lin.weight, 0.25) && within(lin.bias!, 0.25)).toBe(true);
    expect(spread(lin.weight)).toBeGreaterThan(0.45); // fills the interval, not a narrower one
  });

  it('LSTM/GRU: every parameter in ±1/√H', () => {
    for (const p of new LSTM({ inputSize: 5, hiddenSize: 16, numLayers: 2 }, { rng: new Rng(0) }).parameters()) {
      expect(within(p, 0.25)).toBe(true);
    }
  });

  it('Embedding: N(0, 1) with the padding row at 0', () => {
    const emb = new Embedding({ numEmbeddings: 2000, embeddingDim: 8, paddingIdx: -1 }, { rng: new Rng(0) });
    expect(emb.paddingIdx).toBe(1999);
    const w = [...emb.weight.data];
    expect(w.slice(-8)).toEqual(new Array(8).fill(0));
    const values = w.slice(0, -8);
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it('MultiheadAttention: xavier-uniform projections and zero biases', () => {
    const mha = new MultiheadAttention({ embedDim: 8, numHeads: 2 }, { rng: new Rng(0) });
    expect(within(mha.parameter('in_proj_weight'), Math.sqrt(6 / 32))).toBe(true);
    expect([...mha.parameter('in_proj_bias').data].every((v) => v === 0)).toBe(true);
    expect([...mha.outProj.bias!.data].every((v) => v === 0)).toBe(true);
  });

  it('draws from the given generator: same seed, same weights', () => {
    const a = new GRU({ inputSize: 3, hiddenSize: 4 }, { rng: new Rng(9) });
    const b = new GRU({ inputSize: 3, hiddenSize: 4 }, { rng: new Rng(9) });
    expect(a.parameters().map((p) => [...p.data])).toEqual(b.parameters().map((p) => [...p.data]));
  });
});
