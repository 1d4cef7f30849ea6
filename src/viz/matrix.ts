/**
 * The one input form every heatmap takes: a T×S matrix of attention weights (row t = target or
 * query token, column s = source or key token) with a label per row and per column. Plain data
 * only — number[][] or Float32Array rows, or a flat array with its shape — so that the picture
 * code stays tensor-free and runs in the browser as it does in Node.
 */
import { check } from '../util/errors.js';

/** Weights as rows (`number[][]`, `Float32Array[]`) or flat row-major data with `shape: [T, S]`. */
export type WeightsInput = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

/** What every heatmap builder takes. */
export interface HeatmapInput {
  /** α[t][s]: the weight target/query token t gives source/key token s. NaN marks a missing cell. */
  weights: WeightsInput;
  /** Needed only when `weights` is flat: `[T, S]`. */
  shape?: readonly [number, number];
  /** T labels, one per row (target / query tokens). Defaults to `0 … T−1`. */
  rowLabels?: readonly string[];
  /** S labels, one per column (source / key tokens). Defaults to `0 … S−1`. */
  colLabels?: readonly string[];
}

/** A checked matrix: `rows[t][s]`, with exactly `rows.length` row labels and `cols` column labels. */
export interface Matrix {
  rows: number[][];
  cols: number;
  rowLabels: string[];
  colLabels: string[];
}

function isRowList(w: WeightsInput): w is ReadonlyArray<ArrayLike<number>> {
  if (w.length === 0) return Array.isArray(w);
  const first = (w as ArrayLike<unknown>)[0];
  return typeof first === 'object' && first !== null;
}

/**
 * Validates `input` and copies it into plain rows. Every row must have the same length, labels
 * must match the matrix, and values must be numbers (NaN is allowed: it draws as a missing cell).
 * `op` names the caller in error messages.
 */
export function toMatrix(input: HeatmapInput, op: string): Matrix {
  check(input !== null && typeof input === 'object', `${op}: expected an object {weights, rowLabels, colLabels}, got ${String(input)}`);
  const { weights, shape } = input;
  check(weights !== null && typeof weights === 'object' && typeof weights.length === 'number',
    () => `${op}: weights must be number[][], Float32Array[] or a flat array with shape; got ${typeof weights}`);
  let rows: number[][];
  if (isRowList(weights)) {
    rows = Array.from(weights, (row) => Array.from(row, Number));
  } else {
    check(shape !== undefined, () => `${op}: flat weights (length ${weights.length}) need shape: [T, S]`);
    const [t, s] = shape;
    check(Number.isInteger(t) && Number.isInteger(s) && t >= 0 && s >= 0,
      () => `${op}: shape must be two non-negative integers, got [${String(t)}, ${String(s)}]`);
    check(t * s === weights.length, () => `${op}: shape [${t}, ${s}] needs ${t * s} weights, got ${weights.length}`);
    rows = Array.from({ length: t }, (_, r) => Array.from({ length: s }, (_, c) => Number(weights[r * s + c])));
  }
  const cols = rows.length > 0 ? rows[0]!.length : (input.colLabels?.length ?? 0);
  rows.forEach((row, r) => {
    check(row.length === cols, () => `${op}: weights must be rectangular: row 0 has ${cols} values, row ${r} has ${row.length}`);
  });
  if (shape !== undefined && isRowList(weights)) {
    check(shape[0] === rows.length && shape[1] === cols,
      () => `${op}: shape [${shape[0]}, ${shape[1]}] does not match weights of ${rows.length}×${cols}`);
  }
  const rowLabels = labelsFor(input.rowLabels, rows.length, 'rowLabels', 'rows (T)', op);
  const colLabels = labelsFor(input.colLabels, cols, 'colLabels', 'columns (S)', op);
  return { rows, cols, rowLabels, colLabels };
}

function labelsFor(labels: readonly string[] | undefined, n: number, name: string, what: string, op: string): string[] {
  if (labels === undefined) return Array.from({ length: n }, (_, i) => String(i));
  check(Array.isArray(labels), () => `${op}: ${name} must be an array of strings`);
  check(labels.length === n, () => `${op}: ${name} has ${labels.length} labels but the weights have ${n} ${what}`);
  return labels.map(String);
}

/** Finite min and max over the matrix, or undefined when it holds no finite value. */
/**
 * What the colour scale spans: a fixed `[lo, hi]` (default `[0, 1]`, the range of attention
 * weights), `'auto'` the data's range, or `'max'` 0 up to the data's largest value (attention
 * that never concentrates then still shows its shape).
 */
export type HeatmapDomain = readonly [number, number] | 'auto' | 'max';

export function finiteRange(rows: readonly (readonly number[])[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    for (const v of row) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** `[lo, hi]` the colour scale spans: `[0, 1]` by default, the data's range for `'auto'`. */
export function resolveDomain(domain: HeatmapDomain | undefined, rows: readonly (readonly number[])[], op: string): [number, number] {
  if (domain === undefined) return [0, 1];
  if (domain === 'max') {
    // Attention weights: 0 up to the largest weight, so diffuse attention is not all dark.
    const range = finiteRange(rows);
    if (range === undefined || range[1] <= 0) return [0, 1];
    return [Math.min(0, range[0]), range[1]];
  }
  if (domain === 'auto') {
    const range = finiteRange(rows);
    if (range === undefined) return [0, 1];
    return range[0] === range[1] ? [range[0] - 0.5, range[1] + 0.5] : range;
  }
  const [lo, hi] = domain;
  check(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, () => `${op}: domain must be [lo, hi] with lo < hi, both finite; got [${lo}, ${hi}]`);
  return [lo, hi];
}
