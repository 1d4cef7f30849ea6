/**
 * Trains the training view's model in a Web Worker on glimpse's wasm kernels, with the same
 * trainer, tasks and models as `glimpse train`: a synthetic task (reverse, copy, sort, dates)
 * with any seq2seq architecture and attention kind, or a language model of the user's text.
 * Reports progress and, as the model learns, the output and attention of the watched input
 * (a language model: a sampled continuation of the prompt).
 */
import { GlimpseError, Rng, data, models, noGrad, ruleOf, train } from 'glimpse';
import { startBackend } from './backend.js';
import type { TrainEvent, TrainRequest, TrainSetup } from './protocol.js';
import { type LmExperiment, examplePrompt, lmExperiment } from './tab-lm.js';
import { EXPECTED, LM_TASK, type TrainChoice, normalizeWatch, tabRunConfig, watchProblem } from './train-presets.js';
import { workerScope } from './worker-scope.js';

const post = (e: TrainEvent): void => workerScope.postMessage(e);

/** Pictures at most this often (ms): each one is a decode and an SVG on the page. */
const ATTENTION_EVERY_MS = { seq2seq: 300, lm: 1000 } as const;
const PROGRESS_EVERY_MS = 100;
/** Longest watched input or prompt. */
const MAX_WATCH = 40;
/** Tokens of a language model's sampled continuation, and its temperature. */
const CONTINUATION = { char: 40, word: 15, temperature: 0.8 } as const;

let experiment: train.Experiment | null = null;
let trainer: train.Trainer<unknown> | null = null;
let choice: TrainChoice | null = null;
let running = false;
let watched = '';
/** The text of the language model built last (a new one starts from its own prompt). */
let lastText: string | undefined;
let seed = 1;

const count = (n: number) => n.toLocaleString('en-US');

/** What the page shows about the run. */
function describe(exp: train.Experiment, text: string | undefined): TrainSetup {
  const c = exp.config;
  const { arch, ...settings } = c.model;
  const model = ruleOf(models.FAMILIES[exp.kind].archs, arch, 'architecture').describe(settings);
  const common = { task: c.task, model, parameters: exp.model.numParameters(), maxSteps: c.train.maxSteps, attends: exp.model.attends };
  if (exp.kind === 'lm') {
    const d = train.resolveData('text', c.data);
    const trainTokens = exp.task.data.train.rows * d.batchSize;
    return {
      ...common, family: 'lm', target: null,
      data: `${count(trainTokens)} training ${d.level === 'char' ? 'characters' : 'words'} of ${d.source} (${count(exp.vocabs.lm.size)} distinct), ${d.batchSize} streams, windows of ${d.bptt}`,
      evaluation: `perplexity on the last ${count(exp.task.data.valid.rows * d.batchSize)} held-out ${d.level === 'char' ? 'characters' : 'words'}`,
      input: {
        label: 'Prompt', hint: `Up to ${MAX_WATCH} characters; the model continues it (sampling at temperature ${CONTINUATION.temperature}).`,
        example: examplePrompt(exp, text ?? ''), watched: '', maxLength: MAX_WATCH, letters: null,
      },
    };
  }
  const d = train.resolveData('generated', c.data);
  const letters = data.SYNTHETIC_TASKS[c.task as data.SyntheticTaskName]?.letters ? { minLen: d.minLen, maxLen: d.maxLen } : null;
  return {
    ...common, family: 'seq2seq', target: c.train.target,
    data: `${count(d.trainSize)} training ${letters ? `strings of ${d.minLen}–${d.maxLen} letters` : 'pairs'}, batches of ${d.batchSize}`,
    evaluation: `exact match on ${count(d.validSize)} held-out ${letters ? 'strings' : 'pairs'}`,
    input: {
      label: 'Input to watch',
      hint: letters ? `${d.minLen}–${d.maxLen} letters a–z, as in training.` : `Up to ${MAX_WATCH} characters, e.g. “${train.TASKS[c.task].input.example}”.`,
      example: train.TASKS[c.task].input.example, watched: '', maxLength: letters ? d.maxLen : MAX_WATCH, letters,
    },
  };
}

/** A fresh model and trainer of the current choice (a new seed after every reset). */
function setup(): void {
  if (!choice) return;
  const before = { task: experiment?.config.task, text: lastText };
  experiment = null;
  trainer = null;
  const config = tabRunConfig(choice, seed);
  const exp: train.Experiment = choice.task === LM_TASK
    ? lmExperiment(config, choice.text?.content ?? '')
    : train.buildSyntheticExperiment(config);
  experiment = exp;
  const task: train.TrainingTask<unknown> = exp.task;
  trainer = new train.Trainer(task, train.resolveTrainConfig(config.train));
  lastText = choice.text?.content;
  const info = describe(exp, lastText);
  watched = normalizeWatch(info.input, watched);
  // The watched input stays while it suits the run: the same task (and text), or another letter task.
  const kept = watchProblem(info.input, watched) === null && (before.task === exp.config.task || info.input.letters !== null) && before.text === lastText;
  if (!kept) watched = info.input.example;
  post({ type: 'setup', setup: { ...info, input: { ...info.input, watched } } });
}

/** The watched input's output and attention (a language model: a sampled continuation). */
function showAttention(step: number): void {
  const exp = experiment;
  if (!exp || watched === '') return;
  const wasTraining = exp.model.training;
  exp.model.eval();
  try {
    if (exp.kind === 'lm') showContinuation(exp, step);
    else showTranslation(exp, step);
  } catch (e) {
    if (!(e instanceof GlimpseError)) throw e;
    post({ type: 'watch-error', message: e.message });
  } finally {
    exp.model.train(wasTraining);
  }
}

function showTranslation(exp: train.Seq2SeqExperiment, step: number): void {
  const maxTokens = Math.min(exp.model.maxLength?.length ?? Infinity, 2 * [...watched].length + 10);
  const t = noGrad(() => train.translateText(exp, watched, { beam: 1, nBest: 1, maxTokens }));
  const h = t.hypotheses[0]!;
  const expected = EXPECTED[exp.config.task as keyof typeof EXPECTED]?.(watched) ?? null;
  post({
    type: 'attention', step, input: watched, output: h.text, correct: expected === null ? null : h.text === expected,
    picture: h.attention ? { weights: h.attention, rowLabels: h.finished ? [...h.words, '<eos>'] : h.words, colLabels: t.source.tokens } : null,
  });
}

function showContinuation(exp: LmExperiment, step: number): void {
  const level = train.resolveData('text', exp.config.data).level;
  // The same seed every time, so the continuations differ only because the model learned.
  const g = noGrad(() => train.generateText(exp, watched, { maxTokens: CONTINUATION[level], temperature: CONTINUATION.temperature, rng: new Rng(seed) }));
  const read = train.decodeOutput(exp, g.prompt.ids).text;
  const prompt = g.text.startsWith(read) ? read : watched;
  post({
    type: 'attention', step, input: prompt, output: g.text.slice(prompt.length), correct: null,
    picture: g.attention ? { weights: g.attention, rowLabels: g.tokens, colLabels: g.context } : null,
  });
}

async function run(): Promise<void> {
  if (!trainer || running) return;
  running = true;
  post({ type: 'state', state: 'running' });
  let lossSum = 0;
  let lossSteps = 0;
  let lastProgress = 0;
  let lastPicture = 0;
  const current = trainer;
  const every = ATTENTION_EVERY_MS[experiment!.kind];
  const state = await current.run({
    events: {
      onStep: (info) => {
        // A reset swaps the trainer; this one still finishes the step under way: keep it quiet.
        if (current !== trainer) return;
        lossSum += info.loss;
        lossSteps++;
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          post({ type: 'progress', step: info.step, loss: lossSum / lossSteps, steps: lossSteps, trainSeconds: current.state.trainSeconds });
          lossSum = 0;
          lossSteps = 0;
          lastProgress = now;
        }
        if (now - lastPicture >= every) {
          showAttention(info.step);
          lastPicture = performance.now();
        }
      },
      onEval: (record) => {
        if (current !== trainer) return;
        const m = record.metrics;
        post({ type: 'eval', step: record.step, exact: m.exact ?? NaN, tokenAccuracy: m.token_acc ?? NaN, validLoss: m.loss ?? NaN, ppl: m.ppl ?? NaN });
      },
    },
  });
  running = false;
  if (current !== trainer) return; // reset while running: the new run has already been announced
  if (lossSteps > 0) post({ type: 'progress', step: state.step, loss: lossSum / lossSteps, steps: lossSteps, trainSeconds: state.trainSeconds });
  showAttention(state.step);
  if (state.stopReason === 'interrupted') {
    // Continue later from exactly here: a new trainer restored from this one's snapshot.
    const task: train.TrainingTask<unknown> = experiment!.task;
    trainer = new train.Trainer(task, current.config, current.snapshot());
    post({ type: 'state', state: 'paused' });
  } else {
    post({ type: 'state', state: 'done', reason: state.stopReason ?? '' });
  }
}

/** A fresh model (of a new choice, or the same with the next seed), announced with its untrained attention. */
function rebuild(): void {
  trainer?.requestStop();
  try {
    setup();
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, during: 'setup' });
    return;
  }
  post({ type: 'state', state: 'idle' });
  showAttention(0);
}

function handle(msg: TrainRequest): void {
  switch (msg.type) {
    case 'configure':
      choice = msg.choice;
      rebuild();
      break;
    case 'start':
      watched = msg.input;
      void run().catch((e: unknown) => {
        running = false;
        post({ type: 'error', message: (e as Error).message, during: 'training' });
      });
      break;
    case 'pause':
      trainer?.requestStop();
      break;
    case 'watch':
      watched = msg.input;
      if (!running && trainer) showAttention(trainer.state.step);
      break;
    case 'reset':
      seed++;
      rebuild();
      break;
  }
}

const queue: TrainRequest[] = [];
let ready = false;
workerScope.addEventListener('message', (e) => {
  if (ready) handle(e.data as TrainRequest);
  else queue.push(e.data as TrainRequest);
});

void (async () => {
  try {
    const backend = await startBackend();
    post({ type: 'ready', backend });
    ready = true;
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    post({ type: 'error', message: (e as Error).message, during: 'setup' });
  }
})();
