import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { noGrad } from '../../src/core/grad.js';
import { loadTrainedModel } from '../../src/node.js';
import { glimpse } from '../helpers/cli.js';
import { int64, maxDiff, ort, runOnnx } from '../helpers/ort.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-export-'));
const runs = join(dir, 'runs');

function train(args: string[]): string {
  const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return join(runs, args[args.indexOf('--name') + 1]!);
}

function exportOnnx(run: string, out: string): void {
  const r = glimpse(['export', '--run', run, '--format', 'onnx', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^wrote .*glimpse-onnx\.json to /);
}

interface Manifest {
  family: string;
  graphs: { file: string; inputs: { name: string }[]; outputs: { name: string }[] }[];
  vocabularies: Record<string, { tokens: string[]; specials: Record<string, number> }>;
  decoding?: { start: number; end: number; appendSourceEos: boolean };
  model: Record<string, unknown>;
}

const readManifest = (out: string) => JSON.parse(readFileSync(join(out, 'glimpse-onnx.json'), 'utf8')) as Manifest;

let rev: string;
let lm: string;
beforeAll(() => {
  rev = train(['--task', 'reverse', '--embedding', '16', '--encoder-hidden', '16', '--hidden', '32', '--batch-size', '16', '--min-len', '3', '--max-len', '8', '--max-steps', '200', '--eval-every', '200', '--name', 'rev', '--seed', '1']);
  const text = join(dir, 'text.txt');
  writeFileSync(text, readFileSync('../shared/data/tinyshakespeare/input.txt', 'utf8').split('\n').slice(0, 300).join('\n') + '\n');
  lm = train(['--task', 'lm', '--model', 'gru', '--data', text, '--name', 'lm', '--embedding', '8', '--hidden', '8', '--batch-size', '4', '--max-steps', '4', '--eval-every', '4']);
}, 300_000);

describe('glimpse export --format onnx', () => {
  it('writes the seq2seq graphs and a manifest that names them with the vocabularies and special tokens', () => {
    const out = join(dir, 'rev-onnx');
    exportOnnx(rev, out);
    const m = readManifest(out);
    expect(m.family).toBe('seq2seq');
    expect(m.graphs.map((g) => g.file)).toEqual(['encoder.onnx', 'decoder-step.onnx']);
    for (const g of m.graphs) expect(existsSync(join(out, g.file))).toBe(true);
    expect(m.graphs[1]!.outputs.map((o) => o.name)).toContain('log_probs');
    const vocab = JSON.parse(readFileSync(join(rev, 'vocab.tgt.json'), 'utf8')) as unknown;
    expect(JSON.stringify(vocab)).toContain(JSON.stringify(m.vocabularies.tgt!.tokens[5]));
    expect(m.decoding!.start).toBe(m.vocabularies.tgt!.specials['<bos>']);
    expect(m.decoding!.end).toBe(m.vocabularies.tgt!.specials['<eos>']);
  });

  it.skipIf(!ort)('a greedy translation driven through ONNX Runtime equals glimpse translate', async () => {
    const out = join(dir, 'rev-onnx-2');
    exportOnnx(rev, out);
    const m = readManifest(out);
    const [enc, step] = ['encoder.onnx', 'decoder-step.onnx'].map((f) => new Uint8Array(readFileSync(join(out, f))));
    const inputs = ['abcdefg', 'hijklmn', 'qrstuvw', 'xyz'];
    const expected = glimpse(['translate', '--run', rev, ...inputs]);
    expect(expected.code, expected.stderr).toBe(0);
    const got: string[] = [];
    const { src, tgt } = m.vocabularies as { src: Manifest['vocabularies'][string]; tgt: Manifest['vocabularies'][string] };
    for (const text of inputs) {
      // The reverse task reads characters.
      const ids = [...text].map((ch) => src.tokens.indexOf(ch));
      if (m.decoding!.appendSourceEos) ids.push(src.specials['<eos>']!);
      const e = await runOnnx(enc!, { src: { data: int64(ids), dims: [1, ids.length] }, src_lengths: { data: int64([ids.length]), dims: [1] } });
      const D = e.h!.dims[1]!;
      const feeds: Parameters<typeof runOnnx>[1] = {
        memory: { data: e.memory!.data, dims: [...e.memory!.dims] }, keys: { data: e.keys!.data, dims: [...e.keys!.dims] },
        src_mask: { data: e.src_mask!.data as unknown as Uint8Array, dims: [1, ids.length] }, h: { data: e.h!.data, dims: [1, D] },
        ...(e.c ? { c: { data: e.c.data, dims: [1, D] } } : {}),
        ...(m.model.inputFeeding ? { feed: { data: new Float32Array(D), dims: [1, D] } } : {}),
      };
      let prev = m.decoding!.start;
      const tokens: string[] = [];
      for (let t = 0; t < 50; t++) {
        const r = await runOnnx(step!, { ...feeds, prev_token: { data: int64([prev]), dims: [1] } });
        const logp = r.log_probs!.data;
        prev = logp.indexOf(Math.max(...logp));
        if (prev === m.decoding!.end) break;
        tokens.push(tgt.tokens[prev]!);
        feeds.h = { data: r.h_out!.data, dims: [1, D] };
        if (r.c_out) feeds.c = { data: r.c_out.data, dims: [1, D] };
        if (r.feed_out) feeds.feed = { data: r.feed_out.data, dims: [1, D] };
      }
      got.push(tokens.join(''));
    }
    expect(got.join('\n')).toBe(expected.stdout.trim());
  });

  it.skipIf(!ort)('an exported language model run gives the logits of the loaded run to 1e-4', async () => {
    const out = join(dir, 'lm-onnx');
    exportOnnx(lm, out);
    const m = readManifest(out);
    expect(m.graphs.map((g) => g.file)).toEqual(['lm.onnx']);
    const trained = loadTrainedModel(lm);
    if (trained.kind !== 'lm') throw new Error('expected a language model run');
    const ids = [3, 5, 7, 2, 4, 6];
    const want = noGrad(() => trained.model.forward(tensor(Int32Array.from(ids), { shape: [3, 2] }), null));
    const zeros = { data: new Float32Array(2 * 2 * 8), dims: [2, 2, 8] };
    const got = await runOnnx(new Uint8Array(readFileSync(join(out, 'lm.onnx'))), { ids: { data: int64(ids), dims: [3, 2] }, h0: zeros });
    expect(maxDiff(got.logits!.data, want.logits.data as Float32Array)).toBeLessThan(1e-4);
  });

  it('refuses an unknown format and a missing run in one line each', () => {
    const format = glimpse(['export', '--run', rev, '--format', 'tflite', '--out', join(dir, 'x')]);
    expect(format.code).toBe(2);
    expect(format.stderr.trim()).toMatch(/^error: option '--format <name>' argument 'tflite' is invalid/);
    const missing = glimpse(['export', '--run', join(dir, 'nope'), '--format', 'onnx', '--out', join(dir, 'x')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^glimpse export: /);
  });
});
