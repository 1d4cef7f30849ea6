import { afterAll, beforeAll, describe } from 'vitest';
import { availableBackends, getBackend, setBackend } from '../../src/backend/registry.js';
import type { BackendName } from '../../src/backend/backend.js';

/** Every backend that loads here: tests parameterised over backends run once per entry. */
export const BACKENDS: BackendName[] = availableBackends();

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
