import { describe, expect, it } from 'vitest';
import { randint, tensor } from '../../src/core/create.js';
import { gradcheck } from '../../src/core/gradcheck.js';
import { greedy } from '../../src/decode/index.js';
import { ATTENTION_KINDS, Seq2Seq, type Seq2SeqConfig } from '../../src/models/seq2seq.js';
import { add, argmax, crossEntropy, mul, reshape, sum } from '../../src/ops/index.js';
import { Rng } from '../../src/util/rng.js';
import { compare, loadFixture, toTensor } from '../../tools/fixtures/format.js';

describe('Seq2Seq', () => {
  it('reproduces the PyTorch seq2seq_step fixture (logits, attention, loss and every gradient)', () => {
    const fx = loadFixture('../shared/fixtures/torch/seq2seq_step.json');
    const c = fx.config as Record<string, number>;
    const model = new Seq2Seq({
      srcVocabSize: c.src_vocab!, tgtVocabSize: c.tgt_vocab!, embeddingSize: c.emb!, encoderHidden: c.enc_hidden!,
      decoderHidden: c.dec_hidden!, attentionSize: c.attn!, attentionBias: true, dropout: 0, attention: 'bahdanau',
    });
    model.loadStateDict(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, toTensor(v)])));
    const src = toTensor(fx.inputs.src!);
    const lengths = Array.from(toTensor(fx.inputs.src_lengths!).data);
    const tgtIn = toTensor(fx.inputs.tgt_in!);
    const tgtOut = toTensor(fx.inputs.tgt_out!);
    const { logits, attention } = model.forward({ src, srcLengths: lengths }, tgtIn);
    const V = logits.shape[2]!;
    const loss = crossEntropy(reshape(logits, [-1, V]), reshape(tgtOut, [-1]), { ignoreIndex: 0 });
    for (const [name, got] of [['logits', logits], ['attn_weights', attention!], ['loss', loss]] as const) {
      expect(compare(name, got, fx.outputs[name]!)).toBeTypeOf('number');
    }
    // The row-selecting loss used in training equals the full one.
    expect(model.loss({ src, srcLengths: lengths }, tgtIn, tgtOut).loss.item()).toBeCloseTo(loss.item(), 5);
    const lw = fx.loss_weights!;
    const L = add(add(sum(mul(logits, toTensor(lw.logits!))), sum(mul(attention!, toTensor(lw.attn_weights!)))), mul(loss, toTensor(lw.loss!)));
    L.backward();
    for (const [name, want] of Object.entries(fx.grads!)) {
      expect(compare(`grad ${name}`, model.parameter(name).grad, want)).toBeTypeOf('number');
    }
  });

  const tiny = (attention: (typeof ATTENTION_KINDS)[number], extra: Partial<Seq2SeqConfig> = {}): Seq2SeqConfig => ({
    srcVocabSize: 7, tgtVocabSize: 6, embeddingSize: 3, encoderHidden: 2, decoderHidden: 4, attentionSize: 3, heads: 2,
    dropout: 0, attention, bridge: 'concat', ...extra,
  });

  const variants: [string, Seq2SeqConfig][] = [
    ...ATTENTION_KINDS.map((k) => [k, tiny(k)] as [string, Seq2SeqConfig]),
    ['luong-general + input feeding', tiny('luong-general', { inputFeeding: true })],
    ['bahdanau + lstm + tanh bridge', tiny('bahdanau', { cell: 'lstm', bridge: 'tanh-linear' })],
    ['luong-concat + 2 encoder layers', tiny('luong-concat', { encoderLayers: 2 })],
    // Windows narrower than the source, so a step's position decides what it sees.
    ['local-m, window 1 + input feeding', tiny('local-m', { attentionWindow: 1, inputFeeding: true })],
    ['local-p, window 1', tiny('local-p', { attentionWindow: 1 })],
  ];

  const batch = () => ({
    src: tensor([[3, 4, 5, 2], [6, 3, 0, 0]], { dtype: 'int32' }),
    srcLengths: [4, 2],
    tgtIn: tensor([[1, 4, 5], [1, 3, 0]], { dtype: 'int32' }),
    tgtOut: tensor([[4, 5, 2], [3, 2, 0]], { dtype: 'int32' }),
  });

  it.each(variants)('%s: every parameter gradient matches finite differences (float64)', (_, config) => {
    const model = new Seq2Seq(config, { dtype: 'float64', rng: new Rng(1) });
    const b = batch();
    const params = model.parameters();
    const r = gradcheck(() => model.loss(b, b.tgtIn, b.tgtOut).loss, params, { atol: 1e-6, rtol: 1e-4 });
    expect(r).toMatchObject({ ok: true });
  });

  it.each(variants)('%s: stepwise decoding agrees with teacher-forced decoding', (_, config) => {
    const model = new Seq2Seq(config, { rng: new Rng(2) });
    model.eval();
    const src = randint(3, 7, [3, 5], { rng: new Rng(3) });
    const srcLengths = [5, 3, 1];
    const hyps = greedy(model.asStepModel(), model.startState({ src, srcLengths }), 3, { start: 1, end: null, maxTokens: 4 });
    const tgtIn = tensor(hyps.map((h) => [1, ...h.tokens.slice(0, 3)]), { dtype: 'int32' });
    const { logits } = model.forward({ src, srcLengths }, tgtIn);
    expect(argmax(logits, -1).toArray()).toEqual(hyps.map((h) => h.tokens));
  });

  it('rejects configs that cannot work, naming the sizes', () => {
    expect(() => new Seq2Seq(tiny('luong-dot', { decoderHidden: 5, bridge: 'tanh-linear' }))).toThrow('Seq2Seq: luong-dot attention needs decoderHidden = encoder state size (4), got 5');
    expect(() => new Seq2Seq(tiny('bahdanau', { decoderHidden: 5 }))).toThrow(/bridge "concat" needs decoderHidden = encoder state size \(4\), got 5/);
    expect(() => new Seq2Seq(tiny('bahdanau', { inputFeeding: true }))).toThrow('Seq2Seq: inputFeeding applies to Luong-style attention, not "bahdanau"');
    expect(() => new Seq2Seq(tiny('none', { attention: 'luong' as never }))).toThrow(/config.attention must be one of "none", "bahdanau"/);
    expect(() => new Seq2Seq({ ...tiny('none'), colour: 1 } as Seq2SeqConfig)).toThrow(/unknown config key "colour"/);
  });
});
