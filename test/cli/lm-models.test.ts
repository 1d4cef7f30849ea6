import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-lm-models-'));
const runs = join(dir, 'runs');
const text = join(dir, 'text.txt');
writeFileSync(text, 'the cat sat on the mat and the dog sat on the log\n'.repeat(30));

describe('glimpse train --task lm: the lesson models', () => {
  it.each(['lstm-scratch', 'encdec-attn'])('--model %s trains, generates greedily and with temperature, and evaluates perplexity', (model) => {
    const r = glimpse(['train', '--task', 'lm', '--model', model, '--data', text, '--runs', runs, '--name', model, '--no-progress',
      '--embedding', '8', '--hidden', '16', '--batch-size', '4', '--bptt', '8', '--max-steps', '12', '--eval-every', '12']);
    expect(r.code, r.stderr).toBe(0);
    const run = join(runs, model);
    expect(existsSync(join(run, 'best.safetensors'))).toBe(true);
    for (const temperature of ['0', '0.8']) {
      const g = glimpse(['generate', '--run', run, '--prompt', 'the cat', '--temperature', temperature, '--max-tokens', '6']);
      expect(g.code, g.stderr).toBe(0);
      expect(g.stdout.trim().split(/\s+/).length).toBeGreaterThan(2);
    }
    const ev = glimpse(['eval', '--run', run, '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const { ppl } = JSON.parse(ev.stdout) as { ppl: number };
    // Far below the vocabulary's ~11 words after a few steps on this repetitive text.
    expect(ppl).toBeGreaterThan(1);
    expect(ppl).toBeLessThan(11);
  });
});
