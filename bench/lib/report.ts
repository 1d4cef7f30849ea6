/**
 * Shared output of every workload: progress lines, the side-by-side table and the JSON report
 * of ../shared/bench/PROTOCOL.md ({protocol, machine, date, versions, results}).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const PROTOCOL_VERSION = 3;

/** One figure: where more is better (GFLOP/s, tokens/s) or less is (ms, s, bytes). */
export interface Figure {
  id: string;
  unit: string;
  glimpse: number;
  pytorch: number | null;
  /** 'higher' for speeds, 'lower' for times; null for figures that are not compared. */
  better: 'higher' | 'lower' | null;
  /** Extra fields recorded in the JSON (e.g. `epochs`). */
  extra?: Record<string, unknown>;
}

/** glimpse ÷ pytorch for speeds, pytorch ÷ glimpse for times: above 1 means glimpse is faster. */
export function ratio(f: Figure): number | null {
  if (f.pytorch === null || f.better === null || f.glimpse === 0 || f.pytorch === 0) return null;
  return f.better === 'higher' ? f.glimpse / f.pytorch : f.pytorch / f.glimpse;
}

const t0 = Date.now();

/** A progress line on stderr with the seconds since start (the table goes to stdout). */
export function progress(msg: string): void {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
}

function fmt(x: number | null): string {
  if (x === null) return '—';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(1);
  return x.toFixed(2);
}

/** The table: metric | glimpse | PyTorch (or another peer) | ratio. */
export function table(figures: readonly Figure[], peer = 'PyTorch'): string {
  const rows = [['metric', 'unit', 'glimpse', peer, 'ratio'], ...figures.map((f) => {
    const r = ratio(f);
    return [f.id, f.unit, fmt(f.glimpse), fmt(f.pytorch), r === null ? '—' : `${r.toFixed(2)}×`];
  })];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export function machine(): { cores: number; cpu: string } {
  const list = cpus();
  return { cores: list.length, cpu: list[0]?.model ?? 'unknown' };
}

/** The 1-minute load average: other work on the machine skews both sides of a comparison. */
export function load(): number {
  return loadavg()[0]!;
}

function glimpseVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Writes the protocol's JSON report. */
export function writeReport(file: string, figures: readonly Figure[], versions: Record<string, unknown>, loadStart: number): void {
  const report = {
    protocol: PROTOCOL_VERSION,
    machine: { ...machine(), loadavg_start: loadStart, loadavg_end: load() },
    date: new Date().toISOString(),
    versions: { glimpse: glimpseVersion(), node: process.versions.node, ...versions },
    results: figures.map((f) => ({ id: f.id, unit: f.unit, glimpse: f.glimpse, pytorch: f.pytorch, ratio: ratio(f), ...f.extra })),
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
