/**
 * How runs end (issue 16, classes 1 and 10), with `glimpse train` run as a process: every
 * ending saves what the run has and records how it ended, the checkpoint and last.safetensors
 * agree about the step, a finished run refuses to resume in one line, SIGINT and SIGTERM save
 * alike, and a run folder has one writer at a time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-endings-'));
const runs = join(dir, 'runs');
const tinyConfig = join(dir, 'tiny.json');
writeFileSync(tinyConfig, JSON.stringify({
  task: 'reverse',
  data: { trainSize: 64, validSize: 16, testSize: 16, minLen: 2, maxLen: 4, batchSize: 16 },
  model: { embeddingSize: 4, encoderHidden: 4, decoderHidden: 8, attentionSize: 8 },
  train: { lr: 0.01, seed: 3, logEvery: 1 },
}));

/** The metadata of a safetensors file's header. */
function metadata(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')).__metadata__;
}

/** What a run folder says about how it ended; the three records of the last step must agree. */
function ending(run: string) {
  const state = JSON.parse(metadata(join(run, 'checkpoint.safetensors')).trainer!);
  const lastStep = Number(metadata(join(run, 'last.safetensors')).step);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const log = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const end = log.filter((r: { type: string }) => r.type === 'end').at(-1);
  expect(lastStep, 'last.safetensors and checkpoint.safetensors agree').toBe(state.step);
  expect(summary.steps).toBe(state.step);
  expect(end).toMatchObject({ type: 'end', step: state.step, reason: state.stopReason, finished: state.finished });
  expect(summary).toMatchObject({ stopReason: state.stopReason, finished: state.finished });
  expect(existsSync(join(run, 'glimpse.lock')), 'the lock is released').toBe(false);
  return { state, summary, end };
}

const train = (name: string, flags: string[]) => glimpse(['train', '--config', tinyConfig, '--runs', runs, '--name', name, '--no-progress', ...flags]);

describe('every way a run ends saves its last step and says how it ended', () => {
  const endings: [string, string[], RegExp, number][] = [
    ['max steps between evaluations', ['--max-steps', '7', '--eval-every', '5'], /^reached maxSteps 7$/, 0],
    ['epochs done', ['--epochs', '2'], /^completed 2 epochs$/, 0],
    ['target reached', ['--epochs', '5', '--eval-every', '2', '--target', '0'], /^reached exact 0 \(target 0\)$/, 0],
    ['early stopping', ['--epochs', '5', '--eval-every', '1', '--early-stopping', '1', '--lr', '1e-9'], /\(early stopping\)$/, 0],
    ['a non-finite loss', ['--epochs', '2', '--optimizer', 'sgd', '--lr', '1e300', '--clip', '0'], /^the loss was NaN at step 2$/, 1],
  ];
  it.each(endings)('%s', (name, flags, reason, code) => {
    const run = join(runs, name.replace(/\W+/g, '-'));
    const r = train(name.replace(/\W+/g, '-'), flags);
    expect(r.code, r.stderr).toBe(code);
    const { state } = ending(run);
    expect(state.finished).toBe(true);
    expect(state.stopReason).toMatch(reason);
    if (code === 0) expect(state.step).toBe(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).steps);
    else expect(state.step).toBe(1); // the weights of the last finite step
    const again = glimpse(['train', '--resume', run]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`glimpse train: ${run} already finished (${state.stopReason}); nothing to resume\n`);
  });
});

/** Resolves once `test` holds (polled), or fails after a minute. */
async function until(test: () => boolean, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (child.exitCode !== null) throw new Error(`the run exited (${child.exitCode}) before ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const steps = (run: string): number => {
  const f = join(run, 'metrics.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('"type":"step"')).length : 0;
};

/** Starts `glimpse train` as a child process, collecting its standard error. */
function start(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [resolve('dist/cli/main.js'), 'train', ...args, '--no-progress'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, stderr: () => err, exit };
}

describe('signals, locks and leftovers', () => {
  it('SIGTERM saves as SIGINT does; a second process is refused naming the first; a killed run\'s lock and temporaries are cleaned on resume', async () => {
    const run = join(runs, 'long');
    const first = start(['--config', tinyConfig, '--runs', runs, '--name', 'long', '--epochs', '400']);
    await until(() => steps(run) >= 3, 'step 3', first.child);
    const second = glimpse(['train', '--resume', run]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^glimpse train: ${run} is in use by process ${first.child.pid} \\(glimpse train, since [^)]+\\); wait for it to finish or stop it \\(its lock: ${join(run, 'glimpse.lock')}\\)\\n$`));
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(143);
    const term = ending(run);
    expect(term.state).toMatchObject({ finished: false, stopReason: 'interrupted' });
    expect(term.end.signal).toBe('SIGTERM');
    expect(first.stderr()).toMatch(new RegExp(`interrupted \\(SIGTERM\\) at step ${term.state.step}; the checkpoint was saved; resume with: glimpse train --resume ${run}\\n$`));

    // SIGKILL leaves the lock (and possibly a temporary); the next resume takes both over.
    const killed = start(['--resume', run]);
    await until(() => steps(run) >= term.state.step + 3, 'three more steps', killed.child);
    killed.child.kill('SIGKILL');
    await killed.exit;
    expect(existsSync(join(run, 'glimpse.lock'))).toBe(true);
    writeFileSync(join(run, `checkpoint.safetensors.tmp-${killed.child.pid}-0badc0de`), 'half a checkpoint');
    const resumed = start(['--resume', run]);
    await until(() => resumed.stderr().includes('resuming reverse'), 'the resume to start', resumed.child);
    await until(() => steps(run) >= term.state.step + 6, 'three more steps', resumed.child);
    resumed.child.kill('SIGINT');
    expect(await resumed.exit).toBe(130);
    // The planted temporary, and the killed process's own when SIGKILL landed during a save.
    const removed = /removed (\d+) temporary file\(s\) left by an interrupted save: ([^\n]+)\n/.exec(resumed.stderr());
    expect(removed, resumed.stderr()).not.toBeNull();
    const names = removed![2]!.split(', ');
    expect(names).toContain(`checkpoint.safetensors.tmp-${killed.child.pid}-0badc0de`);
    expect(Number(removed![1])).toBe(names.length);
    for (const name of names) expect(name).toMatch(new RegExp(`\\.tmp-${killed.child.pid}-[0-9a-f]{8}$`));
    expect(readdirSync(run).filter((f) => f.includes(`.tmp-${killed.child.pid}-`))).toEqual([]);
    const int = ending(run);
    expect(int.state).toMatchObject({ finished: false, stopReason: 'interrupted' });
    expect(int.end.signal).toBe('SIGINT');
    expect(existsSync(join(run, `checkpoint.safetensors.tmp-${killed.child.pid}-0badc0de`))).toBe(false);
  });
});
