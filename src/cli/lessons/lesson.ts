/**
 * What every lesson of `glimpse lesson NAME` is: a summary line for the list, and a run over
 * the shared flags. Lessons write only under `out` (checked to be a writable folder first).
 */
export interface LessonContext {
  /** The folder for the lesson's pictures, runs and results (exists and is writable). */
  out: string;
  /** A seconds-long version (what the tests run). */
  quick: boolean;
  /** The protocol's own settings, where a lesson follows one (`--full`; minutes to hours). */
  full: boolean;
  seed: number;
  /** The lesson's data, when it takes one (`--data`), else undefined for its default. */
  data: string | undefined;
  /** Training steps per model (`--steps`), else undefined for the lesson's budget. */
  steps: number | undefined;
  /** The table and results (stdout). */
  print(line: string): void;
  /** Progress (stderr). */
  say(line: string): void;
}

export interface LessonRule {
  /** One line for `glimpse lesson` with no name. */
  readonly summary: string;
  /** The seed lesson it comes from. */
  readonly source: string;
  run(ctx: LessonContext): Promise<void>;
}

/** A plain text table: a header row and rows, columns padded, numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-\d.,% ×s]+$/.test(r[i]!)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** A small matrix as a text table: one row per label, columns `cols`, numbers to `digits` decimals. */
export function matrixTable(corner: string, cols: readonly string[], rows: readonly string[], values: readonly (readonly number[])[], digits = 3): string[] {
  return textTable([corner, ...cols], values.map((r, i) => [rows[i]!, ...r.map((v) => fixed(v, digits))]));
}

/** A number to `digits` decimals, without a "-0". */
export function fixed(v: number, digits = 3): string {
  const s = v.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** The largest |a_i − b_i| (NaN when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
