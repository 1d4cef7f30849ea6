import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.js';
import { loadSentencePiece, loadSubwordModel, SENTENCEPIECE_MODEL_PROTO, type SentencePieceModel } from '../../src/data/subwords/index.js';
import {
  adversarialBytes, byteLines, multi30kTestBytes, SPM_AVAILABLE, SPM_MISSING_MESSAGE, spmDecode, spmEncode, spmTrain, writeTrainingCorpus,
} from '../helpers/spm.js';

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true }); // keep a U+FEFF inside the text
const text = (b: Uint8Array): string => UTF8.decode(b);

// Models trained by spm_train with the options each feature needs; every one is checked against
// spm_encode and spm_decode on Multi30K test sentences and adversarial text.
const MODELS: Array<[string, string[]]> = [
  ['unigram (nmt_nfkc)', ['--vocab_size=400']],
  ['bpe (nmt_nfkc)', ['--vocab_size=400', '--model_type=bpe']],
  ['unigram, byte fallback, user-defined and control symbols',
    ['--vocab_size=600', '--byte_fallback=true', '--user_defined_symbols=<sep>,@@,Mann,😀,ab', '--control_symbols=<cls>']],
  ['bpe, byte fallback, user-defined and control symbols',
    ['--vocab_size=600', '--model_type=bpe', '--byte_fallback=true', '--user_defined_symbols=<sep>,@@,Mann,😀,ab', '--control_symbols=<cls>']],
  ['unigram, identity, extra whitespace kept, no dummy prefix, self-test samples',
    ['--vocab_size=400', '--normalization_rule_name=identity', '--remove_extra_whitespaces=false', '--add_dummy_prefix=false', '--self_test_sample_size=10']],
  ['bpe, nmt_nfkc_cf, whitespace as suffix', ['--vocab_size=400', '--model_type=bpe', '--normalization_rule_name=nmt_nfkc_cf', '--treat_whitespace_as_suffix=true']],
  ['word', ['--vocab_size=1500', '--model_type=word']],
  ['char', ['--vocab_size=120', '--model_type=char']],
];

if (!SPM_AVAILABLE) console.warn(SPM_MISSING_MESSAGE);

describe.skipIf(!SPM_AVAILABLE)('SentencePiece models give what spm_encode and spm_decode give', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-spm-'));
  const corpus = join(dir, 'corpus.txt');
  const input = Buffer.concat([multi30kTestBytes(), adversarialBytes()]);
  beforeAll(() => writeTrainingCorpus(corpus, 1000));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  MODELS.forEach(([name, args], i) => {
    describe(name, () => {
      let path = '';
      let model: SentencePieceModel;
      beforeAll(() => {
        path = spmTrain(dir, `m${i}`, corpus, args);
        model = loadSentencePiece(readFileSync(path), path);
      });

      it('encodes Multi30K test sentences and adversarial lines piece for piece', () => {
        const expected = byteLines(spmEncode(path, input)).map(text);
        const got = byteLines(input).map((line) => model.encodeBytes(line).join(' '));
        expect(got.length).toBe(2000 + 50);
        expect(got).toEqual(expected);
      });

      it('decodes pieces (its own and hand-written ones) into the text spm_decode gives', () => {
        const pieces = Buffer.concat([
          spmEncode(path, input),
          Buffer.from('▁a ▁b\n\n▁ ▁ a\n<unk> x\n<s> ▁Ein </s>\n<0x41> <0xC3> <0xA4> ▁x <0xFF> <0xE2> <0x82>\n  ▁double  space\n▁\n<cls> ▁<sep> @@\n'),
        ]);
        const expected = byteLines(spmDecode(path, pieces)).map(text);
        expect(byteLines(pieces).map((line) => model.decode(text(line).split(' ')))).toEqual(expected);
      });
    });
  });

  it('rebuilds the same model from serialize() and reports what it is', () => {
    const path = spmTrain(dir, 'bpe-small', corpus, ['--vocab_size=300', '--model_type=bpe']);
    const model = loadSentencePiece(readFileSync(path), path);
    const again = loadSubwordModel({ kind: 'spm', bytes: model.serialize(), name: 'copy' });
    expect(again.encode('Ein Mann mit einem Hut.')).toEqual(model.encode('Ein Mann mit einem Hut.'));
    expect(model.toJSON()).toEqual({ kind: 'spm', name: path, size: 300, algorithm: 'bpe' });
    // BPE-dropout on SentencePiece BPE: seeded, and decoding still gives the text back.
    const line = 'Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.';
    const sample = (seed: number): string[] => model.encode(line, { dropout: 0.3, rng: new Rng(seed) });
    expect(sample(1)).toEqual(sample(1));
    expect(sample(1).length).toBeGreaterThan(model.encode(line).length);
    expect(model.decode(sample(2))).toBe(line);
  });
});

// Hand-made models (protobufjs writes them from glimpse's schema) for exact expectations and errors.
const ModelProto = protobuf.parse(SENTENCEPIECE_MODEL_PROTO, { keepCase: true }).root.lookupType('sentencepiece.ModelProto');
const PIECES = [
  { piece: '<unk>', score: 0, type: 2 }, { piece: '<s>', score: 0, type: 3 }, { piece: '▁ab', score: -1 },
  { piece: '▁a', score: -2 }, { piece: 'b', score: -2.5 }, { piece: 'a', score: -3 }, { piece: '▁', score: -4 },
  { piece: 'XY', score: 0, type: 4 },
];
function makeModel(overrides: Record<string, unknown> = {}): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject({
    pieces: PIECES, trainer_spec: { model_type: 1 }, normalizer_spec: { name: 'identity' }, ...overrides,
  })).finish();
}

describe('hand-made SentencePiece models', () => {
  it('segments by the best-scoring path; unknown characters score min − 10 and are merged into one piece', () => {
    const m = loadSentencePiece(makeModel(), 'hand.model');
    expect(m.encode('ab')).toEqual(['▁ab']);
    expect(m.encode('ba  ab')).toEqual(['▁', 'b', 'a', '▁ab']);
    expect(m.encode('abcd xXYa')).toEqual(['▁ab', 'cd', '▁', 'x', 'XY', 'a']);
    expect(m.encode('   ')).toEqual([]);
    expect(m.decode(['▁ab', 'cd', '▁a', '<s>', '<unk>'])).toBe('abcd a ⁇ ');
  });

  it('segments a BPE model by piece scores', () => {
    const m = loadSentencePiece(makeModel({ trainer_spec: { model_type: 2 } }), 'hand-bpe.model');
    expect(m.encode('ab ba')).toEqual(['▁ab', '▁', 'b', 'a']);
    expect(() => m.encode('ab', { dropout: 0.5 })).toThrow(/needs a seeded rng/);
    expect(() => loadSentencePiece(makeModel(), 'u.model').encode('ab', { dropout: 0.1, rng: new Rng(1) }))
      .toThrow(/u\.model: dropout applies to BPE models; this SentencePiece model is unigram/);
  });

  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['an empty file', () => new Uint8Array(0), /bad\.model is empty; expected a SentencePiece model/],
    ['a truncated model', () => makeModel().subarray(0, 25), /bad\.model is not a SentencePiece model \(protobuf decoding failed: .*\); expected a SentencePiece model/],
    ['a safetensors file', () => readFileSync('test/data/torch_small.safetensors'), /bad\.model is a safetensors file, not a SentencePiece model/],
    ['a BPE codes file', () => new TextEncoder().encode('#version: 0.2\nl o\nlo w</w>\n'), /bad\.model is not a SentencePiece model \(protobuf decoding failed/],
    ['no pieces', () => ModelProto.encode(ModelProto.fromObject({ trainer_spec: { model_type: 1 } })).finish(), /bad\.model has no pieces/],
    // trainer_spec (field 2) { model_type (field 3) = 9 } appended: protobuf merges it into the first.
    ['an unknown model type', () => Uint8Array.of(...makeModel(), 0x12, 0x02, 0x18, 0x09), /bad\.model: unknown SentencePiece model type 9/],
    ['no <unk>', () => makeModel({ pieces: PIECES.slice(1) }), /bad\.model: no unknown piece \(<unk>\)/],
    ['a piece twice', () => makeModel({ pieces: [...PIECES, { piece: 'a', score: -1 }] }), /bad\.model: piece 'a' is defined twice \(ids 5 and 8\)/],
    ['byte pieces without byte fallback', () => makeModel({ pieces: [...PIECES, { piece: '<0x41>', type: 6 }] }), /byte piece '<0x41>' found although the model has no byte fallback/],
    ['byte fallback without its 256 byte pieces', () => makeModel({ trainer_spec: { model_type: 1, byte_fallback: true } }), /byte fallback but not all 256 byte pieces/],
    ['a broken charsmap', () => makeModel({ normalizer_spec: { name: 'nmt_nfkc', precompiled_charsmap: Uint8Array.of(200, 0, 0, 0, 1, 2) } }), /bad\.model: the normalizer's precompiled charsmap is broken/],
    ['failing self-test samples', () => makeModel({ self_test_data: { samples: [{ input: 'ab', expected: '▁a b' }] } }), /bad\.model: self-test failed on 'ab': expected '▁a b', got '▁ab'/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`refuses ${what} with one line naming the file`, () => {
      let error: Error | null = null;
      try {
        loadSentencePiece(bytes(), 'bad.model');
      } catch (e) {
        error = e as Error;
      }
      expect(error?.name).toBe('GlimpseError');
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain('\n');
    });
  }
});
