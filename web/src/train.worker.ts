/**
 * Trains the reversal model in a Web Worker on glimpse's wasm kernels, with the same trainer,
 * task and model as `glimpse train --task reverse`, and reports progress and, as it learns,
 * the attention of the input the page watches.
 */
import { noGrad, train } from 'glimpse';
import { startBackend } from './backend.js';
import type { TrainEvent, TrainRequest, TrainSetup } from './protocol.js';
import { workerScope } from './worker-scope.js';

const post = (e: TrainEvent): void => workerScope.postMessage(e);

/**
 * PROTOCOL W3's model (bidirectional GRU encoder, GRU decoder with Luong "general" attention
 * and input feeding), halved, on 4–14 letters. Halving the learning rate after every
 * evaluation that did not improve exact match takes it to 99 % in about 1,000 steps (three
 * seeds: 800–1,300; without it 2,800 steps or more): a minute in a browser.
 */
function runConfig(seed: number): train.RunConfig {
  return train.resolveRunConfig({
    task: 'reverse',
    data: { minLen: 4, maxLen: 14, batchSize: 32, trainSize: 20000, validSize: 200, testSize: 1 },
    model: { embeddingSize: 32, encoderHidden: 48, decoderHidden: 96, attentionSize: 96 },
    train: {
      lr: 3e-3, clip: 1, schedule: 'plateau', plateauFactor: 0.5, plateauPatience: 1, evalEvery: 100, epochs: 10, maxSteps: 3000,
      target: 0.99, saveEvery: 0, seed,
    },
  });
}

/** Attention pictures at most this often (ms): each one is a greedy decode and an SVG on the page. */
const ATTENTION_EVERY_MS = 300;
const PROGRESS_EVERY_MS = 100;

let experiment: train.Seq2SeqExperiment | null = null;
let trainer: train.Trainer<unknown> | null = null;
let running = false;
let watched = 'attention';
let seed = 1;

/** A fresh model and trainer (a new seed after every reset). */
function setup(): TrainSetup {
  const exp = train.buildSyntheticExperiment(runConfig(seed));
  const c = exp.config;
  const d = train.resolveData('generated', c.data);
  const info: TrainSetup = {
    parameters: exp.model.numParameters(), minLen: d.minLen, maxLen: d.maxLen, trainSize: d.trainSize,
    validSize: d.validSize, batchSize: d.batchSize, maxSteps: c.train.maxSteps, target: c.train.target ?? 1,
  };
  experiment = exp;
  trainer = new train.Trainer(exp.task, train.resolveTrainConfig(c.train));
  return info;
}

/** Decodes the watched input greedily and posts its attention. */
function showAttention(step: number): void {
  const exp = experiment;
  if (!exp || watched === '') return;
  const wasTraining = exp.model.training;
  exp.model.eval();
  try {
    const t = noGrad(() => train.translateText(exp, watched, { beam: 1, nBest: 1, maxTokens: watched.length + 4 }));
    const h = t.hypotheses[0]!;
    post({
      type: 'attention', step, input: watched, output: h.text, correct: h.text === [...watched].reverse().join(''),
      picture: { weights: h.attention ?? [], rowLabels: h.finished ? [...h.words, '<eos>'] : h.words, colLabels: t.source.tokens },
    });
  } finally {
    exp.model.train(wasTraining);
  }
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
        if (now - lastPicture >= ATTENTION_EVERY_MS) {
          showAttention(info.step);
          lastPicture = performance.now();
        }
      },
      onEval: (record) => {
        if (current !== trainer) return;
        const m = record.metrics;
        post({ type: 'eval', step: record.step, exact: m.exact ?? NaN, tokenAccuracy: m.token_acc ?? NaN, validLoss: m.loss ?? NaN });
      },
    },
  });
  running = false;
  if (current !== trainer) return; // reset while running: the new run has already been announced
  if (lossSteps > 0) post({ type: 'progress', step: state.step, loss: lossSum / lossSteps, steps: lossSteps, trainSeconds: state.trainSeconds });
  showAttention(state.step);
  if (state.stopReason === 'interrupted') {
    // Continue later from exactly here: a new trainer restored from this one's snapshot.
    trainer = new train.Trainer(experiment!.task, current.config, current.snapshot());
    post({ type: 'state', state: 'paused' });
  } else {
    post({ type: 'state', state: 'done', reason: state.stopReason ?? '' });
  }
}

function handle(msg: TrainRequest): void {
  switch (msg.type) {
    case 'start':
      watched = msg.input;
      void run().catch((e: unknown) => {
        running = false;
        post({ type: 'error', message: (e as Error).message });
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
      trainer?.requestStop();
      seed++;
      setup();
      post({ type: 'state', state: 'idle' });
      showAttention(0);
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
    post({ type: 'ready', backend, setup: setup() });
    post({ type: 'state', state: 'idle' });
    showAttention(0);
    ready = true;
    for (const m of queue.splice(0)) handle(m);
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  }
})();
