import type { Figure } from '../lib/report.js';
import type { TimingOptions } from '../lib/timing.js';

export interface WorkloadContext {
  /** Short timings and a short reference run (a smoke check, not a figure to report). */
  quick: boolean;
  timing: TimingOptions;
  /** Threads glimpse runs with (a peer that takes a thread count gets the same). */
  threads: number;
}

export interface WorkloadResult {
  figures: Figure[];
  /** Versions to record in the JSON report (e.g. torch). */
  versions?: Record<string, unknown>;
}

/** A benchmark workload: bench/main.ts runs it by name and prints / writes what it returns. */
export interface Workload {
  description: string;
  /** Whom the table's second column measures (default PyTorch). */
  peer?: string;
  run(ctx: WorkloadContext): Promise<WorkloadResult>;
}
