import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { siteDtype, withRunNote } from '../../src/cli/explore-site.js';
import { tensor } from '../../src/index.js';
import { glimpse } from '../helpers/cli.js';

// glimpse explore --out: where it may write, and the weights' format it picks. (The sites
// themselves are opened in Chromium by test/web/explore-site.test.ts.)
const dir = mkdtempSync(join(tmpdir(), 'glimpse-explore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let trained: string | null = null;
function run(): string {
  if (trained) return trained;
  const r = glimpse(['train', '--task', 'copy', '--runs', join(dir, 'runs'), '--name', 'copy', '--no-progress', '--embedding', '8', '--encoder-hidden', '8',
    '--hidden', '16', '--batch-size', '8', '--min-len', '2', '--max-len', '5', '--max-steps', '4', '--eval-every', '4']);
  expect(r.code, r.stderr).toBe(0);
  trained = join(dir, 'runs', 'copy');
  return trained;
}

describe('glimpse explore --out', () => {
  it('writes into a new or empty folder; an earlier site only with --force; never a run or a folder of other files, which stay as they were', () => {
    const site = join(dir, 'site');
    const first = glimpse(['explore', '--run', run(), '--out', site, '--dtype', 'bf16']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/weights bf16, /);
    expect(readdirSync(site).sort()).toEqual(expect.arrayContaining(['_headers', 'assets', 'index.html', 'run']));
    expect(readdirSync(join(site, 'run')).sort()).toEqual(['best.safetensors', 'config.json', 'summary.json', 'vocab.src.json', 'vocab.tgt.json']);
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toMatch(/<script type="application\/json" id="glimpse-site-run">\{"folder":"run","name":"copy","files":\[/);

    const again = glimpse(['explore', '--run', run(), '--out', site]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`glimpse explore: --out ${site} already holds a glimpse site; pass --force to replace it`);
    const forced = glimpse(['explore', '--run', run(), '--out', site, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/weights f16, /);

    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const refused = glimpse(['explore', '--run', run(), '--out', other, '--force']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`glimpse explore: --out ${other} is not empty and holds no earlier glimpse site; choose an empty or new folder`);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');

    const intoRun = glimpse(['explore', '--run', run(), '--out', run()]);
    expect(intoRun.code).toBe(2);
    expect(intoRun.stderr).toMatch(/is the run itself; choose a new folder/);
    const missing = glimpse(['explore', '--run', join(dir, 'nope'), '--out', join(dir, 'site2')]);
    expect(missing.code).toBe(1); // as every command that reads a run
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope/);
  }, 120_000);

  it('picks f16 when every weight fits a half, f32 when one would overflow or is not finite', () => {
    const w = (values: number[]) => ({ weight: tensor(values) });
    expect(siteDtype(w([0.5, -65504, 3e-8]))).toBe('f16');
    expect(siteDtype(w([0.5, 70_000]))).toBe('f32');
    expect(siteDtype(w([0.5, Number.NaN]))).toBe('f32');
  });

  it('escapes "<" in the note, so no run name can end its script element', () => {
    const html = withRunNote('<html><head><title>x</title></head><body></body></html>', { folder: 'run', name: '</script><b>', files: ['config.json'] });
    expect(html).toContain('"name":"\\u003c/script>\\u003cb>"');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
});
