import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import type { Tensor } from '../../src/core/tensor.js';
import { encodeSynthetic, makeSeq2SeqBatch, planBatches, reverseTask } from '../../src/data/index.js';
import { type StepModel, type StepOutput, beamSearch, greedy } from '../../src/decode/index.js';
import { TransformerSeq2Seq, type TransformerSeq2SeqConfig } from '../../src/models/transformer-seq2seq.js';
import { logSoftmax, slice } from '../../src/ops/index.js';
import { Adam } from '../../src/optim/index.js';
import { Rng, manualSeed } from '../../src/util/rng.js';
import { describeBackends } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { referencePythonAvailable, runReferencePython } from '../helpers/python.js';

const [BOS, EOS] = [2, 3]; // pad = 0, as W5
const tiny = (over: Partial<TransformerSeq2SeqConfig> = {}): TransformerSeq2SeqConfig => ({
  srcVocabSize: 11, tgtVocabSize: 13, dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, maxLen: 32, ...over,
});
const ids = (rows: number[][]): Tensor => tensor(rows, { dtype: 'int32' });
const source = () => ({ src: ids([[4, 7, 10, 3, 0], [10, 10, 7, 8, 3], [7, 3, 0, 0, 0]]), srcLengths: [4, 5, 2] });

/** Wraps a step model to keep every step's output. */
function recording<S>(model: StepModel<S>): { model: StepModel<S>; outputs: StepOutput<S>[] } {
  const outputs: StepOutput<S>[] = [];
  return { outputs, model: { ...model, step: (s, prev) => { const o = model.step(s, prev); outputs.push(o); return o; } } };
}

/** Σ log p of `tokens` (+ <eos> when finished) under teacher forcing, for one source row. */
function teacherForcedLogProb(model: TransformerSeq2Seq, src: Tensor, len: number, tokens: number[], finished: boolean): number {
  const out = finished ? [...tokens, EOS] : tokens;
  const { logits } = model.forward({ src, srcLengths: [len] }, ids([[BOS, ...out.slice(0, -1)]]));
  const lp = logSoftmax(logits, -1);
  return out.reduce((s, tok, t) => s + lp.data[t * model.config.tgtVocabSize + tok]!, 0);
}

describeBackends('TransformerSeq2Seq', (backend) => {
  it.each([
    ['post-norm relu, sinusoidal', tiny()],
    ['pre-norm gelu, learned positions, shared and tied embeddings', tiny({ normFirst: true, activation: 'gelu', positional: 'learned', tgtVocabSize: 11, shareEmbeddings: true, tieWeights: true })],
  ])('%s: every incremental step equals the teacher-forced forward (1e-5)', (_, config) => {
    const model = new TransformerSeq2Seq(config, { rng: new Rng(1) }).eval();
    const batch = source();
    const rec = recording(model.asStepModel({ attentionMaps: true }));
    const hyps = greedy(rec.model, model.startState(batch), 3, { start: BOS, end: null, maxTokens: 6 });
    const tgtIn = ids(hyps.map((h) => [BOS, ...h.tokens.slice(0, 5)]));
    const { logits, attention, crossWeights, selfWeights } = model.forward(batch, tgtIn);
    const lp = logSoftmax(logits, -1); // [B, T, V]
    const V = model.config.tgtVocabSize;
    rec.outputs.forEach((o, t) => {
      for (let b = 0; b < 3; b++) {
        for (let v = 0; v < V; v++) expect(Math.abs(o.logProbs[b * V + v]! - lp.data[(b * 6 + t) * V + v]!)).toBeLessThan(1e-5);
        o.attention![b]!.forEach((w, s) => expect(Math.abs(w - attention.data[(b * 6 + t) * 5 + s]!)).toBeLessThan(1e-5));
        // every layer and head: cross over the 5 source positions, self over positions 0…t
        const maps = o.attentionMaps!;
        expect(maps.cross![b]!.length).toBe(2);
        maps.cross![b]!.forEach((heads, l) => heads.forEach((row, h) => row.forEach((w, s) => expect(Math.abs(w - crossWeights[l]!.data[((b * 2 + h) * 6 + t) * 5 + s]!)).toBeLessThan(1e-5))));
        maps.self[b]!.forEach((heads, l) => heads.forEach((row, h) => {
          expect(row).toHaveLength(t + 1);
          row.forEach((w, j) => expect(Math.abs(w - selfWeights[l]!.data[((b * 2 + h) * 6 + t) * 6 + j]!)).toBeLessThan(1e-5));
        }));
      }
    });
  });

  it('greedy equals beam 1, and beam search reorders the caches (scores match teacher forcing)', () => {
    const model = new TransformerSeq2Seq(tiny(), { rng: new Rng(2) }).eval();
    const { src, srcLengths } = source();
    for (let b = 0; b < 3; b++) {
      const one = { src: slice(src, 0, b, b + 1), srcLengths: [srcLengths[b]!] };
      const opts = { start: BOS, end: EOS, maxTokens: 8 };
      const [g] = greedy(model.asStepModel(), model.startState(one), 1, opts);
      const [b1] = beamSearch(model.asStepModel(), model.startState(one), { ...opts, beam: 1 });
      expect(b1!.tokens).toEqual(g!.tokens);
      expect(b1!.logProb).toBeCloseTo(g!.logProb, 5);
      const nbest = beamSearch(model.asStepModel(), model.startState(one), { ...opts, beam: 4, nBest: 3 });
      expect(nbest).toHaveLength(3);
      for (const h of nbest) expect(h.logProb).toBeCloseTo(teacherForcedLogProb(model, one.src, one.srcLengths[0]!, h.tokens, h.finished), 4);
    }
  });

  it.skipIf(backend === 'js')('learns to reverse strings (exact match far above chance in 300 steps)', () => {
    manualSeed(1);
    const task = reverseTask({ minLen: 2, maxLen: 6 });
    const train = encodeSynthetic(task.generate(2000, 1), task);
    const test = encodeSynthetic(task.generate(100, 2), task);
    const sp = { pad: task.tgtVocab.id('<pad>'), bos: task.tgtVocab.id('<bos>'), eos: task.tgtVocab.id('<eos>') };
    const model = new TransformerSeq2Seq({
      srcVocabSize: task.srcVocab.size, tgtVocabSize: task.tgtVocab.size, dModel: 32, nhead: 2, numEncoderLayers: 1,
      numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, maxLen: 16, padIndex: sp.pad,
    }, { rng: new Rng(3) });
    const opt = new Adam(model.parameters(), { lr: 3e-3 });
    const toBatch = (ex: typeof train, idx: number[]) => {
      const b = makeSeq2SeqBatch(ex, idx, sp, { batchFirst: true });
      const shaped = (p: typeof b.src) => tensor(p.data, { shape: [p.batchSize, p.maxLen] });
      return { batch: { src: shaped(b.src), srcLengths: Array.from(b.src.lengths) }, tgtIn: shaped(b.tgtIn), tgtOut: shaped(b.tgtOut) };
    };
    const exactMatch = (): number => {
      model.eval();
      const { batch } = toBatch(test, test.map((_, i) => i));
      const hyps = greedy(model.asStepModel(), model.startState(batch), test.length, { start: sp.bos, end: sp.eos, maxTokens: 8 });
      model.train();
      return hyps.filter((h, i) => h.finished && h.tokens.join() === Array.from(test[i]!.tgt.subarray(0, -1)).join()).length / test.length;
    };
    const before = exactMatch();
    const rng = new Rng(5);
    let losses: number[] = [];
    for (let step = 0; step < 300;) {
      for (const idx of planBatches(train.length, { batchSize: 32, rng })) {
        const { batch, tgtIn, tgtOut } = toBatch(train, idx);
        model.zeroGrad();
        const { loss } = model.loss(batch, tgtIn, tgtOut, { labelSmoothing: 0.05 });
        loss.backward();
        opt.step();
        losses.push(loss.item());
        if (++step === 300) break;
      }
    }
    const after = exactMatch();
    losses = [losses.slice(0, 20), losses.slice(-20)].map((l) => l.reduce((a, b) => a + b, 0) / l.length);
    expect(losses[1]!).toBeLessThan(losses[0]! / 3);
    expect(before).toBeLessThan(0.05);
    expect(after).toBeGreaterThan(0.4); // chance: 26^−L for L = 2…6 letters
  });
});

describe('TransformerSeq2Seq: configuration and bad input', () => {
  it('names its parameters as PROTOCOL W5\'s module, shared and tied weights under both names', () => {
    const names = Object.keys(new TransformerSeq2Seq(tiny()).stateDict());
    expect(names.slice(0, 2)).toEqual(['src_emb.weight', 'tgt_emb.weight']);
    expect(names).toContain('transformer.encoder.layers.1.self_attn.in_proj_weight');
    expect(names).toContain('transformer.decoder.norm.bias');
    expect(names.slice(-2)).toEqual(['generator.weight', 'generator.bias']);
    const tied = new TransformerSeq2Seq(tiny({ tgtVocabSize: 11, shareEmbeddings: true, tieWeights: true }));
    expect(tied.parameter('tgt_emb.weight')).toBe(tied.parameter('src_emb.weight'));
    expect(tied.parameter('generator.weight')).toBe(tied.parameter('src_emb.weight'));
    expect(tied.numParameters()).toBe(new TransformerSeq2Seq(tiny({ tgtVocabSize: 11 })).numParameters() - 2 * 11 * 8);
  });

  it('initialises as W5: embeddings N(0, E^−½) with the pad row 0', () => {
    const model = new TransformerSeq2Seq(tiny({ dModel: 64, nhead: 4, srcVocabSize: 200 }), { rng: new Rng(4) });
    const w = model.src_emb.weight.data;
    expect(Array.from(w.subarray(0, 64))).toEqual(new Array(64).fill(0));
    const rest = Array.from(w.subarray(64));
    const std = Math.sqrt(rest.reduce((s, v) => s + v * v, 0) / rest.length);
    expect(std).toBeGreaterThan(0.9 / 8);
    expect(std).toBeLessThan(1.1 / 8);
  });

  it('bad input gets one clear line', () => {
    expect(() => new TransformerSeq2Seq(tiny({ dModel: 9 }))).toThrow('TransformerSeq2Seq: config.dModel 9 is not divisible by config.nhead 2');
    expect(() => new TransformerSeq2Seq(tiny({ shareEmbeddings: true }))).toThrow('TransformerSeq2Seq: shareEmbeddings needs srcVocabSize = tgtVocabSize, got 11 and 13');
    const learned = new TransformerSeq2Seq(tiny({ positional: 'learned', maxLen: 4 }));
    expect(() => learned.forward(source(), ids([[BOS, 4, 5]]))).toThrow('TransformerSeq2Seq: source positions 0…4 do not fit config.maxLen 4 (the learned position table); use shorter sequences or a larger maxLen');
    const model = new TransformerSeq2Seq(tiny());
    expect(() => model.forward(source(), ids([[BOS, 4]]))).toThrow('TransformerSeq2Seq: tgtIn must be int32 [3, T], got int32 [1, 2]');
    const deeper = new TransformerSeq2Seq(tiny({ numDecoderLayers: 3 }));
    expect(() => model.loadStateDict(deeper.stateDict())).toThrow(/unexpected keys: transformer\.decoder\.layers\.2\.self_attn\.in_proj_weight/);
    expect(() => deeper.loadStateDict(model.stateDict())).toThrow(/missing keys: transformer\.decoder\.layers\.2\.self_attn\.in_proj_weight/);
  });
});

const hasTorch = referencePythonAvailable();
if (!hasTorch) console.warn('TransformerSeq2Seq ↔ PyTorch test skipped: /usr/bin/python3 with torch and ../shared/reference are not both here');

describe.skipIf(!hasTorch)('TransformerSeq2Seq ↔ PyTorch (w5_transformer.TransformerMT)', () => {
  it('its state dict loads by name into W5\'s module and gives the same logits, greedy and beam outputs', () => {
    const model = new TransformerSeq2Seq(tiny({ dropout: 0.1 }), { rng: new Rng(7) }).eval();
    const { src, srcLengths } = source();
    const tgtIn = ids([[BOS, 5, 6, 7], [BOS, 9, 0, 0], [BOS, 12, 4, 0]]);
    const state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.data) }]));
    const py = runReferencePython<{ logits: number[]; greedy: number[][]; beam: number[][] }>(`
import torch
import w5_transformer as w
cfg = json.load(sys.stdin)
w.D_MODEL, w.HEADS, w.ENC_LAYERS, w.DEC_LAYERS, w.FF, w.MAX_POS = 8, 2, 2, 2, 16, 32
m = w.TransformerMT(11, 13)
m.load_state_dict({k: torch.tensor(v['data'], dtype=torch.float32).reshape(v['shape']) for k, v in cfg['state'].items()})
m.eval()
src = torch.tensor(cfg['src']).t()
with torch.no_grad():
    memory, pad = m.encode(src)
    logits = m.decode(torch.tensor(cfg['tgt_in']).t(), memory, pad).transpose(0, 1)
    beams = [m.beam_search([t for t in row if t != w.PAD], beam=3, max_len=6) for row in cfg['src']]
    print(json.dumps({'logits': logits.flatten().tolist(), 'greedy': m.greedy(src, None, max_len=6), 'beam': beams}))
`, { state, src: [[4, 7, 10, 3, 0], [10, 10, 7, 8, 3], [7, 3, 0, 0, 0]], tgt_in: tgtIn.toArray() });
    const { logits } = model.forward({ src, srcLengths }, tgtIn);
    expectClose(logits.data, py.logits, { rtol: 1e-4, atol: 1e-5, what: 'logits vs PyTorch' });
    const hyps = greedy(model.asStepModel(), model.startState({ src, srcLengths }), 3, { start: BOS, end: EOS, maxTokens: 6 });
    expect(hyps.map((h) => h.tokens)).toEqual(py.greedy);
    srcLengths.forEach((len, b) => {
      const one = { src: slice(src, 0, b, b + 1), srcLengths: [len] };
      const [best] = beamSearch(model.asStepModel(), model.startState(one), { beam: 3, start: BOS, end: EOS, maxTokens: 6 });
      expect(best!.tokens, `beam of source ${b}`).toEqual(py.beam[b]);
    });
  });
});
