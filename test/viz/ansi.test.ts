import { afterEach, describe, expect, it, vi } from 'vitest';
import stringWidth from 'string-width';
import { ansiHeatmap, detectColorMode } from '../../src/viz/index.js';

const ESC = '\u001b';
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

const cols = ['a', 'b', 'c', 'd'];
const rows = ['d', 'c', 'b', 'a'];
const weights = rows.map((_, t) => cols.map((_, s) => (s === 3 - t ? 0.97 : 0.01)));

describe('ansiHeatmap', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('prints 24-bit background blocks with the row and column tokens and a legend', () => {
    const out = ansiHeatmap({ weights, rowLabels: rows, colLabels: cols, color: 'truecolor', title: 'reverse' });
    expect(out).toContain(`${ESC}[48;2;`);
    const lines = stripAnsi(out).split('\n');
    expect(lines[0]).toBe('reverse');
    expect(lines[1]).toBe('  a b c d');
    expect(lines.slice(2, 6).map((l) => l[0])).toEqual(rows);
    expect(lines[6]).toMatch(/^weight: 0\.00 .* 1\.00 {2}\(viridis\)$/);
  });

  it('uses xterm 256-colour codes when asked', () => {
    const out = ansiHeatmap({ weights, rowLabels: rows, colLabels: cols, color: '256' });
    expect(out).toContain(`${ESC}[48;5;`);
    expect(out).not.toContain(`${ESC}[48;2;`);
  });

  it('falls back to shade characters, with no escape codes, when colour is off', () => {
    const out = ansiHeatmap({ weights, rowLabels: rows, colLabels: cols, color: false });
    expect(out).not.toContain(ESC);
    expect(out.split('\n')).toEqual([
      '  a b c d',
      'd · · · ██',
      'c · · ██· ',
      'b · ██· · ',
      'a ██· · · ',
      'weight: · <0.20  ░ ≥0.20  ▒ ≥0.40  ▓ ≥0.60  █ ≥0.80',
    ]);
  });

  it('honours NO_COLOR and non-terminals in auto mode; color: true overrides NO_COLOR', () => {
    vi.stubEnv('NO_COLOR', '1');
    expect(detectColorMode()).toBe('none');
    expect(ansiHeatmap({ weights, rowLabels: rows, colLabels: cols })).not.toContain(ESC);
    expect(ansiHeatmap({ weights, rowLabels: rows, colLabels: cols, color: true })).toContain(ESC);
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('COLORTERM', 'truecolor');
    expect(detectColorMode(false)).toBe('truecolor');
  });

  it('fits the terminal width: narrower cells, then columns left out and counted', () => {
    const tokens = Array.from({ length: 60 }, (_, i) => `tok${i}`);
    const w = tokens.map((_, t) => tokens.map((_, s) => (s === t ? 1 : 0)));
    const fits = ansiHeatmap({ weights: w, rowLabels: tokens, colLabels: tokens, color: 'truecolor', width: 80 });
    const plain = stripAnsi(fits).split('\n');
    expect(Math.max(...plain.map((l) => stringWidth(l)))).toBeLessThanOrEqual(80);
    // One column per token: the label of column s starts right above cell s.
    const gutter = 'tok59 '.length;
    expect(plain[0]!.slice(gutter, gutter + 3)).toBe('ttt');
    const narrow = stripAnsi(ansiHeatmap({ weights: w, rowLabels: tokens, colLabels: tokens, color: false, width: 40 })).split('\n');
    expect(Math.max(...narrow.map((l) => stringWidth(l)))).toBeLessThanOrEqual(40);
    expect(narrow[narrow.length - 1]).toBe('26 of 60 columns not shown');
  });

  it('keeps wide and long tokens aligned: labels truncated with …, wide characters fit their cells', () => {
    const out = ansiHeatmap({
      weights: [[1, 0], [0, 1]], rowLabels: ['a-very-long-target-token', '中文'], colLabels: ['中', 'x'], color: false, maxRowLabelWidth: 8,
    });
    const lines = out.split('\n');
    expect(lines).toContain('a-very-… ██· ');
    expect(lines).toContain('    中文 · ██');
    expect(lines[0]).toBe('         中x');
    const widths = lines.slice(1, 3).map((l) => stringWidth(l));
    expect(widths[0]).toBe(widths[1]);
  });

  it('shows NaN cells as ? and says how many', () => {
    const out = ansiHeatmap({ weights: [[NaN, 0.5]], color: false });
    expect(out).toContain('??');
    expect(out).toContain('? = 1 missing (NaN)');
  });

  it('handles an empty matrix and rejects bad options', () => {
    expect(ansiHeatmap({ weights: [], color: false })).toBe('(no attention weights: 0 × 0)');
    expect(() => ansiHeatmap({ weights: [[1]], color: 'sixteen' as never })).toThrow(/color must be/);
    expect(() => ansiHeatmap({ weights: [[1]], width: 5 })).toThrow(/width must be an integer of at least 20/);
  });
});
