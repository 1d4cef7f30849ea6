/** `glimpse bleu`'s engine against sacreBLEU 2.6.0's command line (fixtures/sacrebleu-2.6.0.json). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bleuCommand, decodeUtf8, readSacrebleuLines } from '../../src/metrics/index.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/sacrebleu-2.6.0.json', import.meta.url), 'utf8')) as {
  cli: { ref: string; hyp: string; runs: Record<string, [number, string]> }[];
};

describe('bleuCommand', () => {
  it('prints exactly what `sacrebleu REF [-i HYP] -m M -tok T -f text|json -w W` printed (files with CRLF, BOM, no final newline; stdin)', () => {
    let n = 0;
    fixture.cli.forEach((c, k) => {
      for (const [key, [rc, stdout]] of Object.entries(c.runs)) {
        const [metric, tok, format, width, source] = key.split('|') as ['bleu' | 'chrf', '13a' | 'none', 'text' | 'json', string, 'file' | 'stdin'];
        const run = (): string =>
          bleuCommand({
            refLines: readSacrebleuLines(c.ref, 'file'),
            hypLines: readSacrebleuLines(c.hyp, source),
            hypFromStdin: source === 'stdin',
            metric, tokenize: tok, format, width: Number(width),
          }).lines.join('\n') + '\n';
        if (rc === 0) expect(run(), `corpus ${k} ${key}`).toBe(stdout);
        else expect(run, `corpus ${k} ${key}`).toThrow(/lines but/);
        n++;
      }
    });
    expect(n).toBe(48);
  });

  it('reads files on \\n only and standard input with universal newlines, right-stripping each line', () => {
    expect(readSacrebleuLines('a \r\nb\rc\n', 'file')).toEqual(['a', 'b\rc']);
    expect(readSacrebleuLines('a \r\nb\rc\n', 'stdin')).toEqual(['a', 'b', 'c']);
    expect(readSacrebleuLines('', 'file')).toEqual([]);
    expect(readSacrebleuLines('', 'stdin')).toEqual(['']);
    expect(readSacrebleuLines('x\n\n', 'file')).toEqual(['x', '']);
  });

  it('keeps a byte-order mark and refuses invalid UTF-8', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'ref.txt')).toBe('\ufeffa');
    expect(() => decodeUtf8(new Uint8Array([0x61, 0xff]), 'hyp.txt')).toThrow('hyp.txt is not valid UTF-8 text');
  });

  it('defaults to the text line with two decimals and the signature; -b prints the score only', () => {
    const r = bleuCommand({ refLines: ['The dog bit the man.'], hypLines: ['The dog bit the man.'] });
    expect(r.lines).toEqual(['BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)']);
    expect(bleuCommand({ refLines: ['a b c d e'], hypLines: ['a b c d e'], scoreOnly: true, metric: 'chrf', width: 1 }).lines).toEqual(['100.0']);
  });

  it('warns as sacreBLEU does when 100 hypotheses end in a tokenized period', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} .`);
    expect(bleuCommand({ refLines: lines, hypLines: lines }).warnings[0]).toMatch(/100 lines that end in a tokenized period/);
    expect(bleuCommand({ refLines: lines.slice(1), hypLines: lines.slice(1) }).warnings).toEqual([]);
  });

  it('bad input: line counts, empty hypotheses, tabs on stdin, unknown metric or tokenizer', () => {
    expect(() => bleuCommand({ refLines: ['a', 'b'], refName: 'ref.de', hypLines: ['a'], hypName: 'hyp.de' }))
      .toThrow('bleu: hyp.de has 1 lines but ref.de has 2; expected one hypothesis per reference line');
    expect(() => bleuCommand({ refLines: ['a'], hypLines: [], hypName: 'hyp.de' })).toThrow(/hyp.de has no lines/);
    expect(() => bleuCommand({ refLines: ['a'], hypLines: ['a\tb'], hypFromStdin: true })).toThrow(/line 1 of standard input contains a tab/);
    expect(() => bleuCommand({ refLines: ['a'], hypLines: ['a'], metric: 'ter' as never })).toThrow(/unknown metric "ter"/);
    expect(() => bleuCommand({ refLines: ['a'], hypLines: ['a'], tokenize: 'intl' as never })).toThrow(/unknown tokenizer "intl"/);
  });
});
