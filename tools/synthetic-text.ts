/**
 * Writes a synthetic corpus for timing `glimpse bpe learn` (docs/subwords.md): LINES lines of
 * 5–25 words drawn from a Zipf(1.1) distribution over 300,000 pseudo-words built from
 * syllables, so the corpus has a realistic long tail of word types. Seeded: the same file each time.
 *
 *   npx tsx tools/synthetic-text.ts OUT [LINES=1000000] [SEED=1]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Rng } from '../src/util/rng.js';

const [out, linesArg = '1000000', seedArg = '1'] = process.argv.slice(2);
if (!out) {
  console.error('usage: npx tsx tools/synthetic-text.ts OUT [LINES] [SEED]');
  process.exit(2);
}
const rng = new Rng(Number(seedArg));
const onsets = ['', 'b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'st', 'tr', 'ch', 'sch', 'br', 'pl'];
const vowels = ['a', 'e', 'i', 'o', 'u', 'ei', 'au', 'ä', 'ö', 'ü', 'ie'];
const codas = ['', '', 'n', 'r', 's', 't', 'ng', 'ck', 'l', 'm', 'st', 'nd'];
const pick = <T>(xs: readonly T[]): T => xs[rng.randint(0, xs.length)]!;
const WORDS = 300_000;
const lexicon: string[] = [];
for (let i = 0; i < WORDS; i++) {
  let w = '';
  const syllables = 1 + Math.min(4, Math.floor(-Math.log(1 - rng.uniform()) * 1.3));
  for (let s = 0; s < syllables; s++) w += pick(onsets) + pick(vowels) + pick(codas);
  lexicon.push(rng.uniform() < 0.1 ? w[0]!.toUpperCase() + w.slice(1) : w);
}
// Zipf(1.1) by inverting the cumulative weights.
const cumulative = new Float64Array(WORDS);
let total = 0;
for (let r = 0; r < WORDS; r++) cumulative[r] = total += 1 / (r + 1) ** 1.1;
const draw = (): string => {
  const u = rng.uniform() * total;
  let lo = 0;
  let hi = WORDS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lexicon[lo]!;
};
const fd = openSync(out, 'w');
let buffer = '';
for (let i = 0; i < Number(linesArg); i++) {
  const n = 5 + rng.randint(0, 21);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(draw());
  buffer += `${words.join(' ')} .\n`;
  if (buffer.length > 1 << 20) {
    writeSync(fd, buffer);
    buffer = '';
  }
}
writeSync(fd, buffer);
closeSync(fd);
