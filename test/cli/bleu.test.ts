import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glimpse } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-bleu-'));
const ref = join(dir, 'ref.txt');
const hyp = join(dir, 'hyp.txt');
writeFileSync(ref, 'The cat sat on the mat.\nA dog barks.\n');
writeFileSync(hyp, 'The cat sat on a mat.\nA dog barks.\n');

describe('glimpse bleu', () => {
  it('scores a hypothesis file with the sacreBLEU score line and signature', () => {
    const r = glimpse(['bleu', '--ref', ref, '--hyp', hyp]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:2\.\d+\.\d+ = \d+\.\d\d [\d./]+ \(BP = 1\.000 ratio = 1\.000 hyp_len = 11 ref_len = 11\)\n$/);
  });

  it('reads hypotheses from standard input and scores chrF', () => {
    const bleu = glimpse(['bleu', '--ref', ref], { input: 'The cat sat on the mat.\nA dog barks.\n' });
    expect(bleu.stdout).toContain('= 100.00 100.0/100.0/100.0/100.0');
    const chrf = glimpse(['bleu', '--ref', ref, '--hyp', hyp, '--metric', 'chrf']);
    expect(chrf.code).toBe(0);
    expect(chrf.stdout).toMatch(/^chrF2\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no\|version:2\.\d+\.\d+ = \d+\.\d\d\n$/);
  });

  it('fails with one clear line on bad input', () => {
    const missing = glimpse(['bleu', '--ref', join(dir, 'nope.txt'), '--hyp', hyp]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe(`glimpse bleu: reference file ${join(dir, 'nope.txt')} does not exist`);
    const empty = glimpse(['bleu', '--ref', ref], { input: '' });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr.trim()).toBe('glimpse bleu: standard input is empty; expected one hypothesis per reference line (or pass --hyp FILE)');
    const short = glimpse(['bleu', '--ref', ref], { input: 'only one line\n' });
    expect(short.code).not.toBe(0);
    expect(short.stderr.trim().split('\n')).toHaveLength(1);
    expect(short.stderr).toMatch(/1.*2|2.*1/);
    const tok = glimpse(['bleu', '--ref', ref, '--hyp', hyp, '--tokenize', 'zz']);
    expect(tok.code).not.toBe(0);
    expect(tok.stderr).toContain("option '--tokenize <name>' argument 'zz' is invalid. expected one of 13a, none, char");
  });
});
