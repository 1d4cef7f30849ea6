import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether SentencePiece's command-line tools (Debian package `sentencepiece`) are installed. */
export const SPM_AVAILABLE = spawnSync('spm_encode', ['--help'], { encoding: 'utf8' }).error === undefined;
export const SPM_MISSING_MESSAGE = 'spm_train/spm_encode not found: install SentencePiece\'s tools (apt-get install sentencepiece) to run the SentencePiece comparisons';

const MULTI30K = '../shared/data/multi30k';

/** Lines nobody would write on purpose: whitespace runs, tabs, NFKC cases, unknown characters, empty lines. */
export const ADVERSARIAL_LINES = [
  '', ' ', '   ', '\t', ' leading space', 'trailing space ', '  both  ', 'multiple    spaces   inside',
  'tab\tinside', '\ttab leading', 'mixed \t \t whitespace', 'Café naïve résumé Ångström', 'Straße Größe Fußgänger',
  'Ｆｕｌｌ－ｗｉｄｔｈ　ｔｅｘｔ１２３', 'ﾊﾝｶｸ ｶﾀｶﾅ', '① ② ③ ㈱ ㌔ ﬁ ﬂ', 'x² H₂O ½ ¼', '12345 67.89 3,000,000',
  'emoji 😀👍🏽 text', '中文字符 日本語 한국어', 'العربية עברית', 'Ελληνικά Русский',
  'zero\u200bwidth\u200djoiner', 'soft\u00adhyphen', 'nbsp\u00a0here', 'ideographic\u3000space',
  'control\u0001\u0002chars\u007f', '\u2028line sep', 'combining e\u0301 a\u0308', '▁already▁escaped ▁',
  '<unk> <s> </s> <sep> <cls>', 'a'.repeat(200), `${'ab'.repeat(100)} end`, '\ufffd replacement', 'quotes “curly” ‘single’ «guillemets»',
  'dashes – — ‒ ellipsis …', 'ℌℑℜ ℵ Ⅸ ⅸ ĳ Ĳ ŉ', 'ＡＢＣ ａｂｃ', '\r carriage', 'end\r', 'Mann Mann@@ ab',
  '\ufeffbyte-order mark first', 'a byte-order\ufeffmark inside', 'NUL\u0000inside',
];

/** The adversarial lines as one UTF-8 file, plus lines of malformed UTF-8 and a last line without newline. */
export function adversarialBytes(): Buffer {
  return Buffer.concat([
    Buffer.from(ADVERSARIAL_LINES.map((l) => `${l}\n`).join('')),
    Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0x0a, 0xc3, 0x20, 0x74, 0x0a, 0xe2, 0x82, 0x0a, 0xed, 0xa0, 0x80, 0x0a, 0xf4, 0x90, 0x80, 0x80, 0x0a]),
    Buffer.from('last line without newline'),
  ]);
}

/** The first `n` lines of Multi30K train.en and train.de plus the adversarial lines: a small training corpus. */
export function writeTrainingCorpus(path: string, n: number): void {
  const head = (f: string): string => readFileSync(join(MULTI30K, f), 'utf8').split('\n').slice(0, n).join('\n');
  writeFileSync(path, `${head('train.en')}\n${head('train.de')}\n${ADVERSARIAL_LINES.join('\n')}\n`);
}

/** Multi30K test sentences (both languages) as one file's bytes. */
export function multi30kTestBytes(): Buffer {
  return Buffer.concat([readFileSync(join(MULTI30K, 'test_2016_flickr.en')), readFileSync(join(MULTI30K, 'test_2016_flickr.de'))]);
}

/** Trains `dir/name.model` with spm_train (two threads, quiet); throws with its log on failure. */
export function spmTrain(dir: string, name: string, corpus: string, args: string[]): string {
  const r = spawnSync('spm_train', [`--input=${corpus}`, `--model_prefix=${join(dir, name)}`, '--num_threads=2', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spm_train ${name} failed:\n${r.stderr.slice(-2000)}`);
  return join(dir, `${name}.model`);
}

function run(tool: string, model: string, input: Buffer): Buffer {
  const r = spawnSync(tool, [`--model=${model}`], { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr.toString().slice(-1000)}`);
  return r.stdout;
}

/** `spm_encode --output_format=piece` of `input`. */
export const spmEncode = (model: string, input: Buffer): Buffer => run('spm_encode', model, input);
/** `spm_decode` of lines of pieces. */
export const spmDecode = (model: string, input: Buffer): Buffer => run('spm_decode', model, input);

/** A file's bytes split at `\n` as `std::getline` reads them (a last line without `\n` included). */
export function byteLines(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}
