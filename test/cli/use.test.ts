import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-use-'));
const runs = join(dir, 'runs');
const lines = (file: string, from: number, n: number) => readFileSync(file, 'utf8').split('\n').slice(from, from + n).join('\n') + '\n';

function train(args: string[]): string {
  const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return join(runs, args[args.indexOf('--name') + 1]!);
}

let lm: string;
let mt: string;

beforeAll(() => {
  // A small text and a small parallel corpus cut from the shared data.
  const text = join(dir, 'shakespeare.txt');
  writeFileSync(text, lines('../shared/data/tinyshakespeare/input.txt', 0, 3000));
  lm = train(['--task', 'lm', '--model', 'lstm-attn', '--data', text, '--name', 'lm', '--embedding', '16', '--hidden', '16', '--batch-size', '8', '--max-steps', '20', '--eval-every', '20']);
  const corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const m30k = '../shared/data/multi30k';
  for (const [split, from, n] of [['train', 0, 400], ['val', 0, 40], ['test', 0, 40]] as const) {
    for (const lang of ['en', 'de']) writeFileSync(join(corpus, `${split}.${lang}`), lines(join(m30k, `${split === 'test' ? 'test_2016_flickr' : split}.${lang}`), from, n));
  }
  mt = train(['--task', 'translate', '--data', corpus, '--name', 'mt', '--embedding', '16', '--hidden', '32', '--encoder-hidden', '16', '--batch-size', '32', '--max-steps', '12', '--eval-every', '12']);
}, 300_000);

describe('glimpse generate', () => {
  it('continues a prompt; the same seed repeats the text, another seed changes it', () => {
    const a = glimpse(['generate', '--run', lm, '--prompt', 'To be or not to be', '--seed', '3', '--max-tokens', '12']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^to be or not to be/);
    expect(glimpse(['generate', '--run', lm, '--prompt', 'To be or not to be', '--seed', '3', '--max-tokens', '12']).stdout).toBe(a.stdout);
    expect(glimpse(['generate', '--run', lm, '--prompt', 'To be or not to be', '--seed', '4', '--max-tokens', '12', '--temperature', '1.5']).stdout).not.toBe(a.stdout);
  });

  it('draws the attention over the context', () => {
    const png = join(dir, 'gen.png');
    const r = glimpse(['generate', '--run', lm, '--prompt', 'the king', '--max-tokens', '6', '--top-k', '5', '--top-p', '0.9', '--visualize', png]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('explains bad prompts and flags in one line', () => {
    const unknown = glimpse(['generate', '--run', lm, '--prompt', 'Zyxxqj Wvvrrk']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim()).toBe('glimpse generate: every word of the prompt is unknown to the model: it was tokenised as ["zyxxqj", "wvvrrk"], all <unk>');
    const topP = glimpse(['generate', '--run', lm, '--prompt', 'the', '--top-p', '1.5']);
    expect(topP.stderr.trim()).toBe("error: option '--top-p <p>' argument '1.5' is invalid. expected a number in [0, 1], got 1.5");
    const notRun = glimpse(['generate', '--run', dir, '--prompt', 'the']);
    expect(notRun.stderr.trim()).toMatch(/^glimpse generate: .* is not a run folder: it has no config\.json/);
    const wrongKind = glimpse(['generate', '--run', mt, '--prompt', 'a dog']);
    expect(wrongKind.stderr.trim()).toMatch(/^glimpse generate: this run is a translate model/);
  });
});

describe('a language model stopped by --max-steps inside its first epoch', () => {
  it('leaves weights that generate continues greedily (--temperature 0), with the attention in the terminal and adapted to its weights', () => {
    const text = join(dir, 'short.txt');
    writeFileSync(text, lines('../shared/data/tinyshakespeare/input.txt', 0, 3000));
    const short = train(['--task', 'lm', '--model', 'lstm-attn', '--data', text, '--name', 'short', '--embedding', '16', '--hidden', '16', '--batch-size', '8', '--max-steps', '40']);
    for (const f of ['best.safetensors', 'last.safetensors', 'checkpoint.safetensors']) expect(existsSync(join(short, f)), f).toBe(true);
    const greedy = (seed: string) => glimpse(['generate', '--run', short, '--prompt', 'first citizen', '--temperature', '0', '--max-tokens', '8', '--seed', seed, '--show']);
    const a = greedy('1');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^first citizen/);
    // Greedy decoding takes the most likely token: no randomness, so the seed changes nothing.
    expect(greedy('2').stdout).toBe(a.stdout);
    // --show prints the heatmap (colour off in tests: shade characters and a legend).
    expect(a.stderr).toContain('attention while generating');
    expect(a.stderr).toMatch(/weight: · </);
    const png = join(dir, 'short.png');
    const drawn = glimpse(['generate', '--run', short, '--prompt', 'the king', '--temperature', '0', '--max-tokens', '8', '--visualize', png]);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(existsSync(png)).toBe(true);
    const sampling = glimpse(['generate', '--run', short, '--prompt', 'the king', '--temperature', '0', '--top-k', '3']);
    expect(sampling.code).toBe(2);
    expect(sampling.stderr.trim()).toBe('glimpse generate: --temperature 0 is greedy decoding; --top-k and --top-p apply to sampling');
  });
});

describe('glimpse translate and eval', () => {
  it('translates arguments and streams standard input, greedy or with beam search and n-best', () => {
    const one = glimpse(['translate', '--run', mt, 'A dog runs.']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
    const many = glimpse(['translate', '--run', mt, '--beam', '3', '--n-best', '2'], { input: 'A dog runs.\nTwo men sit.\n' });
    expect(many.code, many.stderr).toBe(0);
    const out = many.stdout.trim().split('\n');
    expect(out).toHaveLength(4);
    for (const l of out) expect(l).toMatch(/^-?\d+\.\d{4}\t/);
  });

  it('writes one attention picture per sentence', () => {
    const png = join(dir, 'mt.png');
    const r = glimpse(['translate', '--run', mt, '--visualize', png, 'A dog.', 'A cat.']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'mt-1.png')) && existsSync(join(dir, 'mt-2.png'))).toBe(true);
  });

  it('keeps one output line per input line: a blank line gives a blank line, a line it cannot read an empty line and a message', () => {
    const r = glimpse(['translate', '--run', mt], { input: 'A dog runs.\n\nTwo men sit.\n' });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toHaveLength(4); // three lines and the final newline
    expect(out[1]).toBe('');
    expect(out[0]!.length).toBeGreaterThan(0);
    expect(out[2]!.length).toBeGreaterThan(0);
  });

  it('rejects empty input, a beam of 0 and an n-best above the beam', () => {
    const empty = glimpse(['translate', '--run', mt], { input: '' });
    expect(empty.stderr.trim()).toBe('glimpse translate: no input: standard input was empty (give one sentence per line)');
    const beam0 = glimpse(['translate', '--run', mt, '--beam', '0', 'x']);
    expect(beam0.stderr.trim()).toBe("error: option '--beam <n>' argument '0' is invalid. expected an integer in [1, 1000], got 0");
    const nbest = glimpse(['translate', '--run', mt, '--beam', '2', '--n-best', '3', 'x']);
    expect(nbest.stderr.trim()).toBe('glimpse translate: --n-best 3 needs --beam of at least 3, got 2');
    for (const r of [empty, beam0, nbest]) expect(r.code).not.toBe(0);
  });

  it('eval reports teacher-forced and free-running perplexity, BLEU and chrF', () => {
    const r = glimpse(['eval', '--run', mt, '--json', '--beam', '2']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    for (const k of ['loss', 'ppl', 'ppl_free', 'bleu', 'sacrebleu', 'chrf']) expect(m[k], k).toBeTypeOf('number');
    expect(m.ppl_free).toBeGreaterThanOrEqual(m.ppl * 0.999);
    expect(m.sacrebleu_signature).toMatch(/^nrefs:1\|case:lc\|eff:no\|tok:13a\|smooth:exp\|version:2\./);
  });

  it('plot draws the training curves of a run', () => {
    const r = glimpse(['plot', '--run', lm]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(lm, 'curves.png'));
    expect(existsSync(join(lm, 'curves.png'))).toBe(true);
  });
});
