import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadFixture } from '../tools/fixtures/format.js';
import { runFixture } from '../tools/fixtures/run.js';
import { describeBackends } from './helpers/backends.js';

const DIR = '../shared/fixtures/torch';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describeBackends('PyTorch fixtures', () => {
  it.each(files)('%s', (file) => {
    const result = runFixture(loadFixture(join(DIR, file)));
    expect(result).toMatchObject({ ok: true });
  });
});
