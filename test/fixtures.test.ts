import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadFixture } from '../tools/fixtures/format.js';
import { runFixture } from '../tools/fixtures/run.js';
import { describeBackends } from './helpers/backends.js';

// The layer cases and the Transformer cases (kept in their own folder).
const DIRS = ['../shared/fixtures/torch', '../shared/fixtures/torch-transformer'];
const missing = DIRS.filter((dir) => !existsSync(dir));
if (missing.length > 0) console.warn(`PyTorch fixtures skipped: ${missing.join(', ')} not found (the project expects ../shared beside it)`);
const files = DIRS.filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f)));

describeBackends('PyTorch fixtures', () => {
  if (files.length === 0) it.skip('needs ../shared/fixtures (not found)', () => {});
  it.each(files)('%s', (file) => {
    const result = runFixture(loadFixture(file));
    expect(result).toMatchObject({ ok: true });
  });
});
