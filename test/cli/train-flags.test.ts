/**
 * `glimpse train` as a new user meets it: every schedule from the command line, flags that mean
 * nothing for a task refused by name, config files read whole (a flag overrides only when given),
 * runs that stop early still leave weights, and finished runs refuse to resume.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optim } from '../../src/index.js';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-flags-'));
const runs = join(dir, 'runs');
/** The smallest reverse run: a few steps of a tiny model. */
const TINY = [
  '--task', 'reverse', '--runs', runs, '--no-progress', '--embedding', '8', '--encoder-hidden', '8', '--hidden', '16',
  '--batch-size', '16', '--min-len', '2', '--max-len', '5',
];
const config = (name: string) => JSON.parse(readFileSync(join(runs, name, 'config.json'), 'utf8')).run;
const events = (name: string) => readFileSync(join(runs, name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const oneLine = (s: string) => s.trim().split('\n');

describe('glimpse train flags', () => {
  it.each(optim.SCHEDULE_NAMES)('schedule %s runs from the command line with its defaults', (schedule) => {
    const r = glimpse(['train', ...TINY, '--name', `sched-${schedule}`, '--schedule', schedule, '--max-steps', '30', '--eval-every', '10', '--steps-per-epoch', '10', '--lr', '0.01']);
    expect(r.code, r.stderr).toBe(0);
    const c = config(`sched-${schedule}`);
    expect(c.train.schedule).toBe(schedule);
    const lrs = events(`sched-${schedule}`).filter((e) => e.type === 'eval').map((e) => e.lr as number);
    expect(lrs).toHaveLength(3);
    // The rate stays positive (warmup-cosine reaches its floor, 0 by default, only at the last step).
    for (const lr of lrs.slice(0, -1)) expect(lr).toBeGreaterThan(0);
    // A warm-up schedule's rate rises over the first tenth of the run, then never exceeds --lr.
    if (optim.SCHEDULES[schedule as optim.ScheduleName].options.includes('warmupSteps')) expect(Math.max(...lrs)).toBeLessThanOrEqual(0.01);
  });

  it('takes a warm-up length and a cosine floor, and reaches the floor at the last step', () => {
    const r = glimpse(['train', ...TINY, '--name', 'cosine', '--schedule', 'warmup-cosine', '--warmup-steps', '5', '--min-lr-factor', '0.1', '--lr', '0.01', '--max-steps', '20', '--eval-every', '20', '--steps-per-epoch', '10']);
    expect(r.code, r.stderr).toBe(0);
    const last = events('cosine').filter((e) => e.type === 'eval').at(-1)!;
    expect(last.lr).toBeCloseTo(0.001, 8);
  });

  it('refuses, in one line with exit status 2, flags that mean nothing for the task, model, optimizer or schedule', () => {
    const cases: [string[], string][] = [
      [['--task', 'lm', '--teacher-forcing', '0.5'], '--teacher-forcing does not apply to task lm (its objective config has no teacherForcing)'],
      [['--task', 'lm', '--bucket'], '--bucket does not apply to task lm (its data config has no bucket)'],
      [['--task', 'reverse', '--bptt', '20'], '--bptt does not apply to task reverse (its data config has no bptt)'],
      [['--task', 'reverse', '--momentum', '0.9'], '--momentum applies to the optimizers that read momentum (sgd), not adam'],
      [['--task', 'reverse', '--optimizer', 'sgd', '--betas', '0.9,0.98'], '--betas applies to the optimizers that read betas (adam, adamw), not sgd'],
      [['--task', 'reverse', '--warmup-steps', '10'], '--warmup-steps applies to the schedules that read warmupSteps (warmup-cosine, warmup-invsqrt), not plateau'],
      [['--task', 'reverse', '--heads', '2'], '--heads applies to the attention kinds that use heads (multi-head), not luong-general'],
      [['--task', 'reverse', '--attention', 'bahdanau', '--input-feeding'], '--input-feeding applies to Luong-style attention (queried after the cell), not bahdanau'],
      [['--task', 'lm', '--attention', 'bahdanau'], '--attention applies to seq2seq tasks; for a language model use --model lstm-attn (task lm)'],
    ];
    for (const [args, message] of cases) {
      const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr), args.join(' ')).toEqual([`glimpse train: ${message}`]);
    }
    // Bad values are usage errors too: hex, exponents and out-of-range integers.
    for (const args of [['--batch-size', '0x10'], ['--seed', '1e30'], ['--epochs', '2.5'], ['--layers', '1000000']]) {
      const r = glimpse(['train', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr), args.join(' ')).toHaveLength(1);
    }
  });

  it('--free-running-eval logs the free-running loss at every evaluation and glimpse plot draws it; a Transformer refuses it', () => {
    const r = glimpse(['train', ...TINY, '--name', 'free', '--free-running-eval', '--max-steps', '20', '--eval-every', '10', '--steps-per-epoch', '10', '--lr', '0.01']);
    expect(r.code, r.stderr).toBe(0);
    expect(config('free').objective.freeRunningEval).toBe(true);
    const evals = events('free').filter((e) => e.type === 'eval');
    expect(evals).toHaveLength(2);
    for (const e of evals) {
      expect(e.metrics.ppl_free).toBeCloseTo(Math.exp(e.metrics.loss_free), 8);
      expect(e.metrics.loss_free).toBeGreaterThan(0);
    }
    expect(r.stderr).toMatch(/^step 10 \(epoch 1\): .*loss_free \d+\.\d+, ppl_free \d+\.\d+/m);
    const png = join(dir, 'free.png');
    expect(glimpse(['plot', '--run', join(runs, 'free'), '--out', png]).code).toBe(0);
    expect(existsSync(png)).toBe(true);
    expect(events('sched-none').filter((e) => e.type === 'eval')[0].metrics.loss_free).toBeUndefined();
    const t = glimpse(['train', '--runs', runs, '--no-progress', '--task', 'reverse', '--arch', 'transformer', '--free-running-eval']);
    expect(t.code).toBe(2);
    expect(oneLine(t.stderr)[0]).toMatch(/^glimpse train: --free-running-eval /);
  });

  it('every optimizer option has a flag: SGD with Nesterov momentum, Adam with its betas and eps', () => {
    const sgd = glimpse(['train', ...TINY, '--name', 'sgd', '--optimizer', 'sgd', '--momentum', '0.9', '--nesterov', '--lr', '0.05', '--max-steps', '4']);
    expect(sgd.code, sgd.stderr).toBe(0);
    expect(config('sgd').train).toMatchObject({ optimizer: 'sgd', momentum: 0.9, nesterov: true });
    const adam = glimpse(['train', ...TINY, '--name', 'adam', '--betas', '0.9,0.98', '--eps', '1e-9', '--max-steps', '4']);
    expect(adam.code, adam.stderr).toBe(0);
    expect(config('adam').train).toMatchObject({ betas: [0.9, 0.98], eps: 1e-9 });
  });

  it('reads a config file whole: its task is used, flags override only when given, a run\'s config.json works, inherited names are unknown keys', () => {
    const file = join(dir, 'copy.json');
    writeFileSync(file, JSON.stringify({ task: 'copy', data: { trainSize: 64, validSize: 16, testSize: 16, minLen: 2, maxLen: 4, batchSize: 16 }, train: { maxSteps: 3 } }));
    const r = glimpse(['train', '--config', file, '--runs', runs, '--name', 'from-file', '--no-progress', '--embedding', '8', '--encoder-hidden', '8', '--hidden', '16']);
    expect(r.code, r.stderr).toBe(0);
    expect(config('from-file').task).toBe('copy');
    expect(config('from-file').train.maxSteps).toBe(3);
    // The run's own config.json starts the same run again.
    const again = glimpse(['train', '--config', join(runs, 'from-file', 'config.json'), '--runs', runs, '--name', 'again', '--no-progress']);
    expect(again.code, again.stderr).toBe(0);
    expect(config('again')).toEqual(config('from-file'));
    for (const key of ['constructor', 'toString']) {
      writeFileSync(file, `{"task": "copy", "${key}": 1}`);
      const bad = glimpse(['train', '--config', file, '--runs', runs]);
      expect(oneLine(bad.stderr)).toEqual([`glimpse train: ${file}: unknown key "${key}" in the run config (known keys: task, modelName, arch, attention, data, objective, model, train)`]);
    }
  });

  it('a run stopped by --max-steps before its first evaluation leaves weights a command can use, and refuses to resume', () => {
    const r = glimpse(['train', ...TINY, '--name', 'short', '--max-steps', '7', '--eval-every', '5']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['best.safetensors', 'last.safetensors', 'checkpoint.safetensors', 'summary.json']) expect(existsSync(join(runs, 'short', f)), f).toBe(true);
    // The last evaluation and the checkpoint are of step 7, as the summary says.
    expect(events('short').filter((e) => e.type === 'eval').map((e) => e.step)).toEqual([5, 7]);
    expect(JSON.parse(readFileSync(join(runs, 'short', 'summary.json'), 'utf8')).steps).toBe(7);
    const t = glimpse(['translate', '--run', join(runs, 'short'), 'abc']);
    expect(t.code, t.stderr).toBe(0);
    const resume = glimpse(['train', '--resume', join(runs, 'short'), '--no-progress']);
    expect(resume.code).not.toBe(0);
    expect(oneLine(resume.stderr)).toEqual([`glimpse train: ${join(runs, 'short')} already finished (reached maxSteps 7); nothing to resume`]);
    const extra = glimpse(['train', '--resume', join(runs, 'short'), '--epochs', '3']);
    expect(extra.code).toBe(2);
    expect(oneLine(extra.stderr)).toEqual(['glimpse train: --resume continues a run with its own config; it cannot be combined with --epochs']);
  });
});
