/**
 * Runs a PyTorch reference script of ../shared/reference in the same benchmark run (after
 * glimpse's own measurements, never concurrently), streaming its progress lines, and returns
 * the JSON it wrote; null when /usr/bin/python3 has no torch or the script is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { progress } from './report.js';

export const PYTHON = '/usr/bin/python3';
/** The reference scripts, relative to the project root (where `npm run bench` runs). */
export const REFERENCE_DIR = resolve('../shared/reference');

/** torch's version when the reference can run here, else null (with the reason printed). */
export function torchVersion(): string | null {
  if (!existsSync(PYTHON)) {
    progress(`PyTorch reference skipped: ${PYTHON} not found`);
    return null;
  }
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) {
    progress(`PyTorch reference skipped: ${PYTHON} has no torch (apt-get install -y python3-torch libopenblas0-pthread)`);
    return null;
  }
  return r.stdout.trim();
}

/** Runs `script` with `args` plus `--json TMP`; resolves to the parsed JSON (null on failure). */
export async function runReference(script: string, args: readonly string[]): Promise<unknown> {
  const path = join(REFERENCE_DIR, script);
  if (!existsSync(path)) {
    progress(`PyTorch reference skipped: ${path} not found`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-bench-'));
  const out = join(dir, 'reference.json');
  try {
    const code = await new Promise<number>((done) => {
      const child = spawn(PYTHON, [path, ...args, '--json', out], { cwd: REFERENCE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
      const relay = (chunk: Buffer): void => {
        for (const line of chunk.toString().split('\n')) if (line.trim()) progress(`[pytorch] ${line.trim()}`);
      };
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      child.on('close', (c) => done(c ?? 1));
    });
    if (code !== 0 || !existsSync(out)) {
      progress(`PyTorch reference failed (exit ${code})`);
      return null;
    }
    return JSON.parse(readFileSync(out, 'utf8')) as unknown;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
