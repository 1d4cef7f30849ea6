import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadFixture } from '../tools/fixtures/format.js';
import { runFixture } from '../tools/fixtures/run.js';
import { describeBackends } from './helpers/backends.js';

// The layer cases and the Transformer cases (kept in their own folder).
const DIRS = ['../shared/fixtures/torch', '../shared/fixtures/torch-transformer'];
const files = DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f)));

describeBackends('PyTorch fixtures', () => {
  it.each(files)('%s', (file) => {
    const result = runFixture(loadFixture(file));
    expect(result).toMatchObject({ ok: true });
  });
});
