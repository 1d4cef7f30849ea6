/**
 * Outputs never destroy inputs, and streams keep their alignment (issue 16, classes 6, 8 and
 * 11), with the CLI run as a process: no command writes over a run's own files, an existing
 * file is replaced only with --force (or when this command wrote it), standard input gets one
 * output line per input line.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-outputs-'));
const runs = join(dir, 'runs');
const run = join(runs, 'r');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

beforeAll(() => {
  const config = join(dir, 'tiny.json');
  writeFileSync(config, JSON.stringify({
    task: 'reverse',
    data: { trainSize: 32, validSize: 8, testSize: 8, minLen: 2, maxLen: 4, batchSize: 16 },
    model: { embeddingSize: 4, encoderHidden: 4, decoderHidden: 8, attentionSize: 8 },
    train: { maxSteps: 2, evalEvery: 1, lr: 0.01 },
  }));
  const r = glimpse(['train', '--config', config, '--runs', runs, '--name', 'r', '--no-progress']);
  expect(r.code, r.stderr).toBe(0);
});

describe('outputs never write over inputs', () => {
  it('refuses a run\'s own files as outputs, even with --force, and leaves them as they were', () => {
    const cases: [string[], string][] = [
      [['translate', '--run', run, '--visualize', join(run, 'best.safetensors'), 'abc'], `--visualize ${join(run, 'best.safetensors')} is a weights or checkpoint file`],
      [['translate', '--run', run, '--visualize', join(run, 'vocab.src.json'), '--force', 'abc'], `--visualize ${join(run, 'vocab.src.json')} is a file of the run folder ${run}`],
      [['plot', '--run', run, '--out', join(run, 'config.json')], `--out ${join(run, 'config.json')} is a file of the run folder ${run}`],
      [['plot', '--run', run, '--out', join(run, 'metrics.jsonl'), '--force'], `--out ${join(run, 'metrics.jsonl')} is a file of the run folder ${run}`],
      [['plot', '--run', run, '--out', join(run, 'checkpoint.safetensors')], 'is a weights or checkpoint file'],
    ];
    const files = ['best.safetensors', 'vocab.src.json', 'config.json', 'metrics.jsonl', 'checkpoint.safetensors'];
    const before = files.map((f) => readFileSync(join(run, f)));
    for (const [args, want] of cases) {
      const r = glimpse(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^glimpse \w+: [^\n]*; glimpse never writes over it \(choose another file\)\n$/);
      expect(r.stderr).toContain(want);
    }
    files.forEach((f, i) => expect(readFileSync(join(run, f)).equals(before[i]!), f).toBe(true));
  });

  it('replaces an existing file only with --force; its own default picture needs none', () => {
    const mine = join(dir, 'mine.png');
    writeFileSync(mine, 'my notes');
    const refused = glimpse(['plot', '--run', run, '--out', mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`glimpse plot: --out ${mine} already exists; pass --force to overwrite it\n`);
    expect(readFileSync(mine, 'utf8')).toBe('my notes');
    expect(glimpse(['plot', '--run', run, '--out', mine, '--force']).code).toBe(0);
    expect(readFileSync(mine).subarray(0, 4).equals(PNG)).toBe(true);
    for (let i = 0; i < 2; i++) expect(glimpse(['plot', '--run', run]).code).toBe(0); // <run>/curves.png is the command's own
  });

  it('pictures a command just wrote need no --force, those of an earlier command do; bpe learn --out is checked too', () => {
    const pic = join(dir, 'pic.png');
    expect(glimpse(['translate', '--run', run, '--visualize', pic, 'abc', 'cab']).code).toBe(0);
    expect(existsSync(join(dir, 'pic-1.png')) && existsSync(join(dir, 'pic-2.png'))).toBe(true);
    const again = glimpse(['translate', '--run', run, '--visualize', pic, 'abc', 'cab']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`glimpse translate: --visualize ${join(dir, 'pic-1.png')} already exists; pass --force to overwrite it\n`);
    expect(glimpse(['translate', '--run', run, '--visualize', pic, '--force', 'abc', 'cab']).code).toBe(0);
    const codes = join(dir, 'codes.bpe');
    writeFileSync(codes, 'mine');
    writeFileSync(join(dir, 'text.txt'), 'a b a b\n');
    const bpe = glimpse(['bpe', 'learn', '--input', join(dir, 'text.txt'), '--merges', '2', '--out', codes]);
    expect(bpe.code).toBe(2);
    // (a progress line may come first when reading is slow: the refusal is the last line)
    expect(bpe.stderr.trimEnd().split('\n').at(-1)).toBe(`glimpse bpe learn: --out ${codes} already exists; pass --force to overwrite it`);
    expect(readFileSync(codes, 'utf8')).toBe('mine');
  });
});

describe('streams and small things', () => {
  it('translate gives one output line per input line: blank for a blank line, blank and a message for a bad one, exit 1', () => {
    const r = glimpse(['translate', '--run', run], { input: 'abc\nAB1\n\nca\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toHaveLength(5); // four lines and the final newline
    expect(r.stdout.split('\n').slice(1, 3)).toEqual(['', '']);
    expect(r.stderr).toBe('glimpse translate: line 2: the input has "A", "B", "1", which this reverse model does not know (it reads "abcdefghijklmnopqrstuvwxyz")\n' +
      'glimpse translate: 1 of 4 line(s) could not be translated (their output lines are empty)\n');
  });

  it('refuses run names made only of dots (a usage error, exit 2)', () => {
    for (const name of ['.', '..', '...']) {
      const r = glimpse(['train', '--runs', runs, '--name', name, '--max-steps', '1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`glimpse train: run name "${name}" is only dots; it needs a letter, digit or _ + -\n`);
    }
    expect(existsSync(join(runs, '...'))).toBe(false);
  });
});
