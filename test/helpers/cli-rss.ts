import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliResult } from './cli.js';

const BIN = resolve('dist/cli/main.js');
const PRELOAD = resolve('test/helpers/peak-rss.mjs');

/**
 * Runs the built `glimpse` like {@link glimpse} and also reports the child's peak resident
 * memory (process.resourceUsage().maxRSS, written at exit by a preloaded module), in MiB.
 * A child killed by the timeout reports code -1 and no peak.
 */
export function glimpseWithPeakRss(args: string[], options: { input?: string; timeout?: number } = {}): CliResult & { peakMiB: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-rss-'));
  const file = join(dir, 'peak');
  try {
    const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], {
      input: options.input ?? '',
      env: { ...process.env, NO_COLOR: '1', GLIMPSE_PEAK_RSS_FILE: file },
      encoding: 'utf8',
      timeout: options.timeout ?? 60_000,
    });
    let peakMiB: number | null = null;
    try {
      peakMiB = Number(readFileSync(file, 'utf8')) / 2 ** 20;
    } catch {
      // killed before it could write
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, peakMiB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
