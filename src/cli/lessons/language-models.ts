/**
 * Lesson "Language modeling (LSTM + attention)" (the seed's 3b): three language models on one
 * text with one budget — the fused `nn.LSTM` (`lstm`), the same model stepping the from-scratch
 * `nn.LSTMCell` in a loop (`lstm-scratch`), and the lesson's encoder–decoder LM with dot-product
 * attention (`encdec-attn`) — then a table (parameters, time, tokens/s, perplexity), a sample
 * from each, their validation curves, and a check that the two LSTMs are one model: the fused
 * model's weights loaded into the stepped one give the same logits.
 */
import { join } from 'node:path';
import { Rng, noGrad, tensor, train } from '../../index.js';
import { loadTrainedModel, startSession, trainSession, writeCompareCurvesPng, writeFileAtomic } from '../../node.js';
import { VERSION } from '../version.js';
import { type LessonContext, type LessonRule, fixed, maxAbsDiff, textTable } from './lesson.js';

const MODELS = ['lstm', 'lstm-scratch', 'encdec-attn'] as const;

/** Sizes and steps of a budget (`full`: the protocol's W1 preset, as `glimpse train --task lm`). */
interface Budget {
  data: Record<string, unknown>;
  model: (name: (typeof MODELS)[number]) => Record<string, unknown>;
  train: Record<string, unknown>;
}

function budgetOf(ctx: LessonContext, source: string): Budget {
  const seed = ctx.seed;
  if (ctx.full) return { data: { source }, model: () => ({}), train: { seed, ...(ctx.steps ? { maxSteps: ctx.steps } : {}) } };
  const quick = ctx.quick;
  const steps = ctx.steps ?? (quick ? 12 : 300);
  const evalEvery = Math.max(1, Math.min(quick ? 6 : 50, steps));
  const sizes = quick ? { embeddingSize: 8, hiddenSize: 16 } : { embeddingSize: 128, hiddenSize: 128 };
  return {
    data: { source, batchSize: quick ? 4 : 32, bptt: quick ? 8 : 35 },
    // The encoder–decoder LM has one cell each side; the two LSTM LMs get one layer to match.
    model: (name) => (name === 'encdec-attn' ? sizes : { ...sizes, numLayers: 1 }),
    train: { maxSteps: steps, evalEvery, epochs: 1000, seed, lr: 3e-3, schedule: 'none', target: null, logEvery: evalEvery },
  };
}

/** Mean training tokens/s over the step records of the first epoch (the protocol's speed figure). */
function tokensPerSecond(run: { metrics(): Record<string, unknown>[] }): number {
  const steps = run.metrics().filter((r) => r.type === 'step' && r.epoch === 1) as { tokensPerSecond: number }[];
  return steps.length ? steps.reduce((s, r) => s + r.tokensPerSecond, 0) / steps.length : NaN;
}

async function run(ctx: LessonContext): Promise<void> {
  const source = ctx.data ?? 'tinyshakespeare';
  const budget = budgetOf(ctx, source);
  const rows: string[][] = [];
  const curves: { name: string; points: { x: number; y: number }[] }[] = [];
  const results: Record<string, unknown>[] = [];
  const samples: string[] = [];
  const loaded: Partial<Record<(typeof MODELS)[number], ReturnType<typeof loadTrainedModel>>> = {};
  for (const name of MODELS) {
    const config = train.resolveRunConfig({ task: 'lm', modelName: name, data: budget.data, model: budget.model(name), train: budget.train });
    const session = startSession(config, { runsDir: join(ctx.out, 'runs'), name, version: VERSION });
    const params = session.experiment.model.numParameters();
    ctx.say(`training ${name} (${params.toLocaleString('en-US')} parameters)…`);
    const summary = await trainSession(session);
    const evals = session.run.metrics().filter((r) => r.type === 'eval') as unknown as { step: number; metrics: Record<string, number> }[];
    curves.push({ name, points: evals.map((e) => ({ x: e.step, y: e.metrics.ppl! })) });
    const tps = tokensPerSecond(session.run);
    const test = summary.test?.ppl ?? NaN;
    const trained = loadTrainedModel(session.run.dir); // its best weights, in eval mode
    loaded[name] = trained;
    const prompt = 'ROMEO :';
    const sample = train.generateText(trained, prompt, { maxTokens: ctx.quick ? 8 : 30, temperature: 0.8, rng: new Rng(ctx.seed) }).text;
    samples.push(`${name}: ${sample.replace(/\s+/g, ' ')}`);
    results.push({ model: name, parameters: params, steps: summary.steps, trainSeconds: summary.trainSeconds, tokensPerSecond: tps, testPpl: test, sample, run: session.run.dir });
    rows.push([name, params.toLocaleString('en-US'), `${summary.trainSeconds.toFixed(1)} s`, Math.round(tps).toLocaleString('en-US'), Number.isFinite(test) ? test.toFixed(2) : '–']);
  }
  ctx.print(`Three language models on ${source}, seed ${ctx.seed}${ctx.full ? ' (PROTOCOL W1 settings)' : ''}`);
  for (const line of textTable(['model', 'parameters', 'train time', 'tokens/s', 'test ppl (best)'], rows)) ctx.print(line);
  ctx.print('');
  ctx.print('Samples (prompt "ROMEO :", temperature 0.8):');
  for (const s of samples) ctx.print(`  ${s}`);

  // The stepped LSTM is the fused one computed differently: the same weights give the same logits.
  const fused = loaded.lstm!;
  const stepped = loaded['lstm-scratch']!;
  let diff = NaN;
  if (fused.kind === 'lm' && stepped.kind === 'lm') {
    stepped.model.loadStateDict(fused.model.stateDict());
    const ids = train.encodeInput(fused, 'ROMEO : the king is dead , long live the king .').ids; // [T] (unknown words read as <unk>)
    const x = tensor(Int32Array.from(ids), { shape: [ids.length, 1] });
    diff = noGrad(() => maxAbsDiff(fused.model.forward(x, null).logits.data, stepped.model.forward(x, null).logits.data));
  }
  ctx.print('');
  ctx.print(`lstm's weights loaded into lstm-scratch: largest |difference| of their logits ${fixed(diff, 8)} (the same model, stepped by hand)`);

  const png = join(ctx.out, 'language-models.png');
  await writeCompareCurvesPng(png, {
    title: `Three language models: ${source}`,
    subtitle: `validation perplexity; seed ${ctx.seed}`,
    xTitle: 'step', integerX: true, yTitle: 'perplexity', percent: false, logY: true, series: curves,
  });
  const json = join(ctx.out, 'results.json');
  writeFileAtomic(json, `${JSON.stringify({ lesson: 'language-models', data: source, seed: ctx.seed, full: ctx.full, results, fusedVsSteppedMaxAbsDiff: diff }, null, 2)}\n`);
  ctx.print(`chart: ${png}`);
  ctx.print(`results: ${json}`);
}

export const languageModels: LessonRule = {
  summary: 'LSTM language models two ways (fused nn.LSTM, stepped LSTMCell) and the attention encoder–decoder LM on one text: table, samples, curves (--full: W1 settings)',
  source: '3b — Language Modeling (LSTM + Attention)',
  run,
};
