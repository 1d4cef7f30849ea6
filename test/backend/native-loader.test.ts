// How glimpse chooses and reports its backend when the native addon is missing, broken or
// misconfigured: it still computes, says once (one line on stderr) which backend it uses and
// why, and an explicit GLIMPSE_BACKEND=native fails with the reason.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_UNAVAILABLE } from './native-helpers.js';

const probe = join(import.meta.dirname, 'fallback-probe.ts');

function run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base.GLIMPSE_BACKEND;
  delete base.GLIMPSE_THREADS;
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const notice = /^glimpse: using the (wasm|js) backend \(native: (.+)\)$/;

describe('native backend loading', () => {
  it('falls back with one informative line when the addon file is missing or is not an addon', () => {
    const bogus = join(tmpdir(), `glimpse-bogus-${process.pid}.node`);
    writeFileSync(bogus, 'not a shared library');
    for (const [addon, reason] of [[join(tmpdir(), 'no-such-addon.node'), /Cannot find module/], [bogus, /bogus/]] as const) {
      const r = run({ GLIMPSE_NATIVE_ADDON: addon });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).product).toEqual([[7, 10], [15, 22]]);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('glimpse:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(notice);
      expect(lines[0]!.match(notice)![2]).toMatch(reason);
    }
  });

  it('an explicit GLIMPSE_BACKEND=native that cannot load is an error naming the reason', () => {
    const r = run({ GLIMPSE_BACKEND: 'native', GLIMPSE_NATIVE_ADDON: join(tmpdir(), 'no-such-addon.node') });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/backend "native" is not available: .*Cannot find module/);
  });

  it('a malformed GLIMPSE_THREADS is an error, not ignored', () => {
    const r = run({ GLIMPSE_THREADS: 'lots' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/GLIMPSE_THREADS must be .*, got "lots"/);
  });

  it.skipIf(NATIVE_UNAVAILABLE !== null)('is chosen by default when built, silently, with GLIMPSE_THREADS threads', () => {
    const r = run({ GLIMPSE_THREADS: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ backend: 'native', threads: 1, product: [[7, 10], [15, 22]] });
    expect(r.stderr).not.toMatch(/glimpse:/);
  });
});
