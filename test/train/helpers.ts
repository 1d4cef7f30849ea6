import { batchify, encodeSynthetic, reverseTask } from '../../src/data/index.js';
import { LanguageModel } from '../../src/models/lm.js';
import { Seq2Seq } from '../../src/models/seq2seq.js';
import type { StateDict } from '../../src/nn/index.js';
import { resolveTrainConfig, type TrainConfig } from '../../src/train/config.js';
import { LanguageModelTask } from '../../src/train/tasks/lm.js';
import { Seq2SeqTask } from '../../src/train/tasks/seq2seq.js';
import type { CheckpointSink, EvalRecord, TrainingSnapshot } from '../../src/train/trainer.js';
import { Trainer } from '../../src/train/trainer.js';
import { Rng, manualSeed } from '../../src/util/rng.js';

/** A tiny reverse task (lengths 2–5) with a small Luong model: trains in seconds on any backend. */
export function tinyReverse(seed = 1) {
  manualSeed(seed);
  const t = reverseTask({ minLen: 2, maxLen: 5 });
  const ex = (n: number, s: number) => encodeSynthetic(t.generate(n, s), t);
  const model = new Seq2Seq({
    srcVocabSize: t.srcVocab.size, tgtVocabSize: t.tgtVocab.size, embeddingSize: 16, encoderHidden: 16, decoderHidden: 32,
    attention: 'luong-general', inputFeeding: true, bridge: 'concat', dropout: 0.1,
  });
  const ids = { pad: t.tgtVocab.id('<pad>'), bos: t.tgtVocab.id('<bos>'), eos: t.tgtVocab.id('<eos>') };
  return new Seq2SeqTask(model, { train: ex(640, 1), valid: ex(100, 2), test: ex(100, 3) }, { batchSize: 32, ...ids, accuracy: true });
}

/** A tiny word LM over a repetitive synthetic stream. */
export function tinyLm(seed = 1) {
  manualSeed(seed);
  const rng = new Rng(7);
  const stream = (n: number) => Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? rng.randint(0, 12) : (i * 3) % 12));
  const model = new LanguageModel({ vocabSize: 12, embeddingSize: 8, hiddenSize: 16, numLayers: 2, dropout: 0.1, attention: true });
  return new LanguageModelTask(model, { train: batchify(stream(1200), 4), valid: batchify(stream(300), 4), test: batchify(stream(300), 4), bptt: 10 });
}

export function config(over: Partial<TrainConfig>) {
  return resolveTrainConfig({ lr: 1e-2, clip: 1, seed: 3, ...over });
}

/** Keeps checkpoints in memory. */
export class MemorySink implements CheckpointSink {
  last: TrainingSnapshot | null = null;
  best: StateDict | null = null;
  saves = 0;
  saveLast(s: TrainingSnapshot): void {
    this.last = s;
    this.saves++;
  }
  saveBest(model: StateDict, _r: EvalRecord): void {
    this.best = model;
  }
}

export function weightsEqual(a: StateDict, b: StateDict): boolean {
  return Object.keys(a).every((k) => a[k]!.data.every((v, i) => Object.is(v, b[k]!.data[i])));
}

export { Trainer };
