// The fixture runner on Transformer fixtures it was not written against: other sizes, seeds,
// layouts (sequence-first), masks (float, memory_mask), norm placements, activations and pad
// ids, generated here by PyTorch (tools/transformer_fixture_variants.py). Skipped, saying why,
// where /usr/bin/python3 has no torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../tools/fixtures/format.js';
import { runFixture } from '../tools/fixtures/run.js';
import { describeBackends } from './helpers/backends.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
if (!hasTorch) console.warn(`Transformer fixture variants skipped: ${PYTHON} cannot import torch`);
const NAMES = ['dec_prenorm_gelu_seq_first', 'enc_prenorm_relu_odd_heads', 'enc_seq_first_gelu_floatmask', 's2s_batch_first_3_1', 's2s_seq_first_prenorm_gelu'];

describe.skipIf(!hasTorch)('Transformer fixtures of other shapes (made by PyTorch here)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-tfx-'));
  beforeAll(() => {
    const r = spawnSync(PYTHON, ['tools/transformer_fixture_variants.py', dir], { encoding: 'utf8', timeout: 50_000 });
    if (r.status !== 0) throw new Error(`transformer_fixture_variants.py failed: ${r.stderr}`);
    expect(readdirSync(dir).sort()).toEqual(NAMES.map((n) => `${n}.json`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeBackends('runs', () => {
    it.each(NAMES)('%s', (name) => {
      expect(runFixture(loadFixture(join(dir, `${name}.json`)))).toMatchObject({ ok: true });
    });
  });
});

describe('fixture cases by name', () => {
  it('a variant name runs as the case whose name it extends; an unknown one is reported', () => {
    const fx = loadFixture('../shared/fixtures/torch-transformer/transformer_decoder_layer.json');
    expect(runFixture({ ...fx, case: 'transformer_decoder_layer_v2' })).toMatchObject({ ok: true });
    expect(runFixture({ ...fx, case: 'transformer_decoder' })).toEqual({ ok: false, reason: "case 'transformer_decoder' is not implemented" });
  });
});
