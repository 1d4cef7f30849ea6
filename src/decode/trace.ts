import type { StepOutput } from './types.js';

/** What a hypothesis keeps of the model's attention, step by step (when asked to). */
export interface Trace {
  attention?: number[][];
  memberAttention?: number[][][];
}

/** An empty trace, or none when attention is not wanted. */
export function startTrace(withAttention: boolean | undefined): Trace {
  return withAttention ? { attention: [] } : {};
}

/** `trace` followed by row `row` of one step's output (a new trace; the old one is kept for other beams). */
export function extendTrace(trace: Trace, out: StepOutput<unknown>, row: number): Trace {
  if (!trace.attention || !out.attention) return trace;
  const next: Trace = { attention: [...trace.attention, out.attention[row]!] };
  if (out.memberAttention) {
    const prev = trace.memberAttention ?? out.memberAttention.map(() => []);
    next.memberAttention = out.memberAttention.map((a, m) => (a ? [...prev[m]!, a[row]!] : prev[m]!));
  }
  return next;
}

/** Appends row `row` of one step's output to `trace` in place (greedy decoding and sampling, one trace per row). */
export function pushTrace(trace: Trace, out: StepOutput<unknown>, row: number): void {
  if (!trace.attention || !out.attention) return;
  trace.attention.push(out.attention[row]!);
  if (out.memberAttention) {
    trace.memberAttention ??= out.memberAttention.map(() => []);
    out.memberAttention.forEach((a, m) => {
      if (a) trace.memberAttention![m]!.push(a[row]!);
    });
  }
}
