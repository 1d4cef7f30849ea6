import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolTokenize, splitLines } from '../../src/data/index.js';
import { corpusBleu, cutAtEos } from '../../src/metrics/index.js';
import { Rng } from '../../src/util/rng.js';
import { referencePythonAvailable, runReferencePython, SHARED_DATA, sharedDataAvailable } from '../helpers/python.js';

const split = (s: string): string[] => s.split(' ');

describe('corpusBleu (PROTOCOL / common.corpus_bleu)', () => {
  it('reproduces the hand-computed example of test_common.py (0.48767)', () => {
    const r = corpusBleu([split('the cat sat on the mat'), split('a b c d')], [split('the cat is on the mat'), split('a b c d e')]);
    expect(r.matches).toEqual([9, 6, 3, 1]);
    expect(r.totals).toEqual([10, 8, 6, 4]);
    expect([r.hypLen, r.refLen]).toEqual([10, 11]);
    expect(r.bp).toBeCloseTo(Math.exp(-0.1), 12);
    expect(Math.abs(r.bleu - 0.48767)).toBeLessThan(5e-5);
    expect(r.bleu).toBeCloseTo(Math.exp(-0.1) * 0.084375 ** 0.25, 12);
  });

  it("clips counts as Papineni et al. (2/7) and gives 1 for identity, 0 for no match, no penalty when longer", () => {
    expect(corpusBleu([split('the the the the the the the')], [split('the cat is on the mat')]).matches[0]).toBe(2);
    const refs = [split('the cat is on the mat'), split('a b c d e')];
    expect(corpusBleu(refs, refs).bleu).toBeCloseTo(1, 12);
    expect(corpusBleu([['x', 'y']], [['a', 'b']]).bleu).toBe(0);
    expect(corpusBleu([split('a b c d e f')], [split('a b c d e')]).bp).toBe(1);
    expect(corpusBleu([[]], [['a']]).bp).toBe(0);
  });

  it('keys n-grams exactly whatever the tokens contain', () => {
    // "a,b" + "c" and "a" + "b,c" must not collide.
    expect(corpusBleu([['a,b', 'c']], [['a', 'b,c']], 2).matches).toEqual([0, 0]);
  });

  it('refuses misaligned input', () => {
    expect(() => corpusBleu([['a']], [])).toThrow(/1 hypotheses but 0 references/);
  });

  it('cuts decoded sequences at <eos>', () => {
    expect(cutAtEos([5, 6, 3, 7], 3)).toEqual([5, 6]);
    expect(cutAtEos([5, 6], 3)).toEqual([5, 6]);
  });

  it.skipIf(!sharedDataAvailable || !referencePythonAvailable())(
    'agrees with common.corpus_bleu to 0.01 on the Multi30K test set (perturbed hypotheses, <unk> kept)',
    () => {
      const refs = splitLines(readFileSync(resolve(SHARED_DATA, 'multi30k', 'test_2016_flickr.de'), 'utf8')).map(protocolTokenize);
      const rng = new Rng(7);
      const vocab = [...new Set(refs.flat())].sort();
      const hyps = refs.map((ref) => {
        const out: string[] = [];
        for (const t of ref) {
          const u = rng.uniform();
          if (u < 0.08) continue; // drop
          if (u < 0.16) out.push(vocab[rng.randint(0, vocab.length)]!); // substitute
          else if (u < 0.2) out.push('<unk>'); // an unknown word never matches
          else out.push(t);
          if (u > 0.97) out.push(t); // repeat
        }
        return out;
      });
      const ours = corpusBleu(hyps, refs);
      const theirs = runReferencePython<{ bleu: number; matches: number[]; totals: number[]; hyp_len: number; ref_len: number }>(
        'd = json.load(sys.stdin); b, det = common.corpus_bleu(d["hyps"], d["refs"]); det["bleu"] = b; print(json.dumps(det))',
        { hyps, refs },
      );
      expect(ours.matches).toEqual(theirs.matches);
      expect(ours.totals).toEqual(theirs.totals);
      expect([ours.hypLen, ours.refLen]).toEqual([theirs.hyp_len, theirs.ref_len]);
      expect(Math.abs(100 * ours.bleu - 100 * theirs.bleu)).toBeLessThan(0.01);
      expect(ours.bleu).toBeGreaterThan(0.3);
      expect(ours.bleu).toBeLessThan(0.9);
    },
  );
});
