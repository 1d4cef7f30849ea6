import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randn, tensor } from '../../src/core/create.js';
import { loadModel, loadSafetensors, saveModel, saveSafetensors, writeFileAtomic } from '../../src/io/node.js';
import { LSTM, type RNNConfig } from '../../src/nn/index.js';
import { GlimpseError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('safetensors files (Node)', () => {
  it('saves and loads tensors, leaving no temporary file behind', () => {
    const path = join(dir, 'a.safetensors');
    saveSafetensors(path, { w: tensor([[1, 2]]), n: tensor([3], { dtype: 'int32' }) }, { step: '7' });
    saveSafetensors(path, { w: tensor([[5, 6]]) }); // overwrite in place
    expect(readdirSync(dir)).toEqual(['a.safetensors']);
    const { tensors, metadata } = loadSafetensors(path);
    expect(tensors.w!.toArray()).toEqual([[5, 6]]);
    expect(metadata).toEqual({});
  });

  it('names the file when it is missing or corrupt', () => {
    expect(() => loadSafetensors(join(dir, 'nope.safetensors'))).toThrow(/^weights file .*nope\.safetensors does not exist$/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expect(() => loadSafetensors(bad)).toThrow(GlimpseError);
    expect(() => loadSafetensors(bad)).toThrow(/bad\.safetensors: header size 200 goes beyond the end of the file/);
  });

  it('reports a write into a missing folder as a GlimpseError and leaves nothing', () => {
    expect(() => writeFileAtomic(join(dir, 'no/such/dir/x.bin'), 'x')).toThrow(/writeFileAtomic: could not write/);
  });

  it('saves a model folder and rebuilds the same model from it', () => {
    const config: RNNConfig = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true };
    const lstm = new LSTM(config, { rng: new Rng(1) });
    saveModel(join(dir), lstm, lstm.config, { note: 'test' });
    const { tensors, config: saved, metadata } = loadModel(dir);
    expect(metadata).toEqual({ format: 'pt', note: 'test' });
    const again = new LSTM(saved as RNNConfig, { rng: new Rng(2) });
    again.loadStateDict(tensors);
    const x = randn([2, 5, 3], { rng: new Rng(3) });
    expect(again.forward(x).output.toArray()).toEqual(lstm.forward(x).output.toArray());
  });
});
