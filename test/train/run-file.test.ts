import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io, train, zeros } from '../../src/index.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { RunFolder } from '../../src/train/run-folder.js';
import { loadTrainedModel } from '../../src/train/session.js';
import { manualSeed } from '../../src/util/rng.js';

// A run folder's files read without a file system (what the web page does with picked files)
// give the same model as `loadTrainedModel` reading the folder in Node.
const config = train.resolveRunConfig({
  task: 'reverse',
  data: { trainSize: 40, validSize: 8, testSize: 8, minLen: 3, maxLen: 6 },
  model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 },
});

function savedRun() {
  manualSeed(11);
  const exp = train.buildSyntheticExperiment(config);
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-runfile-'));
  const run = RunFolder.create(dir, 'tiny', config, '0.0.0-test');
  run.saveVocabs(exp.vocabs);
  run.saveBest(exp.model.stateDict(), { step: 0, epoch: 1, trainLoss: NaN, lr: 1e-3, trainSeconds: 0, metrics: {} });
  return { exp, run };
}

const files = (dir: string) => ({
  config: readFileSync(join(dir, 'config.json'), 'utf8'),
  vocabs: { src: readFileSync(join(dir, 'vocab.src.json'), 'utf8'), tgt: readFileSync(join(dir, 'vocab.tgt.json'), 'utf8') },
  weights: readFileSync(join(dir, 'best.safetensors')),
  name: 'tiny',
});

describe('trainedModelFromFiles', () => {
  it('loads the same model and attention as loadTrainedModel, in eval mode', () => {
    const { exp, run } = savedRun();
    const fromFiles = train.trainedModelFromFiles(files(run.dir));
    const fromDisk = loadTrainedModel(run.dir);
    expect(fromFiles.kind).toBe('seq2seq');
    expect(fromFiles.model.training).toBe(false);
    expect(fromFiles.config).toEqual(config);
    const opts = { beam: 1, nBest: 1, maxTokens: 8 };
    const a = train.translateText(fromFiles, 'abcde', opts).hypotheses[0]!;
    const b = train.translateText(fromDisk, 'abcde', opts).hypotheses[0]!;
    const c = train.translateText(exp, 'abcde', opts).hypotheses[0]!;
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).toEqual(c.tokens);
    expect(a.attention).toEqual(b.attention);
    expect(a.attention!.length).toBe(a.tokens.length + (a.tokens.length < 8 ? 1 : 0));
  });

  it.each(['f16', 'bf16'] as const)('reads %s weights (what glimpse export --dtype writes for the web page), each rounded once', (dtype) => {
    const { exp, run } = savedRun();
    const weights = encodeSafetensors(exp.model.stateDict(), { format: 'pt' }, { dtype });
    expect(weights.length).toBeLessThan(0.6 * readFileSync(join(run.dir, 'best.safetensors')).length);
    const loaded = train.trainedModelFromFiles({ ...files(run.dir), weights });
    const round = dtype === 'f16' ? (x: number) => io.halfToFloat(io.floatToHalf(x)) : (x: number) => io.bfloat16ToFloat(io.floatToBfloat16(x));
    const got = loaded.model.stateDict();
    for (const [name, t] of Object.entries(exp.model.stateDict())) expect(Array.from(got[name]!.data), name).toEqual(Array.from(t.data, round));
  });

  it('reports characters outside the task\'s alphabet instead of dropping them (a space in a reversal)', () => {
    const { exp } = savedRun();
    expect(() => train.translateText(exp, 'abc def', { beam: 1, nBest: 1, maxTokens: 10 }))
      .toThrow('the input has " ", which this reverse model does not know (it reads "abcdefghijklmnopqrstuvwxyz")');
  });

  it('names the file and what is wrong with it', () => {
    const { run } = savedRun();
    const good = files(run.dir);
    expect(() => train.trainedModelFromFiles({ ...good, config: '{"run":' })).toThrow(/^tiny\/config\.json is not valid JSON/);
    expect(() => train.trainedModelFromFiles({ ...good, config: '{"format":"other"}' })).toThrow(/tiny\/config\.json is not a glimpse run config \(format "other"\)/);
    expect(() => train.trainedModelFromFiles({ ...good, config: good.config.replace('"version": 2', '"version": 9') }))
      .toThrow(/tiny\/config\.json was written by a newer glimpse \(run format 9; this one reads 2\)/);
    expect(() => train.trainedModelFromFiles({ ...good, config: good.config.replace('"epochs": 20', '"epochs": "one"') }))
      .toThrow(/^tiny\/config\.json: train: config\.epochs must be an integer, got "one"/);
    expect(() => train.trainedModelFromFiles({ ...good, vocabs: { src: good.vocabs.src } })).toThrow(/^tiny\/vocab\.tgt\.json is missing; a reverse run needs it$/);
    expect(() => train.trainedModelFromFiles({ ...good, vocabs: { ...good.vocabs, tgt: '{}' } })).toThrow(/^tiny\/vocab\.tgt\.json: Vocab\.fromJSON: expected an object with format "glimpse-vocab"/);
    const alien = encodeSafetensors({ 'other.weight': zeros([2, 2]) });
    expect(() => train.trainedModelFromFiles({ ...good, weights: alien })).toThrow(/^tiny\/weights: Seq2Seq\.loadStateDict: nothing was loaded/);
    expect(() => train.trainedModelFromFiles({ ...good, weights: new Uint8Array(4) })).toThrow(/tiny\/weights/);
  });

  it('RunFolder reads what formatRunConfig writes, and reports a newer format by file', () => {
    const { run } = savedRun();
    expect(run.config()).toEqual(config);
    writeFileSync(run.path('config.json'), train.formatRunConfig(config, 'x').replace('"version": 2', '"version": 3'));
    expect(() => run.config()).toThrow(/config\.json was written by a newer glimpse \(run format 3/);
  });

  it('reads a run config of glimpse 0.1 (format 1): every key of every task, no architecture', () => {
    const { run } = savedRun();
    const v1 = {
      format: 'glimpse-run', version: 1, glimpse: '0.1.0',
      run: {
        task: 'reverse',
        data: {
          source: 'reverse', level: 'word', minFreq: 1, maxVocab: 0, batchSize: 8, bptt: 35, srcLang: 'en', tgtLang: 'de', bucket: false,
          minLen: 3, maxLen: 6, trainSize: 64, validSize: 16, testSize: 16,
        },
        objective: { teacherForcing: 1, labelSmoothing: 0 },
        model: { ...config.model, arch: undefined },
        train: { epochs: 1, maxSteps: 0, stepsPerEpoch: 0, optimizer: 'adam', lr: 0.01, weightDecay: 0, momentum: 0, clip: 1, schedule: 'none', plateauFactor: 0.5, plateauPatience: 0, gamma: 0.5, stepSize: 1, warmupSteps: 0, evalEvery: 0, earlyStopping: 0, target: null, saveEvery: 200, logEvery: 50, seed: 1 },
      },
    };
    writeFileSync(run.path('config.json'), JSON.stringify(v1));
    const read = run.config();
    expect(read.model.arch).toBe('rnn');
    expect(read.data).toEqual({ minLen: 3, maxLen: 6, trainSize: 64, validSize: 16, testSize: 16, batchSize: 8, bucket: false });
    expect(read.train.betas).toEqual([0.9, 0.999]);
  });
});
