import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import type { Tensor } from '../../src/core/tensor.js';
import { loadSafetensors, saveSafetensors } from '../../src/node.js';
import { glimpse } from '../helpers/cli.js';

// glimpse export --format safetensors --dtype and glimpse average: new run folders that
// translate and eval use as the run itself.
const dir = mkdtempSync(join(tmpdir(), 'glimpse-weights-'));
const runs = join(dir, 'runs');
const rev = join(runs, 'rev');
const INPUTS = ['abcdefg', 'hijklmn', 'qrstuvw', 'xyz', 'aabbcc'];

/** The tensors of a safetensors file as plain arrays, by name. */
const arrays = (file: string): Record<string, number[]> =>
  Object.fromEntries(Object.entries(loadSafetensors(file).tensors).map(([k, t]) => [k, Array.from(t.data)]));

function ok(args: string[]): string {
  const r = glimpse(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

function refused(args: string[], code: number): string {
  const r = glimpse(args);
  expect(r.code, r.stdout).toBe(code);
  expect(r.stderr.trim().split('\n')[0]).toMatch(/^glimpse (export|average): /);
  return r.stderr.trim();
}

beforeAll(() => {
  ok(['train', '--runs', runs, '--no-progress', '--task', 'reverse', '--embedding', '16', '--encoder-hidden', '16', '--hidden', '32',
    '--batch-size', '16', '--min-len', '3', '--max-len', '8', '--max-steps', '240', '--eval-every', '120', '--save-every', '40',
    '--keep-checkpoints', '3', '--name', 'rev', '--seed', '1']);
}, 300_000);

describe('glimpse train --keep-checkpoints', () => {
  it('keeps the weights of the last N saved checkpoints and removes older ones', () => {
    expect(readdirSync(rev).filter((f) => f.startsWith('step-')).sort()).toEqual(['step-160.safetensors', 'step-200.safetensors', 'step-240.safetensors']);
    expect(arrays(join(rev, 'step-240.safetensors'))).toEqual(arrays(join(rev, 'last.safetensors')));
  });
});

describe('glimpse export --format safetensors', () => {
  it('writes a new run with f16 weights in about half the bytes that translates exactly as the run', () => {
    const out = join(dir, 'rev-f16');
    expect(ok(['export', '--run', rev, '--format', 'safetensors', '--dtype', 'f16', '--out', out])).toMatch(/^wrote config\.json, vocab\.src\.json, vocab\.tgt\.json, best\.safetensors to /);
    const half = loadSafetensors(join(out, 'best.safetensors'));
    expect(new Set(Object.values(half.dtypes))).toEqual(new Set(['F16']));
    expect(half.metadata.dtype).toBe('f16');
    const ratio = statSync(join(out, 'best.safetensors')).size / statSync(join(rev, 'best.safetensors')).size;
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
    expect(ok(['translate', '--run', out, ...INPUTS])).toBe(ok(['translate', '--run', rev, ...INPUTS]));
    // bf16 (8 significant bits) loads and translates too; f32 is an exact copy.
    const bf = join(dir, 'rev-bf16');
    ok(['export', '--run', rev, '--format', 'safetensors', '--dtype', 'bf16', '--out', bf]);
    expect(ok(['translate', '--run', bf, ...INPUTS]).trim().split('\n')).toHaveLength(INPUTS.length);
    const f32 = join(dir, 'rev-f32');
    ok(['export', '--run', rev, '--format', 'safetensors', '--out', f32]);
    expect(arrays(join(f32, 'best.safetensors'))).toEqual(arrays(join(rev, 'best.safetensors')));
  });

  it('refuses the run itself, a training run, earlier files without --force, and --dtype with onnx', () => {
    const args = ['export', '--run', rev, '--format', 'safetensors', '--dtype', 'f16', '--out'];
    expect(refused([...args, rev], 2)).toBe(`glimpse export: --out ${rev} is the run it is made from; choose a new folder`);
    const other = join(dir, 'other-run');
    mkdirSync(other);
    writeFileSync(join(other, 'checkpoint.safetensors'), '');
    expect(refused([...args, other], 2)).toMatch(/--out .*other-run holds a training run \(checkpoint\.safetensors\); glimpse never writes over one/);
    const again = join(dir, 'again');
    ok([...args, again]);
    expect(refused([...args, again], 2)).toMatch(/--out .*again already holds config\.json, vocab\.src\.json, vocab\.tgt\.json, best\.safetensors; pass --force to replace them$/);
    ok([...args, again, '--force']);
    expect(refused(['export', '--run', rev, '--format', 'onnx', '--dtype', 'f16', '--out', join(dir, 'onnx')], 2))
      .toBe('glimpse export: --dtype applies to --format safetensors, not onnx: the ONNX graphs are written in float32');
  });
});

describe('glimpse average', () => {
  it('averages the last N kept checkpoints elementwise into a run that translates and evaluates', () => {
    const out = join(dir, 'rev-avg');
    expect(ok(['average', '--run', rev, '--last', '2', '--out', out])).toMatch(/^averaged 2 checkpoints into /);
    const a = loadSafetensors(join(rev, 'step-200.safetensors')).tensors;
    const b = loadSafetensors(join(rev, 'step-240.safetensors')).tensors;
    const mean = loadSafetensors(join(out, 'best.safetensors'));
    expect(JSON.parse(mean.metadata.averaged_from!)).toEqual([join(rev, 'step-200.safetensors'), join(rev, 'step-240.safetensors')]);
    for (const [name, t] of Object.entries(mean.tensors)) {
      expect(Array.from(t.data), name).toEqual(Array.from(a[name]!.data, (x, i) => Math.fround((x + b[name]!.data[i]!) / 2)));
    }
    expect(ok(['translate', '--run', out, ...INPUTS]).trim().split('\n')).toHaveLength(INPUTS.length);
    expect(ok(['eval', '--run', out, '--json'])).toMatch(/"exact"/);
  });

  it('gives back a single checkpoint as it is', () => {
    const out = join(dir, 'rev-one');
    ok(['average', '--run', rev, '--files', join(rev, 'step-240.safetensors'), '--out', out]);
    expect(arrays(join(out, 'best.safetensors'))).toEqual(arrays(join(rev, 'step-240.safetensors')));
  });

  it('refuses mismatched checkpoints listing every mismatch, and more checkpoints than the run keeps', () => {
    const good = loadSafetensors(join(rev, 'step-240.safetensors')).tensors;
    const names = Object.keys(good);
    const bad: Record<string, Tensor> = { ...good, 'extra.weight': tensor([1, 2]) };
    delete bad[names[0]!];
    bad[names[1]!] = tensor([1, 2, 3]);
    const badFile = join(dir, 'bad.safetensors');
    saveSafetensors(badFile, bad);
    const first = join(rev, 'step-240.safetensors');
    const message = refused(['average', '--run', rev, '--files', first, badFile, '--out', join(dir, 'never')], 1);
    expect(message.split('\n')).toEqual([
      'glimpse average: cannot average: the checkpoints do not hold the same tensors (3 mismatches):',
      `  "${names[1]}" is [3] in ${badFile} but [${good[names[1]!]!.shape.join(', ')}] in ${first}`,
      `  ${badFile} has "extra.weight", which ${first} lacks`,
      `  ${badFile} lacks "${names[0]}", which ${first} has`,
    ]);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect(refused(['average', '--run', rev, '--last', '4', '--out', join(dir, 'never')], 2))
      .toBe(`glimpse average: --last 4: ${rev} keeps 3 step checkpoints (160, 200, 240); train it with --keep-checkpoints 4 or more, or pass --files`);
  });
});
