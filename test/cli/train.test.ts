import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-train-'));
const runs = join(dir, 'runs');

/** A tiny reverse task: small model and data, a few dozen steps. */
const tiny = {
  task: 'reverse',
  data: { trainSize: 400, validSize: 60, testSize: 60, minLen: 2, maxLen: 5, batchSize: 16 },
  model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 },
  train: { maxSteps: 40, evalEvery: 20, saveEvery: 5, logEvery: 5, lr: 0.01, seed: 5 },
};
const tinyConfig = join(dir, 'tiny.json');
writeFileSync(tinyConfig, JSON.stringify(tiny));

const line = (s: string) => s.trim().split('\n');

describe('glimpse train and eval', () => {
  it('trains into a run folder with config, vocabularies, checkpoints and a metrics log, then evaluates it', () => {
    const r = glimpse(['train', '--config', tinyConfig, '--runs', runs, '--name', 'tiny', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/reached maxSteps 40 after 40 steps/);
    expect(r.stderr).toMatch(/test: loss [\d.]+, ppl [\d.]+, exact [\d.]+, token_acc [\d.]+/);
    const run = join(runs, 'tiny');
    for (const f of ['config.json', 'vocab.src.json', 'vocab.tgt.json', 'best.safetensors', 'last.safetensors', 'checkpoint.safetensors', 'metrics.jsonl', 'summary.json']) {
      expect(existsSync(join(run, f)), f).toBe(true);
    }
    const log = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([20, 40]);
    expect(log.filter((l) => l.type === 'step')).toHaveLength(8);
    const ev = glimpse(['eval', '--run', run, '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const m = JSON.parse(ev.stdout);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
    expect(m.exact).toBeCloseTo(summary.test.exact, 10);
    // A second run with the same name gets a new folder: the first run's checkpoints stay.
    const before = readFileSync(join(run, 'best.safetensors'));
    const again = glimpse(['train', '--config', tinyConfig, '--runs', runs, '--name', 'tiny', '--no-progress', '--max-steps', '5']);
    expect(again.code).toBe(0);
    expect(existsSync(join(runs, 'tiny-2', 'config.json'))).toBe(true);
    expect(readFileSync(join(run, 'best.safetensors')).equals(before)).toBe(true);
  });

  it('a run killed with SIGKILL mid-epoch and resumed ends with the same metrics and weights as an uninterrupted one', async () => {
    const full = glimpse(['train', '--config', tinyConfig, '--runs', runs, '--name', 'whole', '--no-progress']);
    expect(full.code, full.stderr).toBe(0);
    const killedRun = join(runs, 'killed');
    const child = spawn(process.execPath, [resolve('dist/cli/main.js'), 'train', '--config', tinyConfig, '--runs', runs, '--name', 'killed', '--no-progress'], { stdio: 'ignore' });
    await killAfterStep(child, join(killedRun, 'metrics.jsonl'), 27);
    const resumed = glimpse(['train', '--resume', killedRun, '--no-progress']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming reverse/);
    const summary = (name: string) => JSON.parse(readFileSync(join(runs, name, 'summary.json'), 'utf8'));
    expect(summary('killed').test).toEqual(summary('whole').test);
    expect(readFileSync(join(killedRun, 'best.safetensors')).equals(readFileSync(join(runs, 'whole', 'best.safetensors')))).toBe(true);
  });

  it('rejects bad input with one clear line and a non-zero exit', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--task', 'poetry'], /argument 'poetry' is invalid\. expected one of lm, translate, reverse, copy, sort, dates/],
      [['train', '--attention', 'luong'], /argument 'luong' is invalid\. expected one of none, bahdanau, luong-dot, luong-general, luong-concat, local-m, local-p, multi-head/],
      [['train', '--task', 'lm', '--model', 'transformer-xl'], /argument 'transformer-xl' is invalid\. expected one of lstm, gru, lstm-attn, gru-attn, lstm-scratch, encdec-attn, transformer/],
      [['train', '--epochs', 'three'], /option '--epochs <n>' argument 'three' is invalid\. expected an integer, got 'three'/],
      [['train', '--lr', '-1'], /expected a number in \(0, ∞\), got -1/],
      [['train', '--task', 'lm', '--data', join(dir, 'missing.txt'), '--runs', runs], /missing\.txt is neither an existing file or folder nor a dataset name/],
      [['train', '--task', 'lm', '--attention', 'bahdanau', '--runs', runs], /--attention applies to seq2seq tasks; for a language model use --model lstm-attn/],
      [['eval', '--run', dir], /is not a run folder: it has no config\.json/],
      [['eval', '--run', join(dir, 'nowhere')], /is not a run folder: it does not exist/],
      [['train', '--resume', join(dir, 'nowhere')], /is not a run folder: it does not exist/],
    ];
    for (const [args, want] of cases) {
      const r = glimpse(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(line(r.stderr), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(want);
    }
  });

  it('rejects bad config files, empty and misaligned data, and a checkpoint from another model', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...tiny, train: { epoch: 3 } }));
    const r1 = glimpse(['train', '--config', bad, '--runs', runs]);
    expect(line(r1.stderr)).toEqual([`glimpse train: ${bad}: train: unknown config key "epoch" (known keys: epochs, maxSteps, stepsPerEpoch, optimizer, lr, weightDecay, momentum, dampening, nesterov, betas, eps, clip, schedule, plateauFactor, plateauPatience, gamma, stepSize, warmupSteps, minLrFactor, evalEvery, earlyStopping, target, saveEvery, keepCheckpoints, logEvery, seed)`]);
    writeFileSync(bad, '{"task": "reverse",');
    expect(glimpse(['train', '--config', bad]).stderr).toMatch(/^glimpse train: .*bad\.json is not valid JSON/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const r2 = glimpse(['train', '--task', 'lm', '--data', empty, '--runs', runs]);
    expect(line(r2.stderr)).toEqual([`glimpse train: text file ${empty} is empty; expected one sentence or line of text per line`]);
    const corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    for (const [f, text] of [['train.en', 'a b\nc d\ne f\n'], ['train.de', 'x y\nz w\n'], ['val.en', 'a\n'], ['val.de', 'x\n'], ['test.en', 'a\n'], ['test.de', 'x\n']]) {
      writeFileSync(join(corpus, f!), text!);
    }
    const r3 = glimpse(['train', '--task', 'translate', '--data', corpus, '--runs', runs]);
    expect(line(r3.stderr)).toEqual([`glimpse train: parallel corpus is misaligned: ${join(corpus, 'train.en')} has 3 lines but ${join(corpus, 'train.de')} has 2; expected one target line per source line`]);
    const flat = join(dir, 'flat.txt');
    writeFileSync(flat, Array.from({ length: 40 }, (_, i) => `word${i} other${i} thing${i}`).join('\n'));
    const r5 = glimpse(['train', '--task', 'lm', '--data', flat, '--runs', runs]);
    expect(line(r5.stderr)).toEqual([`glimpse train: ${flat}: Vocab.build: empty vocabulary: no token seen at least 2 time(s) (109 distinct tokens counted); expected at least one (is the training data empty?)`]);
    // A checkpoint of another architecture in a run folder.
    const other = glimpse(['train', '--config', tinyConfig, '--runs', runs, '--name', 'other', '--hidden', '24', '--encoder-hidden', '12', '--max-steps', '2', '--eval-every', '2', '--no-progress']);
    expect(other.code, other.stderr).toBe(0);
    copyFileSync(join(runs, 'other', 'best.safetensors'), join(runs, 'tiny', 'best.safetensors'));
    const r4 = glimpse(['eval', '--run', join(runs, 'tiny')]);
    expect(r4.code).not.toBe(0);
    expect(line(r4.stderr)).toHaveLength(1);
    expect(r4.stderr).toMatch(/does not fit this module \(\d+ problems\): mismatch: W_c\.bias: module has \[16\], state dict has \[24\]/);
  });

  it('prints the stack trace only with --verbose', () => {
    const quiet = glimpse(['eval', '--run', dir]);
    const loud = glimpse(['--verbose', 'eval', '--run', dir]);
    expect(line(quiet.stderr)).toHaveLength(1);
    expect(loud.stderr).toMatch(/\n\s+at /);
  });
});

/** Waits until the metrics log shows a step record ≥ `step`, then kills the process with SIGKILL. */
async function killAfterStep(child: ChildProcess, log: string, step: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the run did not reach the step in time');
    if (existsSync(log) && readFileSync(log, 'utf8').split('\n').some((l) => l && JSON.parse(l).type === 'step' && JSON.parse(l).step >= step)) break;
    if (child.exitCode !== null) throw new Error('the run ended before it could be killed');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}
