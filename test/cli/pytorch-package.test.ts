import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';
import { referencePythonAvailable } from '../helpers/python.js';

// glimpse export --format pytorch → (torchrun train_ddp.py) → glimpse import: the model file
// computes glimpse's loss with glimpse's weights, DDP training on 2 gloo processes comes back
// as a run folder, and what does not fit is refused naming every mismatch.
const dir = mkdtempSync(join(tmpdir(), 'glimpse-pytorch-'));
const runs = join(dir, 'runs');
const PYTHON = '/usr/bin/python3';
const hasTorch = referencePythonAvailable();
if (!hasTorch) console.warn('PyTorch package tests skipped: /usr/bin/python3 with torch is not here (apt-get install -y python3-torch)');

const tiny = {
  task: 'reverse',
  data: { trainSize: 200, validSize: 40, testSize: 40, minLen: 3, maxLen: 8, batchSize: 16 },
  model: { embeddingSize: 8, encoderHidden: 8, decoderHidden: 16, attentionSize: 12, dropout: 0.1 },
  train: { maxSteps: 3, evalEvery: 3, seed: 3 },
};

function ok(args: string[]): string {
  const r = glimpse(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const text = join(dir, 'text.txt');
writeFileSync(text, 'the cat sat on the mat and the dog sat on the log\n'.repeat(60));
const LM_FLAGS = ['--task', 'lm', '--data', text, '--embedding', '8', '--hidden', '16', '--batch-size', '4', '--bptt', '8', '--max-steps', '3', '--eval-every', '3'];

/** A trained tiny run with `model` settings over the tiny config, exported to a package; returns the package folder. */
function exported(name: string, model: Record<string, unknown>): string {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ ...tiny, model: { ...tiny.model, ...model } }));
  return exportedRun(name, ['--config', config]);
}

/** A tiny run trained with `flags`, exported to a package. */
function exportedRun(name: string, flags: string[]): string {
  ok(['train', ...flags, '--runs', runs, '--name', name, '--no-progress']);
  const pkg = join(dir, `${name}-torch`);
  expect(ok(['export', '--run', join(runs, name), '--format', 'pytorch', '--out', pkg])).toMatch(/^wrote glimpse_model\.py, train_ddp\.py, model\.json, weights\.safetensors, data\/train\.jsonl?, data\/check\.jsonl?, glimpse-run\/config\.json/);
  return pkg;
}

/** PyTorch's loss on the check batch with the package's starting weights, saved back as out/ (what train_ddp.py would write after 0 steps). */
function torchCheck(pkg: string): number {
  const script = `
import json, os, sys, torch
sys.path.insert(0, sys.argv[1])
from glimpse_model import build_model, load_safetensors, save_safetensors, make_batch, batch_loss, read_examples, lm_check_loss
pkg = sys.argv[1]
spec = json.load(open(os.path.join(pkg, 'model.json')))
model = build_model(spec)
model.load_state_dict(load_safetensors(os.path.join(pkg, 'weights.safetensors')))
model.eval()
with torch.no_grad():
    if spec['kind'] == 'lm-rnn':
        loss = lm_check_loss(model, json.load(open(os.path.join(pkg, 'data', 'check.json')))).item()
    else:
        loss = batch_loss(model, make_batch(read_examples(os.path.join(pkg, 'data', 'check.jsonl')), spec['ids']), spec['ids']).item()
os.makedirs(os.path.join(pkg, 'out'), exist_ok=True)
save_safetensors(os.path.join(pkg, 'out', 'model.safetensors'), model.state_dict())
json.dump({'loss': loss}, open(os.path.join(pkg, 'out', 'check.json'), 'w'))
print(json.dumps(loss))
`;
  const r = spawnSync(PYTHON, ['-c', script, pkg], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as number;
}

describe.skipIf(!hasTorch)('glimpse export --format pytorch', () => {
  // Every attention kind the module reproduces, both cells, each bridge, input feeding on and off, deeper and one-way encoders, tied weights.
  const variants: [string, Record<string, unknown>][] = [
    ['luong-general', { attention: 'luong-general', inputFeeding: true, bridge: 'concat' }],
    ['luong-dot-lstm', { attention: 'luong-dot', cell: 'lstm', inputFeeding: false, bridge: 'concat' }],
    ['luong-concat', { attention: 'luong-concat', bridge: 'tanh-linear', encoderLayers: 2 }],
    ['bahdanau', { attention: 'bahdanau', attentionBias: true, cell: 'lstm', bidirectional: false, bridge: 'tanh-linear' }],
    ['none', { attention: 'none', bridge: 'zeros', embeddingSize: 16, tieWeights: true }],
  ];
  it.each(variants)('%s: PyTorch\'s loss with the exported weights is glimpse\'s, and import brings the weights back', (name, model) => {
    const pkg = exported(name, model);
    const loss = torchCheck(pkg);
    expect(Number.isFinite(loss)).toBe(true);
    const out = ok(['import', '--from', pkg, '--run', join(dir, `${name}-back`)]);
    const m = /^loss on (\d+) check examples: glimpse (\S+), PyTorch (\S+) /.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBe(tiny.data.validSize < 32 ? tiny.data.validSize : 32);
    expect(Math.abs(Number(m![2]) - loss)).toBeLessThan(1e-5 + 1e-5 * loss);
    const inputs = ['abc', 'hello', 'xyzzy'];
    expect(ok(['translate', '--run', join(dir, `${name}-back`), ...inputs])).toBe(ok(['translate', '--run', join(runs, name), ...inputs]));
  }, 120_000);

  // Language models: both cells, with and without the causal attention, stepped cells (same names), tied weights.
  const lms: [string, string[]][] = [
    ['lm-lstm-attn', ['--model', 'lstm-attn']],
    ['lm-gru', ['--model', 'gru', '--layers', '1']],
    ['lm-scratch-tied', ['--model', 'lstm-scratch', '--embedding', '16', '--tie-weights']],
  ];
  it.each(lms)('%s: PyTorch\'s loss on the check window is glimpse\'s, and import brings the weights back', (name, flags) => {
    const pkg = exportedRun(name, [...LM_FLAGS, ...flags]);
    const loss = torchCheck(pkg);
    const back = join(dir, `${name}-back`);
    const out = ok(['import', '--from', pkg, '--run', back]);
    const m = /^loss on 32 check tokens: glimpse (\S+), PyTorch (\S+) /.exec(out);
    expect(m, out).not.toBeNull();
    expect(Math.abs(Number(m![1]) - loss)).toBeLessThan(1e-5 + 1e-5 * loss);
    const gen = ['generate', '--prompt', 'the cat', '--max-tokens', '6', '--temperature', '0'];
    expect(ok([...gen, '--run', back])).toBe(ok([...gen, '--run', join(runs, name)]));
  }, 120_000);

  it('runs under torchrun with DistributedDataParallel on 2 gloo processes, and glimpse reproduces the loss PyTorch recorded', () => {
    const pkg = exported('ddp', { attention: 'luong-general', inputFeeding: true, bridge: 'concat', dropout: 0 });
    const before = readFileSync(join(pkg, 'weights.safetensors'));
    // --redirects/--tee: torch 1.13's torchrun needs them on Python 3.11 (its default of 0 is not read there).
    const r = spawnSync('torchrun', ['--redirects', '1', '--tee', '1', '--standalone', '--nproc_per_node', '2', join(pkg, 'train_ddp.py'), '--max-steps', '20', '--batch-size', '8', '--lr', '0.01', '--log-every', '5'], {
      encoding: 'utf8', timeout: 300_000, env: { ...process.env, GLOO_SOCKET_IFNAME: 'lo', OMP_NUM_THREADS: '1' },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('train_ddp: 2 processes (gloo), 200 examples, 13 steps per epoch of 2 x 8 examples');
    expect(r.stdout).toMatch(/train_ddp: 20 steps in /);
    const recorded = JSON.parse(readFileSync(join(pkg, 'out', 'check.json'), 'utf8')) as { loss: number; world_size: number; steps: number; backend: string };
    expect(recorded).toMatchObject({ world_size: 2, steps: 20, backend: 'gloo' });
    expect(readFileSync(join(pkg, 'out', 'model.safetensors')).equals(before)).toBe(false);
    const back = join(dir, 'ddp-back');
    const out = ok(['import', '--from', pkg, '--run', back]);
    const glimpseLoss = Number(/glimpse (\S+),/.exec(out)![1]);
    expect(Math.abs(glimpseLoss - recorded.loss)).toBeLessThan(1e-5 + 1e-5 * recorded.loss);
    // The imported run is a run like any other: eval scores it; its loss moved from the exported run's.
    expect(ok(['eval', '--run', back])).toMatch(/^exact /m);
    const valid = (run: string) => Number(/^loss +(\S+)$/m.exec(ok(['eval', '--run', run]))![1]);
    expect(valid(back)).not.toBeCloseTo(valid(join(runs, 'ddp')), 3);
  }, 400_000);

  it('trains a language model under torchrun on 2 processes, each on its half of the token stream', () => {
    const pkg = exportedRun('lm-ddp', [...LM_FLAGS, '--model', 'lstm', '--dropout', '0']);
    const r = spawnSync('torchrun', ['--redirects', '1', '--tee', '1', '--standalone', '--nproc_per_node', '2', join(pkg, 'train_ddp.py'), '--epochs', '2', '--lr', '0.01'], {
      encoding: 'utf8', timeout: 300_000, env: { ...process.env, GLOO_SOCKET_IFNAME: 'lo', OMP_NUM_THREADS: '1' },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train_ddp: 2 processes \(gloo\), \d+ tokens, 12 steps per epoch of 2 x 4 streams x 8 tokens/);
    expect(r.stdout).toMatch(/train_ddp: 24 steps in /);
    const recorded = JSON.parse(readFileSync(join(pkg, 'out', 'check.json'), 'utf8')) as { loss: number };
    const out = ok(['import', '--from', pkg, '--run', join(dir, 'lm-ddp-back')]);
    expect(Math.abs(Number(/glimpse (\S+),/.exec(out)![1]) - recorded.loss)).toBeLessThan(1e-5 + 1e-5 * recorded.loss);
  }, 400_000);

  it('lists every mismatch of weights that do not fit the run\'s model, and writes nothing', () => {
    const pkg = exported('mismatch', { attention: 'luong-general', bridge: 'concat' });
    const script = `
import sys; sys.path.insert(0, sys.argv[1])
from glimpse_model import load_safetensors, save_safetensors
t = load_safetensors(sys.argv[1] + '/weights.safetensors')
t['decoder.weight_hh_extra'] = t.pop('decoder.weight_hh')
t['out.bias'] = t['out.bias'][:-1]
save_safetensors(sys.argv[2], t)
`;
    const bad = join(dir, 'bad.safetensors');
    expect(spawnSync(PYTHON, ['-c', script, pkg, bad], { encoding: 'utf8' }).status).toBe(0);
    const back = join(dir, 'mismatch-back');
    const r = glimpse(['import', '--from', pkg, '--run', back, '--weights', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`glimpse import: ${bad} does not fit the run's model (3 mismatches):`);
    expect(r.stderr).toContain('unexpected: decoder.weight_hh_extra [48, 16] is not a parameter of the run\'s model');
    expect(r.stderr).toMatch(/shape: out\.bias is \[\d+\] in the file, \[\d+\] in the model/);
    expect(r.stderr).toContain('missing: decoder.weight_hh [48, 16]');
    expect(existsSync(back)).toBe(false);
  }, 120_000);

  it('refuses a check loss glimpse does not reproduce', () => {
    const pkg = exported('tampered', { attention: 'luong-dot', bridge: 'concat' });
    mkdirSync(join(pkg, 'out'), { recursive: true });
    copyFileSync(join(pkg, 'weights.safetensors'), join(pkg, 'out', 'model.safetensors'));
    writeFileSync(join(pkg, 'out', 'check.json'), JSON.stringify({ loss: 0.5 }));
    const r = glimpse(['import', '--from', pkg, '--run', join(dir, 'tampered-back')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/glimpse computes loss \d+\.\d{6} on data\/check\.jsonl, PyTorch recorded 0\.500000 in .*check\.json; the weights do not mean the same model on both sides/);
  }, 120_000);
});

describe('glimpse export --format pytorch: what it refuses', () => {
  it('Transformers, the encoder–decoder LM and multi-head attention, each in one line saying why', () => {
    const dataOnly = join(dir, 'data-only.json');
    writeFileSync(dataOnly, JSON.stringify({ task: 'reverse', data: tiny.data, train: { maxSteps: 1, evalEvery: 1 } }));
    const cases: [string[], RegExp][] = [
      [['--arch', 'transformer', '--d-model', '8', '--heads', '2', '--feedforward', '16', '--layers', '1'], /this run is --arch transformer \(use --format onnx to run it elsewhere\)/],
      [['--attention', 'multi-head', '--heads', '2', '--embedding', '8', '--encoder-hidden', '8', '--hidden', '16'], /multi-head source attention is not in the PyTorch module yet \(this run's attention is multi-head\)/],
    ];
    const lmBase = ['--task', 'lm', '--data', text, '--batch-size', '4', '--bptt', '8', '--max-steps', '1', '--eval-every', '1'];
    const lmCases: [string, string[], string][] = [
      ['transformer', ['--d-model', '8', '--heads', '2', '--feedforward', '16', '--layers', '1'], 'a Transformer language model'],
      ['encdec-attn', ['--embedding', '8', '--hidden', '16'], 'the lesson\'s encoder–decoder language model'],
    ];
    for (const [model, flags, what] of lmCases) {
      ok(['train', ...lmBase, ...flags, '--model', model, '--runs', runs, '--name', `refused-${model}`, '--no-progress']);
      const lm = glimpse(['export', '--run', join(runs, `refused-${model}`), '--format', 'pytorch', '--out', join(dir, `refused-${model}-torch`)]);
      expect(lm.code).toBe(1);
      expect(lm.stderr.trim()).toBe(`glimpse export: glimpse export --format pytorch writes recurrent runs (--arch rnn); this run is ${what} (use --format onnx to run it elsewhere)`);
    }
    for (const [i, [flags, why]] of cases.entries()) {
      ok(['train', '--config', dataOnly, ...flags, '--runs', runs, '--name', `refused-${i}`, '--no-progress']);
      const r = glimpse(['export', '--run', join(runs, `refused-${i}`), '--format', 'pytorch', '--out', join(dir, `refused-${i}-torch`)]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^glimpse export: glimpse export --format pytorch writes recurrent runs \(--arch rnn\); /);
      expect(r.stderr).toMatch(why);
    }
  }, 120_000);

  it('import of a folder that is not a package names what is missing', () => {
    const r = glimpse(['import', '--from', dir, '--run', join(dir, 'nothing')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`glimpse import: ${dir} is not a glimpse PyTorch package: it has no glimpse-run/config.json (glimpse export --format pytorch makes one)`);
  });
});
