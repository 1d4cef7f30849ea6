/**
 * Lesson "the bottleneck" (the seed's "Attention Mechanisms", with and without attention on long
 * sentences): a shortened PROTOCOL W3b. Two reversal models with the same number of parameters
 * (±5 %): one with Luong general attention, one whose decoder sees the source only through its
 * initial state (a single vector), widened to match. Exact match and token accuracy by input
 * length show where one vector stops being enough. `--full` runs W3b's own settings.
 */
import { join } from 'node:path';
import { metrics, noGrad, train } from '../../index.js';
import { writeFileAtomic, writeGroupedBarsPng } from '../../node.js';
import { type LessonContext, type LessonRule, textTable } from './lesson.js';
import { type ReverseSettings, reverseConfig, trainReverse } from './tiny-reverse.js';

interface Budget {
  minLen: number;
  maxLen: number;
  buckets: [number, number][];
  trainSize: number;
  testSize: number;
  batchSize: number;
  /** The attention model's sizes; the plain one is widened from them. */
  embeddingSize: number;
  encoderHidden: number;
  decoderHidden: number;
  steps: number;
  lr: number;
}

/** PROTOCOL W3b: lengths 10–60, 3,000 steps, the W3 model without input feeding. */
const FULL: Budget = {
  minLen: 10, maxLen: 60, buckets: [[10, 19], [20, 29], [30, 39], [40, 49], [50, 60]], trainSize: 20_000, testSize: 1000, batchSize: 64,
  embeddingSize: 64, encoderHidden: 64, decoderHidden: 128, steps: 3000, lr: 1e-3,
};
/** A few minutes on 2 cores: shorter words, a smaller model, fewer steps. */
const SHORT: Budget = {
  minLen: 4, maxLen: 24, buckets: [[4, 8], [9, 12], [13, 16], [17, 20], [21, 24]], trainSize: 5000, testSize: 300, batchSize: 32,
  embeddingSize: 24, encoderHidden: 32, decoderHidden: 64, steps: 600, lr: 3e-3,
};
/** Seconds: what the tests run. */
const QUICK: Budget = {
  minLen: 3, maxLen: 12, buckets: [[3, 5], [6, 8], [9, 12]], trainSize: 400, testSize: 60, batchSize: 16,
  embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, steps: 150, lr: 1e-2,
};

function settings(b: Budget, model: Record<string, unknown>, steps: number, seed: number): ReverseSettings {
  return {
    data: { minLen: b.minLen, maxLen: b.maxLen, trainSize: b.trainSize, validSize: 50, testSize: b.testSize, batchSize: b.batchSize },
    model: { embeddingSize: b.embeddingSize, attentionSize: b.decoderHidden, bridge: 'concat', ...model },
    steps, seed, lr: b.lr,
  };
}

async function run(ctx: LessonContext): Promise<void> {
  const b = ctx.full ? FULL : ctx.quick ? QUICK : SHORT;
  const steps = ctx.steps ?? b.steps;
  const attnCfg = reverseConfig(settings(b, { attention: 'luong-general', inputFeeding: false, encoderHidden: b.encoderHidden, decoderHidden: b.decoderHidden }, steps, ctx.seed));
  // The plain decoder is widened (even sizes: the bidirectional encoder halves them) to the
  // closest parameter count, as W3b asks; the concat bridge needs decoder = 2 × encoder.
  const vocabs = train.buildSyntheticExperiment(attnCfg).vocabs;
  const count = (cfg: train.RunConfig) => train.buildModel(cfg, vocabs).model.numParameters();
  const target = count(attnCfg);
  let best = { h: b.decoderHidden, gap: Infinity };
  for (let h = b.decoderHidden; h <= 2 * b.decoderHidden; h += 2) {
    const gap = Math.abs(count(reverseConfig(settings(b, { attention: 'none', encoderHidden: h / 2, decoderHidden: h }, steps, ctx.seed))) - target);
    if (gap < best.gap) best = { h, gap };
  }
  const plainCfg = reverseConfig(settings(b, { attention: 'none', encoderHidden: best.h / 2, decoderHidden: best.h }, steps, ctx.seed));
  const variants = [
    { name: 'with attention', config: attnCfg, sizes: `bi-GRU 2 × ${b.encoderHidden}, GRU ${b.decoderHidden}, Luong general` },
    { name: 'without attention', config: plainCfg, sizes: `bi-GRU 2 × ${best.h / 2}, GRU ${best.h}, no context` },
  ];
  const names = b.buckets.map(([lo, hi]) => `${lo}–${hi}`);
  const results: { name: string; sizes: string; parameters: number; seconds: number; exact: number[]; token: number[]; n: number[] }[] = [];
  for (const v of variants) {
    const parameters = count(v.config);
    ctx.say(`training ${v.name} (${parameters.toLocaleString('en-US')} parameters, ${steps} steps, lengths ${b.minLen}–${b.maxLen})…`);
    const trained = await trainReverse(v.config);
    const { exp } = trained;
    const test = exp.task.data.test;
    const hyps = noGrad(() => train.decodeSplit(exp.model, test, { ...exp.task.options, beam: 1, maxTokens: b.maxLen + 1, batchSize: 100 }));
    const refs = test.map((e) => Array.from(e.tgt.subarray(0, e.tgt.length - 1))); // without <eos>
    const acc = metrics.sequenceAccuracy(hyps, refs, { buckets: b.buckets, lengthOf: (i) => test[i]!.src.length });
    const buckets = b.buckets.map(([lo, hi]) => acc.buckets![`${lo}-${hi}`]!);
    results.push({
      name: v.name, sizes: v.sizes, parameters, seconds: trained.seconds,
      exact: buckets.map((x) => x.exact), token: buckets.map((x) => x.tokenAccuracy), n: buckets.map((x) => x.n),
    });
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const p = ctx.print;
  p(`The bottleneck: reversal with and without attention, by input length (${ctx.full ? 'PROTOCOL W3b' : ctx.quick ? 'quick' : 'shortened W3b'}: lengths ${b.minLen}–${b.maxLen}, ${steps} steps, seed ${ctx.seed})`);
  for (const l of textTable(['model', 'sizes', 'parameters', 'train time'], results.map((r) => [r.name, r.sizes, r.parameters.toLocaleString('en-US'), `${r.seconds.toFixed(1)} s`]))) p(l);
  p('');
  p(`test exact match (token accuracy) by source length, ${b.testSize} test pairs:`);
  for (const l of textTable(['length', 'pairs', ...results.map((r) => r.name)], names.map((n, i) => [n, String(results[0]!.n[i]), ...results.map((r) => `${pct(r.exact[i]!)} (${pct(r.token[i]!)})`)]))) p(l);
  p('');
  p('Without attention every input letter must pass through one vector of the decoder\'s size; with it the decoder reads each encoder state again at every step.');
  const png = join(ctx.out, 'bottleneck.png');
  await writeGroupedBarsPng(png, {
    title: 'Reversal with and without attention, by input length',
    subtitle: `test exact match; ${results.map((r) => `${r.name} ${r.parameters.toLocaleString('en-US')} parameters`).join(', ')}; ${steps} steps, seed ${ctx.seed}`,
    groups: names, xTitle: 'source length', yTitle: 'exact match', percent: true,
    series: results.map((r) => ({ name: r.name, values: r.exact })),
  });
  const json = join(ctx.out, 'results.json');
  writeFileAtomic(json, `${JSON.stringify({ lesson: 'bottleneck', full: ctx.full, steps, seed: ctx.seed, buckets: names, results }, null, 2)}\n`);
  p(`chart: ${png}`);
  p(`results: ${json}`);
}

export const bottleneck: LessonRule = {
  summary: 'a shortened W3b: two parameter-matched reversal models, with and without attention, exact match by input length (--full: the protocol\'s W3b)',
  source: 'Attention Mechanisms (with and without attention on long sentences)',
  run,
};
