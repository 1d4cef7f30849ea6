import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

// The decoding flags of glimpse translate, eval and generate, run as a user runs them.
const dir = mkdtempSync(join(tmpdir(), 'glimpse-search-'));
const runs = join(dir, 'runs');
const m30k = '../shared/data/multi30k';
const shared = existsSync(m30k);

function train(args: string[]): string {
  const r = glimpse(['train', '--runs', runs, '--no-progress', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return join(runs, args[args.indexOf('--name') + 1]!);
}
const TINY = ['--task', 'reverse', '--embedding', '16', '--encoder-hidden', '16', '--hidden', '32', '--batch-size', '16', '--min-len', '3', '--max-len', '8', '--max-steps', '60', '--eval-every', '60'];
const lines = (file: string, n: number) => readFileSync(file, 'utf8').split('\n').slice(0, n).join('\n') + '\n';

let rev: string;
let rev2: string;
beforeAll(() => {
  rev = train([...TINY, '--name', 'rev', '--seed', '1']);
  rev2 = train([...TINY, '--name', 'rev2', '--seed', '2']);
}, 300_000);

const translate = (args: string[], run = rev) => glimpse(['translate', '--run', run, ...args]);
const out = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
};

describe('glimpse translate: search flags', () => {
  const input = ['abcdefg', 'hijklmn', 'qrstuvw'];

  it('--prefix starts every output, --constraint appears in every output, with beam search and greedy', () => {
    for (const beam of ['1', '4']) {
      for (const line of out(translate([...input, '--beam', beam, '--prefix', 'xy']))) expect(line.startsWith('xy'), line).toBe(true);
      for (const line of out(translate([...input, '--beam', beam, '--constraint', 'zz', '--constraint', 'q']))) {
        expect(line).toContain('zz');
        expect(line).toContain('q');
      }
    }
  });

  it('--no-repeat-ngram, --min-length and --repetition-penalty shape the output; --sample --top-k 1 is greedy', () => {
    for (const line of out(translate([...input, '--beam', '3', '--no-repeat-ngram', '1']))) expect(new Set(line).size).toBe(line.length);
    for (const line of out(translate([...input, '--min-length', '12', '--max-tokens', '20']))) expect(line.length).toBeGreaterThanOrEqual(12);
    expect(out(translate([...input, '--repetition-penalty', '1.2']))).toHaveLength(3);
    expect(out(translate([...input, '--sample', '--top-k', '1', '--seed', '9']))).toEqual(out(translate(input)));
    const sampled = translate(['abcdefg', '--sample', '--temperature', '3', '--n-best', '3', '--seed', '5']);
    expect(out(sampled)).toHaveLength(3);
    expect(translate(['abcdefg', '--sample', '--temperature', '3', '--n-best', '3', '--seed', '5']).stdout).toBe(sampled.stdout);
  });

  it('scores with --length-penalty wu and --beta; β = 0 is the plain beam', () => {
    const plain = out(translate([...input, '--beam', '4', '--scores']));
    expect(out(translate([...input, '--beam', '4', '--scores', '--beta', '0']))).toEqual(plain);
    const wu = out(translate([...input, '--beam', '4', '--n-best', '2', '--length-penalty', 'wu', '--alpha', '0.6', '--beta', '0.2']));
    expect(wu).toHaveLength(6);
    for (const l of wu) expect(l).toMatch(/^-?\d+\.\d{4}\t/);
  });

  it('--run twice is an ensemble: of the same run it translates as the run; of two runs it draws their mean attention', () => {
    expect(out(glimpse(['translate', '--run', rev, '--run', rev, ...input, '--beam', '3']))).toEqual(out(translate([...input, '--beam', '3'])));
    const png = join(dir, 'ens.png');
    const r = glimpse(['translate', '--run', rev, '--run', rev2, 'abcdefg', '--beam', '3', '--visualize', png]);
    expect(out(r)).toHaveLength(1);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses an ensemble whose vocabularies differ, naming both', () => {
    const other = join(runs, 'rev-other');
    cpSync(rev, other, { recursive: true });
    const file = join(other, 'vocab.tgt.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"a"', '"@"'));
    const r = glimpse(['translate', '--run', rev, '--run', other, 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^glimpse translate: cannot decode these models together: their target vocabularies differ, .*rev\/vocab\.tgt\.json \(\d+ tokens\) and .*rev-other\/vocab\.tgt\.json \(\d+ tokens\), first at id \d+ \("a" vs "@"\)$/);
  });

  it.each([
    [['--beta', '0.2'], 'glimpse translate: --beta ranks beam search hypotheses; it needs --beam 2 or more'],
    [['--length-penalty', 'wu'], 'glimpse translate: --length-penalty ranks beam search hypotheses; it needs --beam 2 or more'],
    [['--top-p', '0.9'], 'glimpse translate: --top-p applies to sampling: add --sample'],
    [['--sample', '--beam', '3'], 'glimpse translate: --sample draws tokens instead of searching; it does not go with --beam 3'],
    [['--sample', '--alpha', '0.5'], 'glimpse translate: --alpha ranks beam search hypotheses, not samples'],
    [['--beam', '2', '--length-penalty', 'none', '--alpha', '1'], 'glimpse translate: --alpha sets the length penalty, and --length-penalty none has none'],
    [['--min-length', '50'], 'glimpse translate: --min-length 50 must be below --max-tokens 50'],
    [['--beam', '1001'], "error: option '--beam <n>' argument '1001' is invalid. expected an integer in [1, 1000], got 1001"],
    [['--no-repeat-ngram', '0'], "error: option '--no-repeat-ngram <n>' argument '0' is invalid. expected an integer in [1, 100], got 0"],
    [['--length-penalty', 'gnmt'], "error: option '--length-penalty <kind>' argument 'gnmt' is invalid. expected one of avg, wu, none, got 'gnmt'"],
    [Array.from({ length: 17 }, () => ['--constraint', 'a']).flat(), 'glimpse translate: at most 16 --constraint flags, got 17'],
    [['--constraint', 'a'.repeat(65), '--max-tokens', '100'], 'glimpse translate: the --constraint flags hold 65 tokens together; at most 64'],
    [['--prefix', 'abcdefghij', '--constraint', 'abc', '--max-tokens', '12'], 'glimpse translate: --prefix and --constraint need 13 tokens, more than --max-tokens 12'],
    [['--constraint', 'a!'], 'glimpse translate: --constraint "a!" has "!", which the target vocabulary does not hold (29 tokens)'],
  ])('refuses %j in one line', (args, message) => {
    const r = translate(['abc', ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(message);
  });
});

describe('glimpse eval: search flags', () => {
  it('refuses decoding flags where nothing is decoded for BLEU', () => {
    const noRefs = glimpse(['eval', '--run', rev, '--beam', '2', '--beta', '0.2']);
    expect(noRefs.code).toBe(2);
    expect(noRefs.stderr.trim()).toBe(`glimpse eval: the decoding flags (and several --run) shape the translations scored by BLEU and chrF; ${rev} is a reverse run, which has no references to score`);
    const noBleu = glimpse(['eval', '--run', rev, '--no-bleu', '--no-repeat-ngram', '2']);
    expect(noBleu.stderr.trim()).toBe('glimpse eval: the decoding flags (and several --run) shape the translations scored by BLEU and chrF; they do not go with --no-bleu');
  });

  describe.skipIf(!shared)('on a small translation run (../shared/data/multi30k)', () => {
    let mt: string;
    beforeAll(() => {
      const corpus = join(dir, 'corpus');
      mkdirSync(corpus, { recursive: true });
      for (const [split, n] of [['train', 400], ['val', 40], ['test', 40]] as const) {
        for (const lang of ['en', 'de']) writeFileSync(join(corpus, `${split}.${lang}`), lines(join(m30k, `${split === 'test' ? 'test_2016_flickr' : split}.${lang}`), n));
      }
      mt = train(['--task', 'translate', '--data', corpus, '--name', 'mt', '--embedding', '16', '--hidden', '32', '--encoder-hidden', '16', '--batch-size', '32', '--max-steps', '12', '--eval-every', '12']);
    }, 300_000);
    const evalJson = (args: string[]) => {
      const r = glimpse(['eval', '--json', '--split', 'valid', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, number | string>;
    };

    it('scores the search options, an ensemble of one run twice equals the run, and top-k 1 sampling equals greedy', () => {
      const greedy = evalJson(['--run', mt]);
      expect(greedy.decoding).toBe('greedy');
      const steered = evalJson(['--run', mt, '--beam', '3', '--length-penalty', 'wu', '--beta', '0.2', '--no-repeat-ngram', '2', '--min-length', '3']);
      expect(steered.decoding).toBe('beam 3, wu α 0.6, β 0.2, no-repeat 2, min length 3');
      expect(typeof steered.bleu).toBe('number');
      const twice = evalJson(['--run', mt, '--run', mt]);
      expect(twice.ensemble).toBe(2);
      expect(twice.bleu).toBe(greedy.bleu);
      expect(twice.chrf).toBe(greedy.chrf);
      expect(twice.ppl).toBeUndefined();
      expect(evalJson(['--run', mt, '--sample', '--top-k', '1']).bleu).toBe(greedy.bleu);
    });
  });
});

describe('glimpse generate: search flags', () => {
  it('--no-repeat-ngram 1 never repeats a token of the continuation; the sampling flags of translate stay its own', () => {
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'the cat sat on the mat and the dog sat on the log and the bird sat on the tree\n'.repeat(40));
    const lm = train(['--task', 'lm', '--data', text, '--name', 'lm', '--embedding', '8', '--hidden', '16', '--batch-size', '4', '--max-steps', '15', '--eval-every', '15']);
    const r = glimpse(['generate', '--run', lm, '--prompt', 'the cat', '--temperature', '0', '--max-tokens', '8', '--no-repeat-ngram', '1', '--repetition-penalty', '1.3']);
    expect(r.code, r.stderr).toBe(0);
    const words = r.stdout.trim().split(/\s+/).slice(2);
    expect(words.length).toBeGreaterThan(0);
    expect(new Set(words).size).toBe(words.length);
    const bad = glimpse(['generate', '--run', lm, '--prompt', 'the', '--beta', '0.2']);
    expect(bad.stderr.trim()).toBe("error: unknown option '--beta'");
  });
});
