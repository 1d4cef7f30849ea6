import { afterAll, beforeAll, describe } from 'vitest';
import { availableBackends, getBackend, setBackend } from '../../src/backend/registry.js';
import type { BackendName } from '../../src/backend/backend.js';

/**
 * The backends tests run on: the one named by GLIMPSE_BACKEND when set (CI runs the suite once
 * per backend), else every backend that loads here.
 */
export const BACKENDS: BackendName[] = process.env.GLIMPSE_BACKEND
  ? [process.env.GLIMPSE_BACKEND as BackendName]
  : availableBackends();

/**
 * `describe` once per available backend, with that backend selected for the block (and the
 * previous one restored after it).
 */
export function describeBackends(title: string, body: (backend: BackendName) => void): void {
  describe.each(BACKENDS)(`${title} [%s]`, (name) => {
    let previous: BackendName;
    beforeAll(() => {
      previous = getBackend().name;
      setBackend(name);
    });
    afterAll(() => {
      setBackend(previous);
    });
    body(name);
  });
}
