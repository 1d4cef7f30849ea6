/**
 * Lesson "LSTM vs GRU, with and without attention" (the seed's Model 3): four models on the
 * same task, data, seed and step budget — LSTM and GRU cells, each without and with attention —
 * then a table (parameters, training time, final metric) and their validation curves on one
 * set of axes. On a synthetic task (default reverse) the models are encoder–decoders (attention
 * `none` against Luong general); on a text (`--data tinyshakespeare`) they are the LMs `lstm`,
 * `gru`, `lstm-attn` and `gru-attn`.
 */
import { join } from 'node:path';
import { train } from '../../index.js';
import { startSession, trainSession, writeCompareCurvesPng, writeFileAtomic } from '../../node.js';
import { VERSION } from '../version.js';
import { type LessonContext, type LessonRule, textTable } from './lesson.js';

interface Variant {
  name: string;
  input: train.RunConfigInput;
}

/** The shared settings of a budget: data and model sizes, steps and evaluation interval. */
interface Budget {
  data: Record<string, unknown>;
  model: Record<string, unknown>;
  steps: number;
  evalEvery: number;
}

const CELLS = ['lstm', 'gru'] as const;

/** Encoder–decoders on a generated task, sized to finish in about a minute on 2 cores. */
function seq2seqVariants(task: string, quick: boolean): { variants: Variant[]; budget: Budget } {
  const budget: Budget = quick
    ? { data: { trainSize: 200, validSize: 40, testSize: 40, minLen: 3, maxLen: 6, batchSize: 16 }, model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 }, steps: 12, evalEvery: 6 }
    : { data: { trainSize: 2000, validSize: 200, testSize: 200, minLen: 3, maxLen: 10, batchSize: 32 }, model: { embeddingSize: 32, encoderHidden: 32, decoderHidden: 64, attentionSize: 64 }, steps: 200, evalEvery: 40 };
  const variants = CELLS.flatMap((cell) => (['none', 'luong-general'] as const).map((attention) => ({
    name: `${cell}${attention === 'none' ? '' : '-attn'}`,
    input: { task, attention, model: { ...budget.model, cell } },
  })));
  return { variants, budget };
}

/** The W1 language models on a text, at a small size. */
function lmVariants(source: string, quick: boolean): { variants: Variant[]; budget: Budget } {
  const budget: Budget = quick
    ? { data: { source, batchSize: 4, bptt: 8 }, model: { embeddingSize: 8, hiddenSize: 16, numLayers: 1 }, steps: 12, evalEvery: 6 }
    : { data: { source, batchSize: 32, bptt: 35 }, model: { embeddingSize: 128, hiddenSize: 128, numLayers: 1 }, steps: 300, evalEvery: 50 };
  const variants = CELLS.flatMap((cell) => ['', '-attn'].map((attn) => ({ name: `${cell}${attn}`, input: { task: 'lm', modelName: `${cell}${attn}`, model: budget.model } })));
  return { variants, budget };
}

function isGenerated(name: string): boolean {
  return train.TASK_NAMES.includes(name as train.TaskName) && train.TASKS[name as train.TaskName].data === 'generated';
}

async function run(ctx: LessonContext): Promise<void> {
  const data = ctx.data ?? 'reverse';
  const { variants, budget } = isGenerated(data) ? seq2seqVariants(data, ctx.quick) : lmVariants(data, ctx.quick);
  const steps = ctx.steps ?? budget.steps;
  const evalEvery = Math.max(1, Math.min(budget.evalEvery, steps));
  const rows: string[][] = [];
  const curves: { name: string; points: { x: number; y: number }[] }[] = [];
  const results: Record<string, unknown>[] = [];
  let label = '';
  let metric = '';
  for (const v of variants) {
    const config = train.resolveRunConfig({
      ...v.input,
      data: { ...budget.data, ...(v.input.data ?? {}) },
      // One budget for all: the same steps, evaluations, seed and a constant learning rate.
      train: { maxSteps: steps, evalEvery, epochs: 1000, seed: ctx.seed, lr: 3e-3, schedule: 'none', target: null, logEvery: evalEvery },
    });
    const task = train.TASKS[config.task];
    ({ metric, label } = task.curve);
    const session = startSession(config, { runsDir: join(ctx.out, 'runs'), name: v.name, version: VERSION });
    const params = session.experiment.model.numParameters();
    ctx.say(`training ${v.name} (${params.toLocaleString('en-US')} parameters, ${steps} steps)…`);
    const summary = await trainSession(session);
    const evals = session.run.metrics().filter((r) => r.type === 'eval') as unknown as { step: number; metrics: Record<string, number> }[];
    const points = evals.map((e) => ({ x: e.step, y: e.metrics[metric]! }));
    curves.push({ name: v.name, points });
    const last = points.at(-1)?.y ?? NaN;
    const test = summary.test?.[metric] ?? NaN;
    results.push({ model: v.name, parameters: params, trainSeconds: summary.trainSeconds, steps: summary.steps, validLast: last, test, run: session.run.dir });
    rows.push([v.name, params.toLocaleString('en-US'), `${summary.trainSeconds.toFixed(1)} s`, show(last, metric), show(test, metric)]);
  }
  const percent = metric === 'exact' || metric === 'token_acc';
  ctx.print(`LSTM vs GRU, with and without attention, on ${data}: ${steps} steps each, seed ${ctx.seed}`);
  for (const line of textTable(['model', 'parameters', 'train time', `valid ${label} (last)`, `test ${label} (best)`], rows)) ctx.print(line);
  const png = join(ctx.out, 'lstm-vs-gru.png');
  await writeCompareCurvesPng(png, {
    title: `LSTM vs GRU, with and without attention: ${data}`,
    subtitle: `validation ${label}; ${steps} steps each, seed ${ctx.seed}`,
    xTitle: 'step', integerX: true, yTitle: label, percent, logY: metric === 'ppl', series: curves,
  });
  const json = join(ctx.out, 'results.json');
  writeFileAtomic(json, `${JSON.stringify({ lesson: 'lstm-vs-gru', data, steps, seed: ctx.seed, metric, results }, null, 2)}\n`);
  ctx.print(`chart: ${png}`);
  ctx.print(`results: ${json}`);
}

function show(v: number, metric: string): string {
  if (!Number.isFinite(v)) return '–';
  return metric === 'exact' || metric === 'token_acc' ? `${(v * 100).toFixed(1)} %` : v.toFixed(2);
}

export const lstmVsGru: LessonRule = {
  summary: 'LSTM and GRU, each with and without attention, on one task and budget: a table and their validation curves (--data reverse | tinyshakespeare | …)',
  source: 'Model 3: LSTM + Attention ("LSTM vs GRU – understanding different RNN architectures")',
  run,
};
