/**
 * Runs the PyTorch reference's Python (`/usr/bin/python3` with torch, see ../shared/reference/README.md)
 * for cross-checks; tests skip cleanly where it is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export const REFERENCE_DIR = resolve(HERE, '../../../shared/reference');
export const SHARED_DATA = resolve(HERE, '../../../shared/data');
const PYTHON = '/usr/bin/python3';

let available: boolean | undefined;

/** True when the reference's Python and `common.py` (which imports torch) can run here. */
export function referencePythonAvailable(): boolean {
  if (available === undefined) {
    available = existsSync(PYTHON) && existsSync(resolve(REFERENCE_DIR, 'common.py')) &&
      spawnSync(PYTHON, ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import common', REFERENCE_DIR], {
        input: '', timeout: 60_000, encoding: 'utf8', env: { ...process.env }, cwd: REFERENCE_DIR,
      }).status === 0;
  }
  return available;
}

/** Runs `script` with `common` importable; `input` goes to stdin as JSON, stdout is parsed as JSON. */
export function runReferencePython<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', `import sys, json; sys.path.insert(0, ${JSON.stringify(REFERENCE_DIR)}); import common\n${script}`], {
    input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000, cwd: REFERENCE_DIR,
  });
  if (r.status !== 0) throw new Error(`reference python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** True when ../shared/data is here (the W1/W2 count checks read it). */
export const sharedDataAvailable = existsSync(resolve(SHARED_DATA, 'multi30k', 'train.en'));
