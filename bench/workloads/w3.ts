import { noGrad } from '../../src/core/grad.js';
import { W3B } from '../../src/data/index.js';
import { sequenceAccuracy } from '../../src/metrics/index.js';
import { decodeSplit } from '../../src/train/evaluate.js';
import { type Experiment, buildExperiment } from '../../src/train/experiment.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { Seq2SeqTask } from '../../src/train/tasks/seq2seq.js';
import { type Figure, progress } from '../lib/report.js';
import { runReference, torchVersion } from '../lib/pytorch.js';
import { timedTraining } from './train-helpers.js';
import type { Workload } from './types.js';

type S2S = Extract<Experiment, { kind: 'seq2seq' }>;

/** The W3 model and data; evaluation reads the test split, as the protocol's stopping rule does. */
function w3Experiment(seed: number, quick: boolean): S2S {
  const config = resolveRunConfig({
    task: 'reverse', attention: 'luong-general',
    train: { target: 0.99, evalEvery: quick ? 30 : 100, epochs: 10, maxSteps: quick ? 60 : 0, seed, schedule: 'none' }, // the protocol's constant rate
  });
  const exp = buildExperiment(config) as S2S;
  const { train, test } = exp.task.data;
  const task = new Seq2SeqTask(exp.model, { train, valid: test, test }, exp.task.options);
  return { ...exp, task };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

interface W3Ref { w3?: { seconds_to_99_train?: number; steps_to_99?: number; final_exact?: number; reached_99?: boolean } }

/** PROTOCOL W3: seconds of training until test exact match first reaches 99 % (median of 3 seeds). */
export const w3: Workload = {
  description: 'W3 sequence reversal with Luong attention: training seconds to 99 % test exact match (median of 3 seeds)',
  async run(ctx) {
    const seeds = ctx.quick ? [0] : [0, 1, 2];
    const secs: number[] = [];
    const finals: number[] = [];
    for (const seed of seeds) {
      const exp = w3Experiment(seed, ctx.quick);
      const run = await timedTraining(exp, `W3 seed ${seed}`, 0);
      const last = run.state.history.at(-1)!.metrics.exact!;
      finals.push(last);
      secs.push(run.state.reached ? run.state.reached.trainSeconds : Number.NaN);
      progress(`[glimpse] W3 seed ${seed}: ${run.state.reached ? `99 % at step ${run.state.reached.step} after ${run.state.reached.trainSeconds.toFixed(1)} s` : `not reached (${run.state.stopReason})`}, exact ${(100 * last).toFixed(1)} %`);
    }
    const torch = torchVersion();
    const refSecs: number[] = [];
    const refExact: number[] = [];
    if (torch) {
      for (const seed of seeds) {
        const r = (await runReference('w3_reverse.py', ['--task', 'w3', '--seed', String(seed), ...(ctx.quick ? ['--max-steps', '60', '--eval-every', '30'] : [])])) as W3Ref | null;
        if (r?.w3?.reached_99 && r.w3.seconds_to_99_train !== undefined) refSecs.push(r.w3.seconds_to_99_train);
        if (r?.w3?.final_exact !== undefined) refExact.push(r.w3.final_exact);
      }
    }
    const reached = secs.filter((s) => !Number.isNaN(s));
    const figures: Figure[] = [
      { id: 'w3.seconds_to_99', unit: 's', glimpse: reached.length === seeds.length ? median(reached) : Number.NaN, pytorch: refSecs.length === seeds.length ? median(refSecs) : null, better: 'lower', extra: { seeds } },
      { id: 'w3.test_exact_match', unit: 'fraction', glimpse: median(finals), pytorch: refExact.length ? median(refExact) : null, better: null },
    ];
    return { figures, versions: torch ? { torch } : {} };
  },
};

const BUCKETS: [number, number][] = [[10, 19], [20, 29], [30, 39], [40, 49], [50, 60]];

interface W3bRef { w3b?: { runs?: Record<string, { final: { buckets: Record<string, { exact: number; token_acc: number }> } }> } }

/** PROTOCOL W3b: the bottleneck study, lengths 10–60, equal parameters with and without attention. */
export const w3b: Workload = {
  description: 'W3b bottleneck study: lengths 10–60, 3,000 steps, exact match and token accuracy per length bucket with and without attention',
  async run(ctx) {
    const steps = ctx.quick ? 40 : 3000;
    const base = { task: 'reverse', data: { minLen: W3B.minLen, maxLen: W3B.maxLen }, train: { maxSteps: steps, evalEvery: steps, epochs: 100, target: null, seed: 0, schedule: 'none' } };
    const attn = resolveRunConfig({ ...base, attention: 'luong-general', model: { inputFeeding: false } });
    const target = buildExperiment(attn).model.numParameters();
    // The plain decoder is widened (even sizes: the bidirectional encoder halves them) to the closest parameter count.
    let bestH = 128;
    let bestGap = Infinity;
    for (let h = 128; h < 256; h += 2) {
      const cfg = resolveRunConfig({ ...base, attention: 'none', model: { decoderHidden: h, encoderHidden: h / 2 } });
      const gap = Math.abs(buildExperiment(cfg).model.numParameters() - target);
      if (gap < bestGap) [bestH, bestGap] = [h, gap];
    }
    const plain = resolveRunConfig({ ...base, attention: 'none', model: { decoderHidden: bestH, encoderHidden: bestH / 2 } });
    const figures: Figure[] = [];
    const ours: Record<string, Record<string, { exact: number; token: number }>> = {};
    for (const [name, cfg] of [['attn', attn], ['noattn', plain]] as const) {
      const exp = buildExperiment(cfg) as S2S;
      progress(`[glimpse] W3b ${name}: ${exp.model.numParameters()} parameters, ${steps} steps`);
      await timedTraining(exp, `W3b ${name}`, 0);
      exp.model.eval();
      const test = exp.task.data.test;
      const hyps = noGrad(() => decodeSplit(exp.model, test, { ...exp.task.options, beam: 1, maxTokens: W3B.maxLen + 1, batchSize: 250 }));
      const refs = test.map((e) => Array.from(e.tgt.subarray(0, e.tgt.length - 1)));
      const acc = sequenceAccuracy(hyps, refs, { buckets: BUCKETS, lengthOf: (i) => test[i]!.src.length });
      ours[name] = Object.fromEntries(Object.entries(acc.buckets!).map(([b, v]) => [b, { exact: v.exact, token: v.tokenAccuracy }]));
      progress(`[glimpse] W3b ${name}: ${Object.entries(ours[name]!).map(([b, v]) => `${b} ${(100 * v.exact).toFixed(1)} %`).join(', ')}`);
    }
    const torch = torchVersion();
    let ref: W3bRef = {};
    if (torch) ref = ((await runReference('w3_reverse.py', ['--task', 'w3b', '--w3b-steps', String(steps)])) as W3bRef | null) ?? {};
    const refName = { attn: 'attention', noattn: 'no-attention' } as const;
    for (const name of ['attn', 'noattn'] as const) {
      for (const [lo, hi] of BUCKETS) {
        const b = `${lo}-${hi}`;
        const r = ref.w3b?.runs?.[refName[name]]?.final.buckets[b];
        figures.push({ id: `w3b.${name}.exact.${b}`, unit: 'fraction', glimpse: ours[name]![b]!.exact, pytorch: r?.exact ?? null, better: null });
        figures.push({ id: `w3b.${name}.token.${b}`, unit: 'fraction', glimpse: ours[name]![b]!.token, pytorch: r?.token_acc ?? null, better: null });
      }
    }
    return { figures, versions: torch ? { torch } : {} };
  },
};
