/**
 * What every lesson of `glimpse lesson NAME` is: a summary line for the list, and a run over
 * the shared flags. Lessons write only under `out` (checked to be a writable folder first).
 */
export interface LessonContext {
  /** The folder for the lesson's pictures, runs and results (exists and is writable). */
  out: string;
  /** A seconds-long version (what the tests run). */
  quick: boolean;
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
