import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';

describe('glimpse demo', () => {
  it('learns reversal; each output letter attends to the input letter it copies (the anti-diagonal)', async () => {
    const lines: string[] = [];
    const r = await runDemo({ runsDir: mkdtempSync(join(tmpdir(), 'glimpse-demo-')), quick: true, progress: false, out: (l) => lines.push(l), color: false });
    expect(r.summary.test!.exact).toBeGreaterThanOrEqual(0.8);
    // Row t of the attention (output letter t) puts its largest weight on an input position
    // holding the letter it emitted: the anti-diagonal when the output is right, and still
    // the copied letter when a model stopped at 90 % slips.
    let rows = 0;
    let onCopiedLetter = 0;
    for (const e of r.examples) {
      [...e.output].forEach((letter, t) => {
        const row = e.weights[t]!;
        rows++;
        if (e.input[row.indexOf(Math.max(...row))] === letter) onCopiedLetter++;
      });
    }
    expect(rows).toBeGreaterThan(15);
    expect(onCopiedLetter / rows).toBeGreaterThanOrEqual(0.9);
    expect(r.examples.some((e) => e.correct)).toBe(true);
    expect(existsSync(r.files.attention) && existsSync(r.files.curves)).toBe(true);
    expect(lines.join('\n')).toContain(`attention picture: ${r.files.attention}`);
    expect(lines.join('\n')).toMatch(/weight: · <0\.20/);
  });
});
