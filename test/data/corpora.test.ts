/** W1 and W2 data exactly as the PyTorch reference builds them (counts from ../shared/reference/README.md). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  batchify, buildLmCorpus, buildParallelCorpus, lineRangesByFraction, lmWindow, lmWindows, makeSeq2SeqBatch, numLmWindows,
  padSequences, planBatches, seq2seqBatches, W1_BATCH_SIZE, W1_BPTT, type ParallelCorpus,
} from '../../src/data/index.js';
import { readParallelSplits } from '../../src/data/node.js';
import { Rng } from '../../src/util/rng.js';
import { referencePythonAvailable, runReferencePython, SHARED_DATA, sharedDataAvailable } from '../helpers/python.js';

describe('LM streams (word_language_model batchify / get_batch)', () => {
  it('cuts 100 tokens into 32 streams of 3 rows and reads windows as test_common.py', () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    const s = batchify(ids, 32);
    expect([s.rows, s.batchSize]).toEqual([3, 32]);
    expect([s.data[0 * 32 + 0], s.data[1 * 32 + 0], s.data[2 * 32 + 0], s.data[0 * 32 + 1]]).toEqual([0, 1, 2, 3]);
    const w = lmWindow(s, 0, 35);
    expect(w.length).toBe(2);
    expect(Array.from(w.target)).toEqual(Array.from(s.data.slice(32, 96)));
  });

  it('covers every row once per pass, the last window shorter, and resumes from a window', () => {
    const s = batchify(Array.from({ length: 10 * 4 + 3 }, (_, i) => i), 4); // 10 rows
    const ws = [...lmWindows(s, 4)];
    expect(ws.map((w) => w.length)).toEqual([4, 4, 1]);
    expect(numLmWindows(s, 4)).toBe(3);
    expect(ws.every((w) => w.target.every((t, k) => t === w.input[k]! + 1))).toBe(true);
    expect([...lmWindows(s, 4, 2)].map((w) => w.index)).toEqual([2]);
    expect(() => batchify([1, 2, 3], 2)).toThrow(/need at least 2/);
  });

  it('splits by line ranges and by fractions; too few lines is an error naming the counts', () => {
    expect(lineRangesByFraction(100, { valid: 0.1, test: 0.1 })).toEqual({ train: [0, 80], valid: [80, 90], test: [90, 100] });
    expect(() => buildLmCorpus('a\nb\n', { name: 'x.txt' })).toThrow('buildLmCorpus: x.txt has 2 lines, the split ranges need 40000');
    const c = buildLmCorpus('ab\n\nb\n', { level: 'char', ranges: { train: [0, 3] } });
    expect(c.tokens.train).toEqual(['a', 'b', '\n', '\n', 'b', '\n']);
    expect(c.vocab.itos).toEqual(['<unk>', '\n', 'b', 'a']);
  });

  it.skipIf(!sharedDataAvailable)('W1: 6,516 types; 258,985 / 13,696 / 12,395 tokens; 232 windows per epoch at B = 32, T = 35', () => {
    const { vocab, ids } = buildLmCorpus(readFileSync(resolve(SHARED_DATA, 'tinyshakespeare', 'input.txt'), 'utf8'));
    expect(vocab.size).toBe(6516);
    expect(vocab.itos.slice(0, 2)).toEqual(['<unk>', '<eos>']);
    expect([ids.train!.length, ids.valid!.length, ids.test!.length]).toEqual([258985, 13696, 12395]);
    const train = batchify(ids.train!, W1_BATCH_SIZE);
    expect(numLmWindows(train, W1_BPTT)).toBe(232);
    expect(lmWindow(train, 231, W1_BPTT).length).toBe(7);
  });
});

describe('parallel corpora and batches', () => {
  const tiny = buildParallelCorpus({
    train: { src: 'a b\na c\nb\n', tgt: 'x y z\nx\ny y\n' },
  }, { minFreq: 1 });

  it('gives the source <eos> (no <bos>) and the target y… <eos>; batches hold <bos> y… and y… <eos>', () => {
    const [pad, bos, eos] = [0, 2, 3];
    expect(Array.from(tiny.examples.train![0]!.src)).toEqual([...tiny.srcVocab.encode(['a', 'b']), eos]);
    const b = makeSeq2SeqBatch(tiny.examples.train!, [0, 1], { pad, bos });
    const [x, y, z] = ['x', 'y', 'z'].map((t) => tiny.tgtVocab.id(t));
    // [T, B] time-major: column 0 is "<bos> x y z" / "x y z <eos>", column 1 "<bos> x" / "x <eos>".
    expect(Array.from(b.tgtIn.data)).toEqual([bos, bos, x, x, y, pad, z, pad]);
    expect(Array.from(b.tgtOut.data)).toEqual([x, x, y, eos, z, pad, eos, pad]);
    expect(Array.from(b.tgtOut.mask)).toEqual([1, 1, 1, 1, 1, 0, 1, 0]);
    expect(b.numTargetTokens).toBe(6);
    expect(Array.from(b.src.lengths)).toEqual([3, 3]);
  });

  it('pads batch-first on request', () => {
    const p = padSequences([[5, 6, 7], [8]], 0, { batchFirst: true });
    expect(Array.from(p.data)).toEqual([5, 6, 7, 8, 0, 0]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('misaligned sides are an error naming both sides and both counts', () => {
    expect(() => buildParallelCorpus({ train: { src: 'a\nb\n', tgt: 'x\n', srcName: 'train.en', tgtName: 'train.de' } }))
      .toThrow('parallel corpus is misaligned: train.en has 2 lines but train.de has 1; expected one target line per source line');
    expect(() => buildParallelCorpus({ train: { src: '', tgt: '' } })).toThrow(/is empty/);
  });

  it('plans shuffled batches deterministically from the generator state, and buckets lengths on request', () => {
    const a = planBatches(1000, { batchSize: 128, rng: new Rng(5) });
    expect(a).toEqual(planBatches(1000, { batchSize: 128, rng: new Rng(5) }));
    expect(a).not.toEqual(planBatches(1000, { batchSize: 128, rng: new Rng(6) }));
    expect(a.map((b) => b.length)).toEqual([...Array(7).fill(128), 104]);
    expect(a.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const rng = new Rng(1);
    const lengths = Array.from({ length: 1000 }, () => rng.randint(1, 50));
    const spread = (plan: number[][]) => plan.reduce((s, b) => s + Math.max(...b.map((i) => lengths[i]!)) - Math.min(...b.map((i) => lengths[i]!)), 0) / plan.length;
    const bucketed = planBatches(1000, { batchSize: 32, rng: new Rng(2), bucket: { poolBatches: 10 }, lengthOf: (i) => lengths[i]! });
    expect(bucketed.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(spread(bucketed)).toBeLessThan(spread(planBatches(1000, { batchSize: 32, rng: new Rng(2) })) / 4);
    expect(planBatches(10, { batchSize: 4, shuffle: false, dropLast: true })).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  describe.skipIf(!sharedDataAvailable)('W2 on Multi30K', () => {
    let corpus: ParallelCorpus;
    it('5,948 English / 7,879 German types with <pad> <unk> <bos> <eos> = 0..3; 227 batches of ≤ 128', () => {
      corpus = buildParallelCorpus(readParallelSplits(resolve(SHARED_DATA, 'multi30k')));
      expect([corpus.srcVocab.size, corpus.tgtVocab.size]).toEqual([5948, 7879]);
      expect(corpus.tgtVocab.itos.slice(0, 4)).toEqual(['<pad>', '<unk>', '<bos>', '<eos>']);
      expect([corpus.examples.train!.length, corpus.examples.valid!.length, corpus.examples.test!.length]).toEqual([29000, 1014, 1000]);
      const batches = [...seq2seqBatches(corpus.examples.train!, { batchSize: 128, rng: new Rng(0), pad: 0, bos: 2 })];
      expect(batches).toHaveLength(227);
      expect(batches.reduce((s, b) => s + b.src.batchSize, 0)).toBe(29000);
    });

    it.skipIf(!referencePythonAvailable())('vocabularies and encodings equal common.py’s, id for id', () => {
      corpus ??= buildParallelCorpus(readParallelSplits(resolve(SHARED_DATA, 'multi30k')));
      const w1 = buildLmCorpus(readFileSync(resolve(SHARED_DATA, 'tinyshakespeare', 'input.txt'), 'utf8'));
      const ref = runReferencePython<{ w1: string[]; w1test: number[]; en: string[]; de: string[]; test0: number[][] }>(
        'v, ids = common.w1_data(); s, t, enc, raw = common.w2_data()\n' +
        'print(json.dumps({"w1": v.itos, "w1test": ids["test"].tolist(), "en": s.itos, "de": t.itos, "test0": list(enc["test"][0])}))',
        null,
      );
      expect(w1.vocab.itos).toEqual(ref.w1);
      expect(Array.from(w1.ids.test!)).toEqual(ref.w1test);
      expect(corpus.srcVocab.itos).toEqual(ref.en);
      expect(corpus.tgtVocab.itos).toEqual(ref.de);
      expect([Array.from(corpus.examples.test![0]!.src), Array.from(corpus.examples.test![0]!.tgt)]).toEqual(ref.test0);
    });
  });
});
