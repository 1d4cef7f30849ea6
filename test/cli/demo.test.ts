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
    for (const e of r.examples.filter((x) => x.correct)) {
      const n = e.input.length;
      // Row t (output letter t) puts its largest weight on input position n − 1 − t.
      e.weights.slice(0, n).forEach((row, t) => expect(row.indexOf(Math.max(...row))).toBe(n - 1 - t));
    }
    expect(r.examples.some((e) => e.correct)).toBe(true);
    expect(existsSync(r.files.attention) && existsSync(r.files.curves)).toBe(true);
    expect(lines.join('\n')).toContain(`attention picture: ${r.files.attention}`);
    expect(lines.join('\n')).toMatch(/weight: · <0\.20/);
  });
});
