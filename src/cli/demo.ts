import { Rng, train, viz } from '../index.js';
import { type RunSummary, loadTrainedModel, startSession, writeAttentionPng, writeTrainingCurvesPng } from '../node.js';
import { trainWithProgress } from './train-progress.js';
import { VERSION } from './version.js';

export interface DemoOptions {
  runsDir: string;
  /** Smaller data and model, fewer steps: a quick look (tests use it). */
  quick?: boolean;
  progress?: boolean;
  /** Where to write what a user reads (stderr by default). */
  out?: (line: string) => void;
  color?: boolean | 'auto';
}

export interface DemoExample {
  input: string;
  output: string;
  correct: boolean;
  /** Attention rows (output tokens and <eos>) over the input letters. */
  weights: number[][];
  rowLabels: string[];
  colLabels: string[];
}

export interface DemoResult {
  summary: RunSummary;
  examples: DemoExample[];
  files: { attention: string; curves: string; run: string };
}

/**
 * The embedded default: learns to reverse letter strings with Luong attention (PROTOCOL W3's
 * model), then shows a few reversals with the terminal heatmap, and writes the attention
 * picture (its anti-diagonal is the reversal) and the training curves into the run folder.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const say = options.out ?? ((l: string) => process.stderr.write(`${l}\n`));
  const quick = options.quick ?? false;
  const config = train.resolveRunConfig({
    task: 'reverse',
    attention: 'luong-general',
    data: quick ? { trainSize: 2000, validSize: 200, testSize: 200, minLen: 3, maxLen: 10 } : {},
    model: quick ? { embeddingSize: 32, encoderHidden: 32, decoderHidden: 64, attentionSize: 64 } : {},
    train: quick ? { epochs: 20, evalEvery: 50, target: 0.9, lr: 3e-3, schedule: 'none' } : {},
  });
  const data = train.resolveData('generated', config.data);
  const session = startSession(config, { runsDir: options.runsDir, name: quick ? 'demo-quick' : 'demo-reverse', version: VERSION });
  say(`glimpse demo: learning to reverse letter strings (${data.minLen}–${data.maxLen} letters) with Luong attention`);
  say(`  ${session.experiment.model.numParameters().toLocaleString('en-US')} parameters, ${data.trainSize.toLocaleString('en-US')} training pairs; stops at ${(config.train.target! * 100).toFixed(1)} % validation exact match`);
  const summary = await trainWithProgress(session, options.progress ?? true, say);
  const run = session.run;
  const trained = loadTrainedModel(run.dir);
  const rng = new Rng(7);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = (n: number) => Array.from({ length: n }, () => letters[rng.randint(0, 26)]).join('');
  const lengths = quick ? [5, 7, 9] : [6, 11, 16];
  const examples: DemoExample[] = lengths.map((n) => {
    const input = word(n);
    const t = train.translateText(trained, input, { beam: 1, nBest: 1, maxTokens: n + 5 });
    const h = t.hypotheses[0]!;
    return {
      input, output: h.text, correct: h.text === [...input].reverse().join(''),
      weights: h.attention ?? [], rowLabels: h.finished ? [...h.words, '<eos>'] : h.words, colLabels: t.source.tokens,
    };
  });
  say('');
  for (const e of examples) say(`  ${e.input.padEnd(18)} → ${e.output.padEnd(18)} ${e.correct ? '✓' : '✗ (expected ' + [...e.input].reverse().join('') + ')'}`);
  const shown = examples[1]!;
  say('');
  say(viz.ansiHeatmap({ weights: shown.weights, rowLabels: shown.rowLabels, colLabels: shown.colLabels, title: `attention while reversing "${shown.input}" (rows: output, columns: input)`, color: options.color ?? 'auto' }));
  const attention = run.path('attention.png');
  await writeAttentionPng(attention, {
    weights: shown.weights, rowLabels: shown.rowLabels, colLabels: shown.colLabels,
    title: `Reversing "${shown.input}": attention`, subtitle: 'each output letter attends to the input letter it copies', yTitle: 'output', xTitle: 'input',
  });
  const { epochs, steps, metricName, logEvery } = train.curvesFromLog(run.metrics(), config.task);
  const curves = run.path('curves.png');
  await writeTrainingCurvesPng(curves, epochs, { title: 'glimpse demo: reversal with attention', steps, metricName, stepInterval: logEvery });
  say('');
  if (summary.test) {
    const n = data.testSize.toLocaleString('en-US');
    say(`test exact match ${(summary.test.exact! * 100).toFixed(1)} %, token accuracy ${(summary.test.token_acc! * 100).toFixed(1)} % (${n} unseen strings)`);
  }
  say(`training took ${summary.trainSeconds.toFixed(0)} s (${summary.steps} steps)`);
  say(`attention picture: ${attention}`);
  say(`training curves:   ${curves}`);
  say(`run folder:        ${run.dir}   (try: glimpse translate --run ${run.dir} helloworld --visualize hello.png)`);
  return { summary, examples, files: { attention, curves, run: run.dir } };
}
