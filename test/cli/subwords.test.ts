import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENTENCEPIECE_MODEL_PROTO } from '../../src/data/subwords/index.js';
import { glimpse, type CliResult } from '../helpers/cli.js';
import {
  adversarialBytes, multi30kTestBytes, SPM_AVAILABLE, SPM_MISSING_MESSAGE, spmDecode, spmEncode, spmTrain, writeTrainingCorpus,
} from '../helpers/spm.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-subwords-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FX = 'test/data/subwords';
const MULTI30K = '../shared/data/multi30k';
const head = (file: string, n: number): string => `${readFileSync(join(MULTI30K, file), 'utf8').split('\n').slice(0, n).join('\n')}\n`;

/** Runs the built CLI with raw bytes on standard input (the shared helper takes text). */
function glimpseBytes(args: string[], input: Buffer): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [resolve('dist/cli/main.js'), ...args], { input, maxBuffer: 1 << 28, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

function expectOneLineError(r: CliResult, message: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe('glimpse bpe learn and glimpse subwords with BPE codes', () => {
  const en = join(dir, 'train.en');
  const de = join(dir, 'train.de');
  const codes = join(dir, 'codes.bpe');
  const vocab = join(dir, 'vocab.txt');
  const testLines = [...head('test_2016_flickr.en', 200).split('\n').slice(0, 200), ...head('test_2016_flickr.de', 200).split('\n').slice(0, 200)];
  beforeAll(() => {
    writeFileSync(en, head('train.en', 2000));
    writeFileSync(de, head('train.de', 2000));
  });

  it('learns the codes subword-nmt learns from the same files, and its vocabulary', () => {
    const r = glimpse(['bpe', 'learn', '--input', en, de, '--merges', '1000', '--out', codes, '--vocab-out', vocab]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^learned 1000 merges from 4000 lines \\(\\d+ words, \\d+ distinct\\) in [\\d.]+ s → ${codes}\\nvocabulary → ${vocab}\\n$`));
    expect(readFileSync(codes, 'utf8')).toBe(readFileSync(join(FX, 'subword-nmt-1000.codes'), 'utf8'));
    const sorted = (t: string): string[] => t.split('\n').sort();
    expect(sorted(readFileSync(vocab, 'utf8'))).toEqual(sorted(readFileSync(join(FX, 'subword-nmt-1000.vocab'), 'utf8')));
  });

  it('encodes one line of pieces per input line (blank lines stay blank) and decodes them back', () => {
    const input = testLines.flatMap((l, i) => (i % 50 === 0 ? ['', l] : [l]));
    const encoded = glimpse(['subwords', 'encode', '--model', `bpe:${codes}`], { input: `${input.join('\n')}\n` });
    expect(encoded.code).toBe(0);
    const expected = readFileSync(join(FX, 'subword-nmt-1000.test.bpe'), 'utf8').replace(/\n$/, '').split('\n');
    expect(encoded.stdout).toBe(`${expected.flatMap((l, i) => (i % 50 === 0 ? ['', l] : [l])).join('\n')}\n`);
    const decoded = glimpse(['subwords', 'decode', '--model', `bpe:${codes}`], { input: encoded.stdout });
    expect(decoded.stdout).toBe(`${input.map((l) => l.split(' ').filter((w) => w !== '').join(' ')).join('\n')}\n`);
    const threshold = glimpse(['subwords', 'encode', '--model', `bpe:${codes}`, '--vocabulary', vocab, '--vocabulary-threshold', '5'], { input: `${testLines.join('\n')}\n` });
    expect(threshold.stdout).toBe(readFileSync(join(FX, 'subword-nmt-1000.test.vt5.bpe'), 'utf8'));
  });

  it('applies seeded BPE-dropout: the same seed repeats, another differs, decoding restores the text', () => {
    const input = `${testLines.slice(0, 20).join('\n')}\n`;
    const run = (seed: string): string => glimpse(['subwords', 'encode', '--model', `bpe:${codes}`, '--dropout', '0.2', '--seed', seed], { input }).stdout;
    expect(run('5')).toBe(run('5'));
    expect(run('5')).not.toBe(run('6'));
    expect(glimpse(['subwords', 'decode', '--model', `bpe:${codes}`], { input: run('5') }).stdout).toBe(input);
  });

  it('refuses bad arguments with one line', () => {
    expectOneLineError(glimpse(['bpe', 'learn', '--input', en, '--merges', '0', '--out', codes]), /option '--merges <n>' argument '0' is invalid\. expected an integer ≥ 1, got 0/);
    expectOneLineError(glimpse(['bpe', 'learn', '--input', en, '--merges', '2000000', '--out', codes]), /expected at most 1000000 merges, got 2000000/);
    expectOneLineError(glimpse(['bpe', 'learn', '--input', join(dir, 'nope.txt'), '--merges', '10', '--out', codes]), /^glimpse bpe learn: input file .*nope\.txt does not exist\n$/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', 'wordpiece:x'], { input: 'a\n' }), /^glimpse subwords encode: --model 'wordpiece:x': expected bpe:CODES, bpe:N/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', 'bpe:1000'], { input: 'a\n' }), /expected a codes file \(bpe:CODES\), not a number of merges/);
  });

  it('refuses missing, binary, wrong, oversized codes and malformed input with one line', () => {
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `bpe:${join(dir, 'none.bpe')}`], { input: 'a\n' }), /codes file .*none\.bpe does not exist/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', 'bpe:test/data/torch_small.safetensors'], { input: 'a\n' }),
      /^glimpse subwords encode: test\/data\/torch_small\.safetensors is not UTF-8 text \(a binary file\?\); expected a BPE codes file\n$/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `bpe:${en}`], { input: 'a\n' }), /train\.en line 1: expected '#version: 0\.2', got 'Two young, White males/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `bpe:${codes}`, '--vocabulary-threshold', '3'], { input: 'a\n' }), /--vocabulary-threshold needs --vocabulary FILE/);
    const huge = join(dir, 'huge.bpe');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 65 * 1024 * 1024);
    closeSync(fd);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `bpe:${huge}`], { input: 'a\n' }), /huge\.bpe is 68157440 bytes, more than the limit of 67108864 \(64 MiB\)/);
    const bad = glimpseBytes(['subwords', 'encode', '--model', `bpe:${codes}`], Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x0a]));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^glimpse subwords encode: standard input line 2: .*codes\.bpe: the text is not valid UTF-8\n$/);
  });
});

describe('glimpse subwords with SentencePiece models', () => {
  const ModelProto = protobuf.parse(SENTENCEPIECE_MODEL_PROTO, { keepCase: true }).root.lookupType('sentencepiece.ModelProto');
  const unigram = join(dir, 'hand.model');
  writeFileSync(unigram, ModelProto.encode(ModelProto.fromObject({
    pieces: [{ piece: '<unk>', type: 2 }, { piece: '▁ab', score: -1 }, { piece: 'a', score: -2 }, { piece: 'b', score: -2 }, { piece: '▁', score: -3 }],
    trainer_spec: { model_type: 1 },
  })).finish());

  it('encodes and decodes with a model, and refuses dropout for unigram and files of another kind', () => {
    const r = glimpse(['subwords', 'encode', '--model', `spm:${unigram}`], { input: 'ab  ba\n\n  \nabc' });
    expect(r.stdout).toBe('▁ab ▁ b a\n\n\n▁ab c\n');
    expect(glimpse(['subwords', 'decode', '--model', `spm:${unigram}`], { input: r.stdout }).stdout).toBe('ab ba\n\n\nabc\n');
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `spm:${unigram}`, '--dropout', '0.1'], { input: 'ab\n' }),
      /^glimpse subwords encode: .*hand\.model: dropout applies to BPE models; this SentencePiece model is unigram\n$/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', 'spm:test/data/torch_small.safetensors'], { input: 'a\n' }),
      /^glimpse subwords encode: test\/data\/torch_small\.safetensors is a safetensors file, not a SentencePiece model; expected a SentencePiece model \(the \.model file spm_train writes\)\n$/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `spm:${join(FX, 'tricky.codes')}`], { input: 'a\n' }),
      /tricky\.codes is not a SentencePiece model \(protobuf decoding failed: .*\)/);
    expectOneLineError(glimpse(['subwords', 'encode', '--model', `spm:${unigram}`, '--vocabulary', join(FX, 'subword-nmt-1000.vocab')], { input: 'a\n' }),
      /--vocabulary applies to BPE codes/);
  });

  if (!SPM_AVAILABLE) it.skip(SPM_MISSING_MESSAGE, () => {});
  it.skipIf(!SPM_AVAILABLE)('writes byte for byte what spm_encode and spm_decode write, malformed UTF-8 included', () => {
    const corpus = join(dir, 'corpus.txt');
    writeTrainingCorpus(corpus, 500);
    const model = spmTrain(dir, 'bpe', corpus, ['--vocab_size=300', '--model_type=bpe', '--byte_fallback=false']);
    const input = Buffer.concat([multi30kTestBytes(), adversarialBytes()]);
    const encoded = glimpseBytes(['subwords', 'encode', '--model', `spm:${model}`], input);
    expect(encoded.stderr).toBe('');
    expect(encoded.stdout.equals(spmEncode(model, input))).toBe(true);
    const decoded = glimpseBytes(['subwords', 'decode', '--model', `spm:${model}`], encoded.stdout);
    expect(decoded.stdout.toString()).toBe(spmDecode(model, encoded.stdout).toString());
  });
});
