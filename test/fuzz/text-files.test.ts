/** Fuzzing the text readers: training corpora (text and parallel files) and BLEU/chrF inputs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { buildExperiment } from '../../src/train/experiment.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { bleuCommand, readSacrebleuLines } from '../../src/metrics/sacrebleu/cli.js';
import { readTextChecked } from '../../src/util/fs-node.js';
import { FUZZ, expectClean } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-fuzz-text-'));

/** File contents: random bytes (often not UTF-8), or lines of words with odd characters. */
const contents = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(fc.array(fc.constantFrom('a', 'the', 'dog', '.', ',', '\t', ' ', '\r', '\u00a0', '\uFEFF', 'Ä', '😀', '\u0000', '__proto__', 'constructor'), { maxLength: 8 }), { maxLength: 12 })
    .map((lines) => new TextEncoder().encode(lines.map((w) => w.join(' ')).join('\n'))),
);

/** A tiny run config reading `source` (as glimpse train builds it: read, tokenised, vocabularies, model). */
function tiny(task: 'lm' | 'translate', source: string) {
  const model = task === 'lm' ? { embeddingSize: 4, hiddenSize: 4, numLayers: 1 } : { embeddingSize: 4, encoderHidden: 4, decoderHidden: 4, attentionSize: 4 };
  const data = task === 'lm' ? { source, minFreq: 1, batchSize: 1, bptt: 2 } : { source, minFreq: 1, batchSize: 1 };
  return resolveRunConfig({ task, data, model });
}

describe('corpus readers under fuzzing', () => {
  it('read a text corpus, or say which file is wrong, in one line', () => {
    const file = join(dir, 'input.txt');
    const config = tiny('lm', file);
    fc.assert(fc.property(contents, (bytes) => {
      writeFileSync(file, bytes);
      expectClean(() => buildExperiment(config), file);
    }), FUZZ);
  });

  it('read parallel splits, or say which file is wrong, in one line', () => {
    const corpus = join(dir, 'parallel');
    fc.assert(fc.property(fc.array(contents, { minLength: 6, maxLength: 6 }), fc.boolean(), (files, dropOne) => {
      rmSync(corpus, { recursive: true, force: true });
      mkdirSync(corpus);
      const names = ['train.en', 'train.de', 'val.en', 'val.de', 'test.en', 'test.de'];
      names.forEach((n, i) => (dropOne && i === 3 ? mkdirSync(join(corpus, n)) : writeFileSync(join(corpus, n), files[i]!)));
      expectClean(() => buildExperiment(tiny('translate', corpus)), corpus);
    }), FUZZ);
  });
});

describe('BLEU and chrF inputs under fuzzing', () => {
  it('score, or say which file is wrong, in one line (as glimpse bleu reads them)', () => {
    const ref = join(dir, 'ref.txt');
    const hyp = join(dir, 'hyp.txt');
    fc.assert(fc.property(contents, contents, fc.constantFrom('bleu', 'chrf') , fc.constantFrom('13a', 'none', 'char'), (r, h, metric, tokenize) => {
      writeFileSync(ref, r);
      writeFileSync(hyp, h);
      expectClean(() => {
        const refLines = readSacrebleuLines(readTextChecked(ref, 'text', { label: 'reference file', keepBom: true }), 'file');
        const hypLines = readSacrebleuLines(readTextChecked(hyp, 'text', { label: 'hypothesis file', keepBom: true }), 'file');
        bleuCommand({ refLines, refName: ref, hypLines, hypName: hyp, metric, tokenize });
      }, dir);
    }), FUZZ);
  });
});
