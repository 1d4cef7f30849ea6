/**
 * Attention heatmap for the terminal: one coloured block per weight (24-bit or 256-colour
 * background), row tokens on the left, column tokens printed vertically above their columns,
 * a legend line. With colour off (NO_COLOR, a pipe, or `color: false`) the cells are shade
 * characters · ░ ▒ ▓ █ and the output holds no escape codes. Browser-safe.
 */
import ansiStyles from 'ansi-styles';
import stringWidth from 'string-width';
import { check } from '../util/errors.js';
import { type ColorScheme, MISSING_COLOR, checkScheme, schemeRgb } from './colormap.js';
import { type HeatmapDomain, type HeatmapInput, resolveDomain, toMatrix } from './matrix.js';

/** Colour depth: 24-bit, xterm 256-colour, or none (shade characters). */
export type AnsiColorMode = 'truecolor' | '256' | 'none';

/** How the terminal heatmap looks. */
export interface AnsiHeatmapOptions {
  /** `true` = best the terminal supports, `false` = none; default `'auto'`: off when NO_COLOR is set or stdout is not a terminal. */
  color?: boolean | 'auto' | AnsiColorMode;
  /** Terminal width in columns. Default: stdout's width, else 80. */
  width?: number;
  /** Line printed above the heatmap. */
  title?: string;
  scheme?: ColorScheme;
  /** As for the PNG: `[0, 1]` by default, `'auto'` the data's range, `'max'` 0 up to the largest value. */
  domain?: HeatmapDomain;
  /** Longest row label, in columns; longer ones end in '…'. Default 14. */
  maxRowLabelWidth?: number;
  /** Longest column label, in lines; longer ones end in '…'. Default 8. */
  maxColLabelHeight?: number;
}

/** Input of {@link ansiHeatmap}. */
export type AnsiHeatmapInput = HeatmapInput & AnsiHeatmapOptions;

const OP = 'ansiHeatmap';
const SHADES = ['·', '░', '▒', '▓', '█'] as const;
const LEGEND_STEPS = 10;

interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: { isTTY?: boolean; columns?: number };
}

function nodeProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/**
 * Colour depth to use when asked for `'auto'` (or `true`): none if NO_COLOR is set (any value,
 * see no-color.org) or TERM is dumb; otherwise 24-bit where COLORTERM says so, else 256.
 * `'auto'` also turns colour off when stdout is not a terminal.
 */
export function detectColorMode(requireTty = true): AnsiColorMode {
  const proc = nodeProcess();
  const env = proc?.env ?? {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'none';
  if (env.TERM === 'dumb') return 'none';
  if (requireTty && proc?.stdout?.isTTY !== true) return 'none';
  return /truecolor|24bit/i.test(env.COLORTERM ?? '') ? 'truecolor' : '256';
}

function resolveColor(color: AnsiHeatmapOptions['color']): AnsiColorMode {
  if (color === undefined || color === 'auto') return detectColorMode(true);
  if (color === true) return detectColorMode(false) === 'none' ? '256' : detectColorMode(false);
  if (color === false) return 'none';
  check(color === 'truecolor' || color === '256' || color === 'none', () => `${OP}: color must be true, false, 'auto', 'truecolor', '256' or 'none'; got ${String(color)}`);
  return color;
}

function graphemes(s: string): string[] {
  return Array.from(new Intl.Segmenter().segment(s), (g) => g.segment);
}

/** `s` cut to at most `max` terminal columns, ending in '…' when cut. */
function truncate(s: string, max: number): string {
  if (stringWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const g of graphemes(s)) {
    const gw = stringWidth(g);
    if (w + gw > max - 1) break;
    out += g;
    w += gw;
  }
  return `${out}…`;
}

function padStartTo(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(s))) + s;
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function background(mode: AnsiColorMode, [r, g, b]: readonly [number, number, number]): string {
  return mode === 'truecolor' ? ansiStyles.bgColor.ansi16m(r, g, b) : ansiStyles.bgColor.ansi256(ansiStyles.rgbToAnsi256(r, g, b));
}

function formatTick(v: number): string {
  return Math.abs(v) < 1000 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * Renders attention weights as a heatmap for the terminal: target tokens as rows, source tokens
 * as columns (their labels printed top to bottom above each column). Cells are 2 columns wide
 * when the matrix fits `width`, else 1; columns beyond the width are left out and counted.
 *
 * @example
 * console.log(ansiHeatmap({ weights: [[0.1, 0.9], [0.8, 0.2]], rowLabels: ['b', 'a'], colLabels: ['a', 'b'] }));
 */
export function ansiHeatmap(input: AnsiHeatmapInput): string {
  const m = toMatrix(input, OP);
  const mode = resolveColor(input.color);
  const scheme = input.scheme ?? 'viridis';
  checkScheme(scheme, OP);
  const domain = resolveDomain(input.domain, m.rows, OP);
  const width = input.width ?? nodeProcess()?.stdout?.columns ?? 80;
  check(Number.isInteger(width) && width >= 20, () => `${OP}: width must be an integer of at least 20 columns, got ${width}`);
  const maxRowLabel = input.maxRowLabelWidth ?? 14;
  const maxColLabel = input.maxColLabelHeight ?? 8;
  check(Number.isInteger(maxRowLabel) && maxRowLabel >= 1, () => `${OP}: maxRowLabelWidth must be a positive integer, got ${maxRowLabel}`);
  check(Number.isInteger(maxColLabel) && maxColLabel >= 1, () => `${OP}: maxColLabelHeight must be a positive integer, got ${maxColLabel}`);

  const lines: string[] = [];
  if (input.title !== undefined) lines.push(truncate(input.title, width));
  const T = m.rows.length;
  const S = m.cols;
  if (T === 0 || S === 0) {
    lines.push(`(no attention weights: ${T} × ${S})`);
    return lines.join('\n');
  }

  const rowLabels = m.rowLabels.map((l) => truncate(l, maxRowLabel));
  const gutter = Math.max(...rowLabels.map((l) => stringWidth(l))) + 1;
  const room = width - gutter;
  const cellWidth = 2 * S <= room ? 2 : 1;
  const shown = Math.min(S, Math.max(1, room));
  const reset = mode === 'none' ? '' : ansiStyles.reset.open;
  const frac = (v: number): number => (Math.min(domain[1], Math.max(domain[0], v)) - domain[0]) / (domain[1] - domain[0]);

  // Column labels, one character per line, each centred-left in its cell.
  const colChars = m.colLabels.slice(0, shown).map((l) => graphemes(truncateChars(l, maxColLabel)));
  const labelHeight = Math.max(...colChars.map((c) => c.length));
  for (let i = 0; i < labelHeight; i++) {
    let line = ' '.repeat(gutter);
    for (const chars of colChars) line += fitCell(chars[i] ?? ' ', cellWidth);
    lines.push(line.trimEnd());
  }

  let missing = 0;
  for (let t = 0; t < T; t++) {
    let line = `${padStartTo(rowLabels[t]!, gutter - 1)} `;
    for (let s = 0; s < shown; s++) {
      const v = m.rows[t]![s]!;
      if (Number.isNaN(v)) {
        missing++;
        line += mode === 'none' ? '?'.repeat(cellWidth) : `${background(mode, hexRgb(MISSING_COLOR))}${'?'.padEnd(cellWidth)}${reset}`;
      } else if (mode === 'none') {
        const level = Math.min(SHADES.length - 1, Math.floor(frac(v) * SHADES.length));
        line += level === 0 ? '·'.padEnd(cellWidth) : SHADES[level]!.repeat(cellWidth);
      } else {
        line += `${background(mode, schemeRgb(scheme, frac(v)))}${' '.repeat(cellWidth)}${reset}`;
      }
    }
    lines.push(line);
  }

  const notes: string[] = [];
  if (shown < S) notes.push(`${S - shown} of ${S} columns not shown`);
  if (missing > 0) notes.push(`? = ${missing} missing (NaN)`);
  lines.push(...wrap([...legend(mode, scheme, domain), ...notes.map((n, i) => (i < notes.length - 1 ? `${n};` : n))], width));
  return lines.join('\n');
}

/** A label cut to `max` characters (graphemes), ending in '…' when cut. */
function truncateChars(s: string, max: number): string {
  const g = graphemes(s);
  return g.length <= max ? s : `${g.slice(0, max - 1).join('')}…`;
}

/** One label character padded to the cell; a character wider than the cell becomes '·'. */
function fitCell(ch: string, cellWidth: number): string {
  const w = stringWidth(ch);
  if (w > cellWidth) return '·'.padEnd(cellWidth);
  return ch + ' '.repeat(cellWidth - w);
}

/** Legend pieces, each kept whole when the line wraps. */
function legend(mode: AnsiColorMode, scheme: ColorScheme, [lo, hi]: readonly [number, number]): string[] {
  if (mode === 'none') {
    const step = (hi - lo) / SHADES.length;
    return ['weight:', ...SHADES.map((ch, i) => (i === 0 ? `${ch} <${formatTick(lo + step)} ` : `${ch} ≥${formatTick(lo + i * step)} `))];
  }
  let bar = '';
  for (let i = 0; i < LEGEND_STEPS; i++) bar += `${background(mode, schemeRgb(scheme, i / (LEGEND_STEPS - 1)))} `;
  return ['weight:', `${formatTick(lo)} ${bar}${ansiStyles.reset.open} ${formatTick(hi)} `, `(${scheme})`];
}

/** Joins `parts` with spaces into lines no wider than `width` (a part wider than that gets a line of its own). */
function wrap(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const joined = line === '' ? part : `${line} ${part}`;
    if (line !== '' && stringWidth(joined.trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = part;
    } else {
      line = joined;
    }
  }
  if (line !== '') lines.push(line.trimEnd());
  return lines;
}
