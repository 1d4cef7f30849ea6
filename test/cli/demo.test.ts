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
    // Row t (output letter t) puts its largest weight on input position n − 1 − t: the
    // anti-diagonal. A model stopped at 90 % may be one letter off on a rare row.
    let rows = 0;
    let onDiagonal = 0;
    for (const e of r.examples) {
      const n = e.input.length;
      e.weights.slice(0, n).forEach((row, t) => {
        rows++;
        if (row.indexOf(Math.max(...row)) === n - 1 - t) onDiagonal++;
      });
    }
    expect(rows).toBeGreaterThan(15);
    expect(onDiagonal / rows).toBeGreaterThanOrEqual(0.9);
    expect(r.examples.some((e) => e.correct)).toBe(true);
    expect(existsSync(r.files.attention) && existsSync(r.files.curves)).toBe(true);
    expect(lines.join('\n')).toContain(`attention picture: ${r.files.attention}`);
    expect(lines.join('\n')).toMatch(/weight: · <0\.20/);
  });
});
