import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/node.js';
import { LSTM } from '../../src/nn/index.js';
import { Rng } from '../../src/util/rng.js';

// Talks to PyTorch through tools/torch_safetensors.py (an independent reader/writer on torch
// tensors). Skipped, saying why, where python3 with torch is absent.
// The first interpreter that has torch (Debian's python3-torch lives under /usr/bin/python3).
const candidates = [process.env.GLIMPSE_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
const PYTHON = candidates.find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
const hasTorch = PYTHON !== undefined;
if (!hasTorch) console.warn(`torch interop tests skipped: none of ${candidates.join(', ')} can import torch`);

function python(...args: string[]): string {
  const r = spawnSync(PYTHON!, ['tools/torch_safetensors.py', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch_safetensors.py ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'glimpse-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasTorch)('safetensors interop with PyTorch', () => {
  it('PyTorch reads what glimpse writes', () => {
    const path = join(dir, 'from-glimpse.safetensors');
    const w = randn([3, 4], { rng: new Rng(5) });
    saveSafetensors(path, { 'layer.weight': w, ids: tensor([1, -2, 3], { dtype: 'int32' }), mask: tensor([true, false]), x: tensor([0.1], { dtype: 'float64' }) }, { format: 'pt' });
    const read = JSON.parse(python('read', path)) as Record<string, { dtype: string; shape: number[]; values: unknown[] }>;
    expect(read.__metadata__).toEqual({ format: 'pt' });
    expect(read['layer.weight']).toEqual({ dtype: 'F32', shape: [3, 4], values: [...w.data] });
    expect(read.ids).toEqual({ dtype: 'I32', shape: [3], values: [1, -2, 3] });
    expect(read.mask).toEqual({ dtype: 'BOOL', shape: [2], values: [true, false] });
    expect(read.x).toEqual({ dtype: 'F64', shape: [1], values: [0.1] });
  });

  it('glimpse reads every dtype PyTorch writes', () => {
    const path = join(dir, 'from-torch.safetensors');
    const want = JSON.parse(python('write-sample', path)) as Record<string, { shape: number[]; values: (number | string | boolean)[] }>;
    const { tensors } = loadSafetensors(path);
    for (const [name, w] of Object.entries(want)) {
      if (name === '__metadata__') continue;
      expect(tensors[name]!.shape, name).toEqual(w.shape);
      expect([...tensors[name]!.data], name).toEqual(w.values.map((v) => (v === 'inf' ? Infinity : Number(v))));
    }
    expect(readFileSync(path).equals(readFileSync('test/data/torch_small.safetensors'))).toBe(true);
  });

  it('a PyTorch nn.LSTM state dict loads by name and gives PyTorch\'s outputs', () => {
    const path = join(dir, 'lstm.safetensors');
    python('lstm-sample', path);
    const { tensors } = loadSafetensors(path);
    const weights = Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith('lstm.')).map(([n, t]) => [n.slice(5), t]));
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true });
    lstm.loadStateDict(weights);
    const { output, state } = lstm.forward(tensors.x!);
    const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-5 + 1e-4 * Math.abs(want[i]!)));
    close([...output.data], [...tensors.y!.data]);
    close([...state.h.data], [...tensors.h_n!.data]);
    close([...state.c!.data], [...tensors.c_n!.data]);
  });
});
