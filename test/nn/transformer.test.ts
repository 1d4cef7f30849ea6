import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import type { Tensor } from '../../src/core/tensor.js';
import {
  type KeyValue, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
  causalMask, generateSquareSubsequentMask, paddingMask,
} from '../../src/nn/index.js';
import { expand, reshape, slice, sum, transpose, unsqueeze } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose, maxAbsDiff } from '../helpers/close.js';

const rnd = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor => randn(shape, { rng: new Rng(seed), dtype });

/** Absolute tolerance only: the compared results are the same computation taken two ways. */
const within = (atol: number) => ({ rtol: 0, atol });

const variants = [
  { name: 'post-norm relu', normFirst: false, activation: 'relu' as const },
  { name: 'pre-norm gelu', normFirst: true, activation: 'gelu' as const },
];

describeBackends('Transformer layers', () => {
  it.each(variants)('$name: each decoder step equals the full causal forward over the prefix (1e-5)', ({ normFirst, activation }) => {
    const dec = new TransformerDecoder({ dModel: 12, nhead: 3, numLayers: 2, dimFeedforward: 20, dropout: 0, normFirst, activation, finalNorm: true, batchFirst: true }, { rng: new Rng(1) });
    const [B, T, S] = [3, 6, 5];
    const x = rnd([B, T, 12], 2);
    const memory = rnd([B, S, 12], 3);
    const memPad = paddingMask([5, 2, 4], S);
    const full = dec.forwardBatchFirst(x, memory, { tgtMask: causalMask(T), memoryKeyPaddingMask: memPad });
    let cache = dec.startCache(memory, memPad);
    for (let t = 0; t < T; t++) {
      const r = dec.step(slice(x, 1, t, t + 1), cache);
      cache = r.cache;
      expectClose(r.output, slice(full.output, 1, t, t + 1), within(1e-5));
      r.crossWeights.forEach((w, l) => expectClose(w, slice(full.crossWeights[l]!, 2, t, t + 1), within(1e-5)));
      r.selfWeights.forEach((w, l) => expectClose(w, slice(slice(full.selfWeights[l]!, 2, t, t + 1), 3, 0, t + 1), within(1e-5)));
    }
    // several positions in one step: the rest of the prefix after a cache of two
    const two = dec.step(slice(x, 1, 0, 2), dec.startCache(memory, memPad));
    const rest = dec.step(slice(x, 1, 2, T), two.cache);
    expectClose(rest.output, slice(full.output, 1, 2, T), within(1e-5));
  });

  it.each(variants)('$name: encoder steps equal the causal forward (a decoder-only stack)', ({ normFirst, activation }) => {
    const enc = new TransformerEncoder({ dModel: 8, nhead: 2, numLayers: 2, dimFeedforward: 16, dropout: 0, normFirst, activation, batchFirst: true }, { rng: new Rng(4) });
    const x = rnd([2, 5, 8], 5);
    const full = enc.forwardBatchFirst(x, { isCausal: true });
    let caches: KeyValue[] | null = null;
    for (let t = 0; t < 5; t++) {
      const r = enc.step(slice(x, 1, t, t + 1), caches);
      caches = r.caches;
      expectClose(r.output, slice(full.output, 1, t, t + 1), within(1e-5));
    }
    expect(caches![0]!.k.shape).toEqual([2, 2, 5, 4]);
  });

  it('bool, 0/−∞ float, general float and per-head 3-D masks agree', () => {
    const layer = new TransformerEncoderLayer({ dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, batchFirst: true }, { rng: new Rng(6) });
    const x = rnd([2, 4, 8], 7);
    const pad = paddingMask([4, 3], 4);
    const ref = layer.forward(x, { srcMask: causalMask(4), srcKeyPaddingMask: pad });
    const floatCausal = layer.forward(x, { srcMask: generateSquareSubsequentMask(4), srcKeyPaddingMask: pad });
    expectClose(floatCausal, ref, within(0));
    // −1e9 instead of −∞ takes the composite path; a float key padding mask too
    const soft = tensor(Array.from(causalMask(4).data, (v) => (v ? -1e9 : 0)), { shape: [4, 4] });
    const softPad = tensor(Array.from(pad.data, (v) => (v ? -1e9 : 0)), { shape: [2, 4] });
    expectClose(layer.forward(x, { srcMask: soft, srcKeyPaddingMask: softPad }), ref, within(1e-5));
    const perHead = reshape(expand(unsqueeze(causalMask(4), 0), [4, 4, 4]), [4, 4, 4]); // [B·nh, S, S]
    expectClose(layer.forward(x, { srcMask: perHead, srcKeyPaddingMask: pad }), ref, within(1e-5));
    expectClose(layer.forward(x, { isCausal: true, srcKeyPaddingMask: pad }), ref, within(1e-6));
    // an additive bias changes the result (it is really added)
    const bias = tensor(Array.from({ length: 16 }, (_, i) => (i % 5) * 0.3), { shape: [4, 4] });
    expect(maxAbsDiff(layer.forward(x, { srcMask: bias }), layer.forward(x))).toBeGreaterThan(1e-3);
  });

  it('batchFirst false takes and returns [T, B, E]', () => {
    const cfg = { dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 };
    const a = new Transformer({ ...cfg, batchFirst: true }, { rng: new Rng(8) });
    const b = new Transformer({ ...cfg, batchFirst: false }, { rng: new Rng(9) });
    b.loadStateDict(a.stateDict());
    const src = rnd([2, 5, 8], 10);
    const tgt = rnd([2, 3, 8], 11);
    const mask = Transformer.generateSquareSubsequentMask(3);
    const ya = a.forward(src, tgt, { tgtMask: mask });
    const yb = b.forward(transpose(src, 0, 1), transpose(tgt, 0, 1), { tgtMask: mask });
    expectClose(transpose(yb, 0, 1), ya, within(1e-6));
  });

  it('dropout acts in training only; eval is deterministic', () => {
    const layer = new TransformerDecoderLayer({ dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0.5, batchFirst: true }, { rng: new Rng(12) });
    const x = rnd([2, 3, 8], 13);
    const m = rnd([2, 4, 8], 14);
    const t1 = layer.forward(x, m);
    const t2 = layer.forward(x, m);
    expect(maxAbsDiff(t1, t2)).toBeGreaterThan(1e-3);
    layer.eval();
    expectClose(layer.forward(x, m), layer.forward(x, m), within(0));
  });

  it('names its parameters as PyTorch', () => {
    const enc = Object.keys(new TransformerEncoderLayer({ dModel: 4, nhead: 2, dimFeedforward: 6 }).stateDict());
    expect(enc).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ]);
    const t = Object.keys(new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 6 }).stateDict());
    expect(t.filter((n) => !n.includes('.layers.'))).toEqual(['encoder.norm.weight', 'encoder.norm.bias', 'decoder.norm.weight', 'decoder.norm.bias']);
    expect(t).toContain('encoder.layers.1.linear2.bias');
    expect(t).toContain('decoder.layers.0.multihead_attn.in_proj_weight');
    expect(t).toContain('decoder.layers.0.norm3.weight');
    expect(t).toHaveLength(2 * 12 + 4 + 18);
  });

  it('Transformer draws every matrix Xavier-uniform', () => {
    const model = new Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 }, { rng: new Rng(15) });
    const w = model.parameter('decoder.layers.0.linear1.weight'); // [32, 16]: bound √(6/48)
    const bound = Math.sqrt(6 / 48);
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeGreaterThan(0.9 * bound);
  });
});

describe('Transformer layers: gradients (float64 finite differences)', () => {
  it.each(variants)('$name decoder layer, with padding and an additive float mask', ({ normFirst, activation }) => {
    const layer = new TransformerDecoderLayer({ dModel: 4, nhead: 2, dimFeedforward: 6, dropout: 0, normFirst, activation, batchFirst: true }, { rng: new Rng(16), dtype: 'float64' });
    const x = rnd([2, 3, 4], 17, 'float64');
    const m = rnd([2, 2, 4], 18, 'float64');
    const bias = tensor([0, -0.5, -Infinity, 0.2, 0, -Infinity, 0.1, 0.3, 0], { shape: [3, 3], dtype: 'float64' });
    const params = layer.parameters();
    const r = gradcheck(() => sum(layer.forward(x, m, { tgtMask: bias, memoryKeyPaddingMask: paddingMask([2, 1], 2) })), params, { atol: 1e-6, rtol: 1e-4 });
    expect(r).toMatchObject({ ok: true });
  });

  it('encoder layer (pre-norm gelu, causal) with respect to its input', () => {
    const layer = new TransformerEncoderLayer({ dModel: 4, nhead: 2, dimFeedforward: 6, dropout: 0, normFirst: true, activation: 'gelu', batchFirst: true }, { rng: new Rng(19), dtype: 'float64' });
    const x = randn([2, 3, 4], { rng: new Rng(20), dtype: 'float64', requiresGrad: true });
    const r = gradcheck((xi) => layer.forward(xi, { isCausal: true, srcKeyPaddingMask: paddingMask([3, 2], 3) }), [x], { atol: 1e-6, rtol: 1e-4 });
    expect(r).toMatchObject({ ok: true });
  });
});

describe('Transformer layers: bad input gets one clear line', () => {
  it('dModel not divisible by nhead', () => {
    expect(() => new TransformerEncoderLayer({ dModel: 10, nhead: 4 })).toThrow('TransformerEncoderLayer: config.dModel 10 is not divisible by config.nhead 4');
    expect(() => new Transformer({ dModel: 10, nhead: 3 })).toThrow(/Transformer: config.dModel 10 is not divisible by config.nhead 3/);
    expect(() => new TransformerDecoder({ dModel: 6, nhead: 4, numLayers: 1 })).toThrow(/TransformerDecoder: config.dModel 6 is not divisible by config.nhead 4/);
  });

  it('masks of the wrong shape or dtype name the parameter and the expected shape', () => {
    const layer = new TransformerDecoderLayer({ dModel: 4, nhead: 2, dimFeedforward: 6, batchFirst: true });
    const [x, m] = [rnd([2, 3, 4], 21), rnd([2, 5, 4], 22)];
    expect(() => layer.forward(x, m, { tgtMask: causalMask(4) })).toThrow('TransformerDecoderLayer: tgtMask must be [3, 3] or [4, 3, 3] (bool, true = excluded, or additive float), got [4, 4]');
    expect(() => layer.forward(x, m, { memoryKeyPaddingMask: paddingMask([3, 3], 3) })).toThrow('TransformerDecoderLayer: memoryKeyPaddingMask must be [2, 5]');
    expect(() => layer.forward(x, m, { memoryMask: tensor([[1, 2, 3, 4, 5]], { dtype: 'int32' }) })).toThrow(/memoryMask must be bool \(true = excluded\) or an additive float mask \[3, 5\] or \[4, 3, 5\], got int32/);
    const model = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, batchFirst: true });
    expect(() => model.forward(m, x, { srcKeyPaddingMask: paddingMask([3, 3], 3) })).toThrow('Transformer: srcKeyPaddingMask must be [2, 5]');
    expect(() => model.forward(m, rnd([2, 3, 5], 23))).toThrow('Transformer: tgt must be [B, T, 4] (batchFirst true), got [2, 3, 5]');
  });

  it('a state dict from another layer count lists the missing and unexpected names', () => {
    const two = new TransformerEncoder({ dModel: 4, nhead: 2, numLayers: 2, dimFeedforward: 6 });
    const three = new TransformerEncoder({ dModel: 4, nhead: 2, numLayers: 3, dimFeedforward: 6, finalNorm: true });
    expect(() => two.loadStateDict(three.stateDict())).toThrow(/TransformerEncoder.loadStateDict: nothing was loaded; .*unexpected keys: layers\.2\.self_attn\.in_proj_weight, .*norm\.weight, norm\.bias/);
    expect(() => three.loadStateDict(two.stateDict())).toThrow(/missing keys: layers\.2\.self_attn\.in_proj_weight, .*layers\.2\.norm2\.bias, norm\.weight, norm\.bias/);
  });

  it('steps with a cache of another batch size', () => {
    const layer = new TransformerEncoderLayer({ dModel: 4, nhead: 2, dimFeedforward: 6 });
    const { cache } = layer.step(rnd([2, 1, 4], 24), null);
    expect(() => layer.step(rnd([3, 1, 4], 25), cache)).toThrow('TransformerEncoderLayer.step: the cache holds 2 rows but x has 3');
  });
});
