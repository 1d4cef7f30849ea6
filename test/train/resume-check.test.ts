/**
 * Resume trusts nothing it reads (issue 16, classes 7 and 10): a checkpoint must mean a state
 * the run can continue exactly from, one process at a time holds a run folder, and what
 * interrupted saves left behind is cleaned up or repaired.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../../src/io/node.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { LOCK_FILE, cleanTemporaries, lockRunFolder } from '../../src/train/run-lock.js';
import { resumeSession, startSession, trainSession } from '../../src/train/session.js';
import { withCheckedFile } from '../../src/util/fs-node.js';

const scratch = mkdtempSync(join(tmpdir(), 'glimpse-resume-'));
let interrupted: string;

/** The id of a process that has exited (for locks and temporaries left by a dead process). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

beforeAll(async () => {
  const config = resolveRunConfig({
    task: 'reverse',
    data: { trainSize: 48, validSize: 8, testSize: 8, minLen: 2, maxLen: 4, batchSize: 8 },
    model: { embeddingSize: 4, encoderHidden: 4, decoderHidden: 8, attentionSize: 8 },
    train: { epochs: 50, evalEvery: 2, logEvery: 1 },
  });
  const session = startSession(config, { runsDir: scratch, name: 'interrupted', version: '0.0.0-test' });
  let steps = 0;
  const summary = await trainSession(session, { onStep: () => ++steps === 3 && session.trainer.requestStop() });
  expect(summary.finished).toBe(false);
  interrupted = session.run.dir;
}, 60_000);

let copies = 0;
/** A copy of the interrupted run with its checkpoint's trainer state and tensors edited. */
function edited(edit: (state: Record<string, unknown>, tensors: Record<string, unknown>) => void): string {
  const dir = join(scratch, `copy-${copies++}`);
  cpSync(interrupted, dir, { recursive: true });
  const file = join(dir, 'checkpoint.safetensors');
  const { tensors, metadata } = loadSafetensors(file, { kind: 'checkpoint' });
  const state = JSON.parse(metadata.trainer!) as Record<string, unknown>;
  edit(state, tensors);
  saveSafetensors(file, tensors, { ...metadata, trainer: JSON.stringify(state) });
  return dir;
}

function refusal(dir: string): string {
  try {
    resumeSession(dir).lock.release();
  } catch (e) {
    const m = (e as Error).message;
    expect(m).toContain(join(dir, 'checkpoint.safetensors'));
    expect(m).not.toContain('\n');
    expect(existsSync(join(dir, LOCK_FILE)), 'a refused resume releases the lock').toBe(false);
    return m;
  }
  throw new Error('expected a refusal');
}

const stepOf = (file: string): string => withCheckedFile(file, 'weights', (f) => readSafetensorsHeader(f).metadata.step!);

describe('resume validates what the checkpoint means', () => {
  it('the untouched checkpoint resumes; its interruption is recorded and cleared on resume', () => {
    const meta = withCheckedFile(join(interrupted, 'checkpoint.safetensors'), 'checkpoint', (f) => readSafetensorsHeader(f).metadata);
    expect(JSON.parse(meta.trainer!)).toMatchObject({ step: 3, finished: false, stopReason: 'interrupted' });
    const session = resumeSession(interrupted);
    expect(session.trainer.state.stopReason).toBeNull();
    session.lock.release();
  });

  it('refuses missing optimizer moments, an impossible position, all-zero generators and step counts that disagree', () => {
    const cases: [(s: Record<string, unknown>, t: Record<string, unknown>) => void, RegExp][] = [
      [(_, t) => { for (const k of Object.keys(t)) if (k.startsWith('optimizer.')) delete t[k]; },
        /Adam\.loadStateDict: parameter 0 has taken 3 steps but its buffers "0\.exp_avg", "0\.exp_avg_sq" are missing; without them the optimizer would not continue exactly/],
      [(s) => { s.stepInEpoch = 9; s.step = 9; }, /the checkpoint cannot resume exactly: trainer\.stepInEpoch is 9 but epoch 1 has 6 batches/],
      [(s) => { s.stepInEpoch = 5; }, /trainer\.step is 3 but it is at batch 5 of epoch 1, which needs at least 5 steps/],
      [(s) => { (s.epochRng as { s: number[] }).s = [0, 0, 0, 0]; }, /trainer\.epochRng is all zeros/],
      [(s) => { (s.dropoutRng as { s: number[] }).s = [0, 0, 0, 0]; }, /trainer\.dropoutRng is all zeros/],
      [(s) => { s.epoch = 51; s.step = 400; }, /trainer\.epoch is 51 but the run has 50 epochs/],
      [(s) => { s.step = 4; }, /the trainer is at step 4 but the optimizer has taken 3 steps/],
      [(s) => { s.best = { value: 0, step: 7, epoch: 1 }; }, /trainer\.best\.step is 7, after the checkpoint's step 3/],
    ];
    for (const [edit, want] of cases) expect(refusal(edited(edit))).toMatch(want);
  });

  it('an optimizer refuses a state whose stepped parameters lack their buffers, or carry buffers it does not keep', () => {
    const p = tensor([1, 2]);
    const steps = { 0: 2 };
    expect(() => new Adam([p]).loadStateDict({ kind: 'Adam', paramGroups: [{ params: [0] }], steps, tensors: { '0.exp_avg': tensor([0, 0]) } }))
      .toThrow(/parameter 0 has taken 2 steps but its buffer "0\.exp_avg_sq" is missing/);
    expect(() => new SGD([p], { lr: 1 }).loadStateDict({ kind: 'SGD', paramGroups: [{ params: [0], lr: 1 }], steps, tensors: { '0.momentum_buffer': tensor([0, 0]) } }))
      .toThrow(/parameter 0 has a "0\.momentum_buffer" buffer that SGD with these settings does not keep \(expected none\)/);
    expect(() => new SGD([p], { lr: 1 }).loadStateDict({ kind: 'SGD', paramGroups: [{ params: [0], lr: 1 }], steps, tensors: {} })).not.toThrow();
  });
});

describe('one writer per run folder, and no leftovers', () => {
  it('a lock held by a live process is refused naming it; a dead process\'s lock is taken over', () => {
    const dir = mkdtempSync(join(scratch, 'lock-'));
    const held = JSON.stringify({ pid: process.ppid, host: hostname(), command: 'glimpse train', since: '2026-12-05T09:00:00.000Z' });
    writeFileSync(join(dir, LOCK_FILE), held);
    expect(() => lockRunFolder(dir, 'glimpse train --resume')).toThrow(
      `${dir} is in use by process ${process.ppid} (glimpse train, since 2026-12-05T09:00:00.000Z); wait for it to finish or stop it (its lock: ${join(dir, LOCK_FILE)})`);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), command: 'glimpse train' }));
    const lock = lockRunFolder(dir, 'glimpse train --resume');
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12'); // cut off while written: its writer died
    lockRunFolder(dir, 'x').release();
  });

  it('removes temporaries of dead processes only', () => {
    const dir = mkdtempSync(join(scratch, 'tmp-'));
    const dead = `checkpoint.safetensors.tmp-${deadPid()}-0123abcd`;
    const live = `best.safetensors.tmp-${process.pid}-0123abcd`;
    for (const f of [dead, live, 'notes.tmp-1-x']) writeFileSync(join(dir, f), 'x');
    expect(cleanTemporaries(dir)).toEqual([dead]);
    expect(existsSync(join(dir, live))).toBe(true);
  });

  it('resume cleans stale temporaries and rewrites a last.safetensors that disagrees with the checkpoint', () => {
    const dir = edited(() => {});
    const stale = join(dir, `last.safetensors.tmp-${deadPid()}-deadbeef`);
    writeFileSync(stale, 'half a file');
    cpSync(join(dir, 'best.safetensors'), join(dir, 'last.safetensors')); // step 2: as if killed between the two saves
    expect(stepOf(join(dir, 'last.safetensors'))).toBe('2');
    const session = resumeSession(dir);
    session.lock.release();
    expect(session.cleaned).toEqual([stale.split('/').pop()]);
    expect(session.repairedLast).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(stepOf(join(dir, 'last.safetensors'))).toBe('3');
  });
});
