import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { type StepModel, type StepOutput, beamSearch, greedy, sample } from '../../src/decode/index.js';
import { TransformerLanguageModel, type TransformerLanguageModelConfig } from '../../src/models/transformer-lm.js';
import { logSoftmax } from '../../src/ops/index.js';
import { Adam } from '../../src/optim/index.js';
import { Rng } from '../../src/util/rng.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { referencePythonAvailable, runReferencePython } from '../helpers/python.js';

const tiny = (over: Partial<TransformerLanguageModelConfig> = {}): TransformerLanguageModelConfig => ({
  vocabSize: 12, dModel: 8, nhead: 2, numLayers: 2, dimFeedforward: 16, contextSize: 6, ...over,
});

/** Wraps a step model to keep every step's output. */
function recording<S>(model: StepModel<S>): { model: StepModel<S>; outputs: StepOutput<S>[] } {
  const outputs: StepOutput<S>[] = [];
  return { outputs, model: { ...model, step: (s, prev) => { const o = model.step(s, prev); outputs.push(o); return o; } } };
}

/** log p(next | window) from the full forward over one window of tokens, [V]. */
function windowLogProbs(lm: TransformerLanguageModel, window: number[]): Float32Array {
  const { logits } = lm.forward(tensor(window.map((t) => [t]), { dtype: 'int32' })); // [T, 1, V]
  const V = lm.config.vocabSize;
  return logSoftmax(logits, -1).data.slice((window.length - 1) * V, window.length * V) as Float32Array;
}

describeBackends('TransformerLanguageModel', () => {
  it.each([
    ['pre-norm gelu (W1)', tiny()],
    ['post-norm relu, tied', tiny({ normFirst: false, activation: 'relu', dModel: 8, tieWeights: true })],
  ])('%s: each step equals the full causal forward over its window (1e-5), also once the window slides', (_, config) => {
    const lm = new TransformerLanguageModel(config, { rng: new Rng(1) }).eval();
    const prompt = [3, 5, 7];
    const rec = recording(lm.asStepModel({ attentionMaps: true }));
    const [h] = greedy(rec.model, lm.prime(prompt), 1, { start: prompt[2]!, end: null, maxTokens: 9 });
    const seq = [...prompt, ...h!.tokens];
    rec.outputs.forEach((o, k) => {
      const upto = prompt.length + k; // the step fed seq[upto − 1]
      const window = seq.slice(Math.max(0, upto - 6), upto);
      const want = windowLogProbs(lm, window);
      want.forEach((w, v) => expect(Math.abs(o.logProbs[v]! - w)).toBeLessThan(1e-5));
      expect(o.attention![0]).toHaveLength(window.length);
      expect(o.attentionMaps!.self[0]!).toHaveLength(2); // layers
      expect(o.attentionMaps!.self[0]![1]!).toHaveLength(2); // heads
      const avg = o.attentionMaps!.self[0]![1]!.reduce((acc, row) => acc.map((x, j) => x + row[j]! / 2), new Array<number>(window.length).fill(0));
      avg.forEach((x, j) => expect(x).toBeCloseTo(o.attention![0]![j]!, 6));
    });
  });

  it('greedy equals beam 1; beam n-best scores match the forward pass; seeded sampling repeats', () => {
    const lm = new TransformerLanguageModel(tiny({ contextSize: 12 }), { rng: new Rng(2) }).eval();
    const opts = { start: 4, end: 0, maxTokens: 6 };
    const [g] = greedy(lm.asStepModel(), lm.prime([1, 4]), 1, opts);
    const [b] = beamSearch(lm.asStepModel(), lm.prime([1, 4]), { ...opts, beam: 1 });
    expect(b!.tokens).toEqual(g!.tokens);
    for (const h of beamSearch(lm.asStepModel(), lm.prime([1, 4]), { ...opts, beam: 3, nBest: 3 })) {
      const seq = [1, 4, ...h.tokens, ...(h.finished ? [0] : [])];
      const lp = logSoftmax(lm.forward(tensor(seq.map((t) => [t]), { dtype: 'int32' })).logits, -1).data;
      const want = seq.slice(2).reduce((s, tok, k) => s + lp[(k + 1) * 12 + tok]!, 0);
      expect(h.logProb).toBeCloseTo(want, 4);
    }
    const draw = () => sample(lm.asStepModel(), lm.prime([1, 4]), 1, { ...opts, end: null, rng: new Rng(9), temperature: 1.2 }).map((x) => x.tokens);
    expect(draw()).toEqual(draw());
  });

  it('trains: the loss of a repeating stream falls', () => {
    const lm = new TransformerLanguageModel(tiny({ dropout: 0, contextSize: 8 }), { rng: new Rng(3) });
    const opt = new Adam(lm.parameters(), { lr: 3e-2 });
    const stream = Array.from({ length: 9 * 4 }, (_, i) => (i * 5) % 12);
    const ids = tensor(Array.from({ length: 8 }, (_, t) => [0, 1, 2, 3].map((b) => stream[b * 9 + t]!)), { dtype: 'int32' }); // [T, B]
    const targets = tensor(Array.from({ length: 8 }, (_, t) => [0, 1, 2, 3].map((b) => stream[b * 9 + t + 1]!)), { dtype: 'int32' });
    const losses: number[] = [];
    for (let k = 0; k < 50; k++) {
      lm.zeroGrad();
      const { loss, tokens } = lm.loss(ids, targets, { labelSmoothing: 0.1 });
      expect(tokens).toBe(32);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 3);
  });
});

describe('TransformerLanguageModel: names and bad input', () => {
  it('names its parameters as W1\'s TransformerLM; post-norm has no final norm', () => {
    const names = Object.keys(new TransformerLanguageModel(tiny()).stateDict());
    expect(names.slice(0, 2)).toEqual(['encoder.weight', 'pos.weight']);
    expect(names).toContain('blocks.layers.1.self_attn.in_proj_weight');
    expect(names.slice(-4)).toEqual(['norm.weight', 'norm.bias', 'decoder.weight', 'decoder.bias']);
    expect(Object.keys(new TransformerLanguageModel(tiny({ normFirst: false })).stateDict())).not.toContain('norm.weight');
  });

  it('bad input gets one clear line', () => {
    expect(() => new TransformerLanguageModel(tiny({ dModel: 7 }))).toThrow('TransformerLanguageModel: config.dModel 7 is not divisible by config.nhead 2');
    const lm = new TransformerLanguageModel(tiny());
    const long = tensor(Array.from({ length: 7 }, () => [1]), { dtype: 'int32' });
    expect(() => lm.forward(long)).toThrow('TransformerLanguageModel: positions 0…6 do not fit config.contextSize 6 (the learned position table pos.weight [6, 8]); feed windows of at most 6 tokens');
    expect(() => lm.prime([])).toThrow('TransformerLanguageModel.prime: the prompt is empty');
    // a state dict of another norm placement or depth: every missing and unexpected name listed
    const post = new TransformerLanguageModel(tiny({ normFirst: false }));
    expect(() => post.loadStateDict(lm.stateDict())).toThrow('TransformerLanguageModel.loadStateDict: nothing was loaded; the state dict does not fit this module (1 problem): unexpected keys: norm.weight, norm.bias');
    expect(() => lm.loadStateDict(post.stateDict())).toThrow(/missing keys: norm\.weight, norm\.bias/);
    const deep = new TransformerLanguageModel(tiny({ numLayers: 3 }));
    expect(() => lm.loadStateDict(deep.stateDict())).toThrow(/unexpected keys: blocks\.layers\.2\.self_attn\.in_proj_weight, blocks\.layers\.2\.self_attn\.in_proj_bias/);
  });
});

const hasTorch = referencePythonAvailable();
if (!hasTorch) console.warn('TransformerLanguageModel ↔ PyTorch test skipped: /usr/bin/python3 with torch and ../shared/reference are not both here');

describe.skipIf(!hasTorch)('TransformerLanguageModel ↔ PyTorch (w1_lm.TransformerLM)', () => {
  it('its state dict loads by name into W1\'s module and gives the same logits', () => {
    const lm = new TransformerLanguageModel(tiny(), { rng: new Rng(5) }).eval();
    const rows = [[1, 2], [5, 3], [7, 7], [11, 0], [4, 9]]; // [T, B]
    const state = Object.fromEntries(Object.entries(lm.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }]));
    const py = runReferencePython<number[]>(`
import torch
import w1_lm as w
cfg = json.load(sys.stdin)
w.EMB, w.T, w.T_HEADS, w.T_FF, w.T_LAYERS = 8, 6, 2, 16, 2
m = w.TransformerLM(12)
m.load_state_dict({k: torch.tensor(v['data'], dtype=torch.float32).reshape(v['shape']) for k, v in cfg['state'].items()})
m.eval()
with torch.no_grad():
    logits, _ = m(torch.tensor(cfg['ids']), ())
print(json.dumps(logits.flatten().tolist()))
`, { state, ids: rows });
    const { logits } = lm.forward(tensor(rows, { dtype: 'int32' }));
    expectClose(logits.data, py, { rtol: 1e-4, atol: 1e-5, what: 'logits vs PyTorch' });
  });
});
