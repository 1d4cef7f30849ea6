import { describe, expect, it } from 'vitest';
import { BatchQueue, type BatchRule, QueueFullError } from '../../src/serve/queue.js';

// The server's queue with a stand-in for decoding: jobs are strings, "key:n" batch by key with
// size n; a job named "bad" throws.
interface Job { key: string | null; size: number; name: string }
function rule(batches: string[][]): BatchRule<Job, string> {
  return {
    key: (j) => j.key,
    size: (j) => j.size,
    run(jobs) {
      batches.push(jobs.map((j) => j.name));
      if (jobs.some((j) => j.name === 'bad')) throw new Error('bad job');
      return jobs.map((j) => j.name.toUpperCase());
    },
  };
}
const job = (name: string, key: string | null = 'g', size = 1): Job => ({ key, size, name });

describe('BatchQueue', () => {
  it('batches waiting jobs with the same key up to the batch size, in order; others run alone', async () => {
    const batches: string[][] = [];
    const q = new BatchQueue(rule(batches), 100, 3);
    const names = ['a', 'b', 'beam', 'c', 'd', 'e', 'other'];
    const jobs = [job('a'), job('b'), job('beam', null), job('c'), job('d'), job('e', 'g', 2), job('other', 'h')];
    const answers = await Promise.all(jobs.map((j) => q.push(j)));
    expect(answers).toEqual(names.map((n) => n.toUpperCase()));
    expect(batches).toEqual([['a', 'b', 'c'], ['beam'], ['d', 'e'], ['other']]);
    expect(q.pending).toBe(0);
  });

  it('refuses a job beyond its capacity (waiting or running) and accepts again once answered', async () => {
    const q = new BatchQueue(rule([]), 2, 8);
    const first = [q.push(job('a')), q.push(job('b'))];
    expect(q.pending).toBe(2);
    expect(() => q.push(job('c'))).toThrow(QueueFullError);
    expect(() => q.push(job('c'))).toThrow('the server is busy: 2 request(s) pending, at most 2; try again later');
    expect(await Promise.all(first)).toEqual(['A', 'B']);
    expect(await q.push(job('c'))).toBe('C');
  });

  it('a failing batch runs again one job at a time: only the bad job fails', async () => {
    const batches: string[][] = [];
    const q = new BatchQueue(rule(batches), 10, 8, 1);
    const answers = await Promise.allSettled([q.push(job('a')), q.push(job('bad')), q.push(job('c'))]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    expect(q.pending).toBe(0);
  });
});
