/**
 * Transformer runs from the command line as a new user meets them: `--arch transformer` on a
 * synthetic task and `--task lm --model transformer` train, record their flags under the
 * model's own keys, translate / generate / eval exactly as RNN runs do, draw every layer and
 * head, refuse flags of the other architecture in one line, and save weights that PyTorch's
 * nn.Transformer loads by name.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';
import { referencePythonAvailable, runReferencePython } from '../helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-transformer-'));
const runs = join(dir, 'runs');
const config = (name: string) => JSON.parse(readFileSync(join(runs, name, 'config.json'), 'utf8')).run;
const isPng = (file: string) => existsSync(file) && readFileSync(file).subarray(1, 4).toString() === 'PNG';
const lines = (s: string) => s.trim().split('\n');

/** A tiny reverse Transformer: 2 layers each side, 2 heads, pre-norm, learned positions. */
const TINY = [
  '--task', 'reverse', '--arch', 'transformer', '--runs', runs, '--no-progress', '--d-model', '16', '--heads', '2', '--layers', '2',
  '--feedforward', '32', '--norm', 'pre', '--positional', 'learned', '--positions', '24', '--batch-size', '16', '--min-len', '2', '--max-len', '6',
];

function train(args: string[]): void {
  const r = glimpse(['train', ...args]);
  expect(r.code, r.stderr).toBe(0);
}

describe('glimpse with --arch transformer', () => {
  beforeAll(() => {
    train([...TINY, '--name', 'rev', '--max-steps', '12', '--eval-every', '12']);
  });

  it('records the Transformer flags under the model\'s keys and the recipe flags under train and objective', () => {
    const c = config('rev');
    expect(c.model).toMatchObject({
      arch: 'transformer', dModel: 16, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, normFirst: true,
      positional: 'learned', maxLen: 24,
    });
    // The reverse preset's recipe: Adam β₂ 0.98, warm-up then 1/√step, label smoothing 0.1.
    expect(c.train).toMatchObject({ betas: [0.9, 0.98], schedule: 'warmup-invsqrt' });
    expect(c.objective.labelSmoothing).toBe(0.1);
  });

  it('translates greedily and with beam search, evaluates, and draws every layer and head', () => {
    const greedy = glimpse(['translate', '--run', join(runs, 'rev'), 'abc', 'cab']);
    expect(greedy.code, greedy.stderr).toBe(0);
    expect(lines(greedy.stdout)).toHaveLength(2);
    const beam = glimpse(['translate', '--run', join(runs, 'rev'), '--beam', '3', '--n-best', '2', 'abc']);
    expect(beam.code, beam.stderr).toBe(0);
    expect(lines(beam.stdout)).toHaveLength(2);

    const grid = join(dir, 'grid.png');
    const r = glimpse(['translate', '--run', join(runs, 'rev'), 'abcd', '--visualize', grid, '--show', '--head', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(isPng(grid)).toBe(true);
    expect(r.stderr).toContain('cross-attention, layer 2, head 2');
    const one = join(dir, 'one.png');
    const big = glimpse(['translate', '--run', join(runs, 'rev'), 'abcd', '--visualize', one, '--layer', '1', '--head', '1']);
    expect(big.code, big.stderr).toBe(0);
    expect(isPng(one)).toBe(true);
    // One head is a bigger picture than the whole grid of 2 layers × 2 heads would be per panel.
    expect(readFileSync(one).length).toBeLessThan(readFileSync(grid).length);

    const beyond = glimpse(['translate', '--run', join(runs, 'rev'), 'abcd', '--visualize', join(dir, 'x.png'), '--layer', '3']);
    expect(beyond.code).not.toBe(0);
    expect(beyond.stderr).toContain('--layer 3: the encoder self-attention has 2 layers, numbered 1…2');

    const ev = glimpse(['eval', '--run', join(runs, 'rev'), '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const metrics = JSON.parse(ev.stdout);
    expect(metrics.exact).toBeGreaterThanOrEqual(0);
    expect(metrics.token_acc).toBeGreaterThanOrEqual(0);
  });

  it('trains a Transformer language model with --task lm --model transformer, then generates and draws it', () => {
    const text = join(dir, 'text.txt');
    const words = 'the cat sat on a mat and the dog ran to the big red house'.split(' ');
    writeFileSync(text, Array.from({ length: 300 }, (_, i) => Array.from({ length: 8 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ')).join('\n'));
    train(['--task', 'lm', '--model', 'transformer', '--data', text, '--runs', runs, '--name', 'lm', '--no-progress', '--d-model', '16', '--heads', '2',
      '--layers', '1', '--feedforward', '32', '--batch-size', '8', '--bptt', '12', '--positions', '12', '--max-steps', '10', '--eval-every', '10']);
    expect(config('lm').model).toMatchObject({ arch: 'transformer', dModel: 16, nhead: 2, numLayers: 1, contextSize: 12, normFirst: true, activation: 'gelu' });
    // More tokens than the context: generation slides its window.
    const a = glimpse(['generate', '--run', join(runs, 'lm'), '--prompt', 'the cat', '--max-tokens', '20', '--seed', '3']);
    expect(a.code, a.stderr).toBe(0);
    expect(glimpse(['generate', '--run', join(runs, 'lm'), '--prompt', 'the cat', '--max-tokens', '20', '--seed', '3']).stdout).toBe(a.stdout);
    const png = join(dir, 'lm.png');
    const drawn = glimpse(['generate', '--run', join(runs, 'lm'), '--prompt', 'the cat', '--max-tokens', '5', '--temperature', '0', '--visualize', png, '--show']);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(isPng(png)).toBe(true);
    expect(drawn.stderr).toContain('self-attention, layer 1, head 1');
    // A window longer than the position table is refused before training starts.
    const long = glimpse(['train', '--task', 'lm', '--model', 'transformer', '--data', text, '--runs', runs, '--no-progress', '--d-model', '16', '--heads', '2', '--bptt', '40']);
    expect(long.code).not.toBe(0);
    expect(lines(long.stderr)).toEqual(['glimpse train: data.bptt 40 is longer than the model reads at once (model.contextSize 35); use a shorter --bptt or --positions 40']);
  });

  it('refuses, in one line with exit status 2, flags of the other architecture and heads that do not divide d_model', () => {
    const cases: [string[], string][] = [
      [['--task', 'reverse', '--d-model', '32'], '--d-model does not apply to task reverse (its rnn model config has no dModel)'],
      [['--task', 'reverse', '--norm', 'pre'], '--norm does not apply to task reverse (its rnn model config has no normFirst)'],
      [['--task', 'lm', '--feedforward', '64'], '--feedforward does not apply to task lm (its rnn model config has no dimFeedforward)'],
      [['--task', 'reverse', '--arch', 'transformer', '--hidden', '64'], '--hidden does not apply to task reverse (its transformer model config has no decoderHidden)'],
      [['--task', 'reverse', '--arch', 'transformer', '--embedding', '64'], '--embedding does not apply to task reverse (its transformer model config has no embeddingSize)'],
      [['--task', 'lm', '--model', 'transformer', '--positional', 'learned'], '--positional does not apply to task lm (its transformer model config has no positional)'],
      [['--task', 'reverse', '--arch', 'transformer', '--attention', 'bahdanau'], '--attention chooses the attention of an RNN decoder; the transformer architecture has its own (task reverse)'],
      [['--task', 'reverse', '--arch', 'transformer', '--heads', '3'], 'model: dModel 64 is not divisible by nhead 3 (each head gets dModel / nhead features); pick a head count that divides it'],
      [['--task', 'lm', '--model', 'transformer', '--d-model', '100', '--heads', '8'], 'model: dModel 100 is not divisible by nhead 8 (each head gets dModel / nhead features); pick a head count that divides it'],
      [['--task', 'reverse', '--arch', 'transformer', '--norm', 'sideways'], 'option \'--norm <pre|post>\' argument \'sideways\' is invalid. expected one of pre, post, got \'sideways\''],
    ];
    for (const [args, message] of cases) {
      const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(lines(r.stderr), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });

  it('refuses --layer and --head on a run with one attention, and a sequence longer than the position table', () => {
    train(['--task', 'reverse', '--runs', runs, '--name', 'rnn', '--no-progress', '--embedding', '8', '--encoder-hidden', '8', '--hidden', '16',
      '--batch-size', '16', '--min-len', '2', '--max-len', '5', '--max-steps', '2']);
    const r = glimpse(['translate', '--run', join(runs, 'rnn'), 'abc', '--layer', '1']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['glimpse translate: --layer applies to Transformer runs (several layers and heads); this run has one attention']);
    const long = glimpse(['train', ...TINY, '--positions', '4', '--max-steps', '1']);
    expect(long.code).not.toBe(0);
    expect(lines(long.stderr).at(-1)).toMatch(/^glimpse train: the train split has a sequence of \d+ positions, more than the model reads \(model\.maxLen 4\); use --positions \d+ or shorter sequences$/);
  });

  it('loads the weights back after a different layer count in config.json only with one line naming the missing layer', () => {
    const copy = join(runs, 'rev-edited');
    cpSync(join(runs, 'rev'), copy, { recursive: true });
    const file = join(copy, 'config.json');
    const c = JSON.parse(readFileSync(file, 'utf8'));
    c.run.model.numEncoderLayers = 3;
    writeFileSync(file, JSON.stringify(c));
    const r = glimpse(['translate', '--run', copy, 'abc']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('missing keys: transformer.encoder.layers.2.self_attn.in_proj_weight');
  });
});

const hasTorch = referencePythonAvailable();
if (!hasTorch) console.warn('Transformer run ↔ PyTorch test skipped: /usr/bin/python3 with torch and ../shared/reference are not both here');

describe.skipIf(!hasTorch)('a Transformer run\'s best.safetensors in PyTorch', () => {
  it('loads by name into nn.Transformer (W5\'s module, strict) and decodes as glimpse translate does', () => {
    // W5's layout (post-norm, ReLU, sinusoidal positions), tiny.
    train(['--task', 'reverse', '--arch', 'transformer', '--runs', runs, '--name', 'torch', '--no-progress', '--d-model', '16', '--heads', '2',
      '--layers', '2', '--feedforward', '32', '--batch-size', '32', '--min-len', '2', '--max-len', '6', '--max-steps', '150', '--eval-every', '150']);
    const sources = ['abc', 'hello', 'zyxw'];
    const ours = glimpse(['translate', '--run', join(runs, 'torch'), ...sources]);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout.trim()).not.toBe('');
    const itos: string[] = JSON.parse(readFileSync(join(runs, 'torch', 'vocab.src.json'), 'utf8')).itos;
    const py = runReferencePython<{ missing: string[]; unexpected: string[]; greedy: number[][] }>(`
import struct
import torch
import w5_transformer as w
cfg = json.load(sys.stdin)
raw = open(cfg['file'], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
state = {}
for k, v in header.items():
    if k == '__metadata__':
        continue
    a, b = v['data_offsets']
    state[k] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(v['shape'])
w.D_MODEL, w.HEADS, w.ENC_LAYERS, w.DEC_LAYERS, w.FF, w.MAX_POS = 16, 2, 2, 2, 32, 256
w.BOS, w.EOS = cfg['bos'], cfg['eos']  # the synthetic vocabulary's (W2's differ); <pad> is 0 in both
m = w.TransformerMT(cfg['vocab'], cfg['vocab'])
r = m.load_state_dict(state, strict=False)
m.eval()
outs = [m.greedy(torch.tensor(s).unsqueeze(1), None, max_len=50)[0] for s in cfg['sources']]
print(json.dumps({'missing': r.missing_keys, 'unexpected': r.unexpected_keys, 'greedy': outs}))
`, { file: join(runs, 'torch', 'best.safetensors'), vocab: itos.length, bos: itos.indexOf('<bos>'), eos: itos.indexOf('<eos>'), sources: sources.map((s) => [...s].map((ch) => itos.indexOf(ch))) });
    expect(py.missing).toEqual([]);
    expect(py.unexpected).toEqual([]);
    expect(py.greedy.map((ids) => ids.map((i) => itos[i]).join(''))).toEqual(ours.stdout.split('\n').slice(0, -1));
  });
});
