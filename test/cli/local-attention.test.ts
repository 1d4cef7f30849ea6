import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-local-'));
const runs = join(dir, 'runs');

/** A tiny reverse task (sources of 4–8 letters, wider than a window of D = 2), 60 steps. */
const tiny = {
  task: 'reverse',
  data: { trainSize: 400, validSize: 60, testSize: 60, minLen: 4, maxLen: 8, batchSize: 16 },
  model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 16 },
  train: { maxSteps: 60, evalEvery: 20, logEvery: 10, lr: 0.01, seed: 5 },
};
const config = join(dir, 'tiny.json');
writeFileSync(config, JSON.stringify(tiny));

describe('glimpse train --attention local-p / local-m', () => {
  it('trains a tiny reversal model with local-p attention whose validation loss falls, and draws its attention', () => {
    const r = glimpse(['train', '--config', config, '--attention', 'local-p', '--attention-window', '2', '--runs', runs, '--name', 'lp', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const run = join(runs, 'lp');
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).run.model).toMatchObject({ attention: 'local-p', attentionWindow: 2 });
    const evals = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'eval');
    const losses = evals.map((e) => e.metrics.loss as number);
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]! - 0.2);
    const png = join(dir, 'lp.png');
    const t = glimpse(['translate', '--run', run, 'abcdefg', '--visualize', png]);
    expect(t.code, t.stderr).toBe(0);
    expect(existsSync(png)).toBe(true);
  }, 180_000); // a training process and a translation process, on a loaded machine

  it('refuses --attention-window for an attention kind without a window, naming the kinds that have one', () => {
    const r = glimpse(['train', '--config', config, '--attention', 'luong-general', '--attention-window', '3', '--runs', runs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--attention-window applies to the attention kinds that use attentionWindow \(local-m, local-p\), not luong-general/);
  });
});
