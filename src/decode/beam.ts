import { GlimpseError, check } from '../util/errors.js';
import { argmaxRow } from './logits.js';
import { type ScoringOptions, scorer } from './scoring.js';
import { Steering, type Track } from './steer.js';
import { type Trace, extendTrace, startTrace } from './trace.js';
import type { DecodeOptions, Hypothesis, StepModel } from './types.js';

export interface BeamOptions extends DecodeOptions, ScoringOptions {
  /** Beam width (≥ 1). */
  beam: number;
  /** How many finished hypotheses to return, best first (≤ beam). Default 1. */
  nBest?: number;
  /**
   * When given, the search appends each step's nodes to it (`history[t]`: step t + 1), for
   * drawing the search as a tree; the default path records nothing.
   */
  history?: BeamNode[][];
}

/**
 * A hypothesis the search kept at one step (or ended there): its last token and where it came
 * from. A node that is not finished, has no score and no children at the next step was pruned.
 */
export interface BeamNode {
  /** Index of the node it extends in the previous step's nodes (−1 at the first step: the start token). */
  parent: number;
  token: number;
  /** Σ of the model's log-probabilities of its tokens: its parent's plus this token's. */
  logProb: number;
  /** Whether `token` is the end token (the hypothesis left the beam here). */
  finished: boolean;
  /** The score it was ranked by among the final hypotheses (finished, or alive at `maxTokens`); absent for the others. */
  score?: number;
  /** This step's attention row over the source (when `withAttention` and the model reports it). */
  attention?: number[];
}

interface Alive {
  track: Track;
  /** Σ of the model's log-probabilities. */
  logProb: number;
  /** Σ of the scores the processors left (what the search ranks by; equal to logProb when none is on). */
  search: number;
  trace: Trace;
  /** Its node's index in the current step of `history` (−1 before the first step, or when nothing is recorded). */
  node: number;
  /** Σ_j attention over each source position (the coverage penalty's input), or null when β = 0. */
  coverage: Float64Array | null;
}

interface Candidate {
  row: number;
  tok: number;
  /** Parent's search score + this token's. */
  search: number;
}

/**
 * Beam search for one source (the state has one row): keeps the `beam` best partial
 * hypotheses; a hypothesis that emits the end token leaves the beam, scored by
 * log P / lp(|Y|) + β·cp (length and coverage penalties, `scoring.ts`); the search stops when
 * `beam` hypotheses have finished or after `maxTokens` steps (then the unfinished ones compete
 * too). The processors (`processors/`) shape every step's scores. With lexical constraints the
 * beam is shared out between hypotheses by how many constraint tokens they have met (dynamic
 * beam allocation, Post & Vilar 2018), so hypotheses that placed a constraint early survive
 * beside the unconstrained best. With beam 1 and no constraints it returns the greedy sequence.
 *
 * @example
 * const best = beamSearch(model, state, { beam: 5, start: BOS, end: EOS, maxTokens: 50, lengthPenalty: 'wu', alpha: 0.6, beta: 0.2 })[0];
 */
export function beamSearch<S>(model: StepModel<S>, state: S, options: BeamOptions): Hypothesis[] {
  const { beam, maxTokens } = options;
  const nBest = options.nBest ?? 1;
  check(Number.isInteger(beam) && beam >= 1, `beam size must be a positive integer, got ${beam}`);
  check(Number.isInteger(nBest) && nBest >= 1 && nBest <= beam, `n-best must be an integer in [1, beam = ${beam}], got ${nBest}`);
  check(Number.isInteger(maxTokens) && maxTokens > 0, `maxTokens must be a positive integer, got ${maxTokens}`);
  const V = model.vocabSize;
  const rank = scorer(options);
  const steer = new Steering(options, { vocabSize: V, end: options.end, maxTokens });
  const finished: Hypothesis[] = [];
  const history = options.history;
  const done = (a: Alive, trace: Trace, search: number, logProb: number, length: number, isEnd: boolean, coverage: Float64Array | null, node?: BeamNode): void => {
    const score = rank.score(search, length, coverage);
    finished.push({ tokens: [...a.track.tokens], finished: isEnd, logProb, score, ...trace });
    if (node) node.score = score;
  };
  let alive: Alive[] = [{ track: steer.start(), logProb: 0, search: 0, trace: startTrace(options.withAttention), node: -1, coverage: null }];
  let s = state;
  let prev = Int32Array.of(typeof options.start === 'number' ? options.start : options.start[0]!);
  for (let t = 0; t < maxTokens; t++) {
    const out = model.step(s, prev);
    if (rank.beta > 0 && !out.attention) throw new GlimpseError('the coverage penalty (beta > 0) needs a model that reports its attention over the source; this one reports none');
    const scores = steer.active ? stepScores(steer, out.logProbs, alive, V) : out.logProbs;
    // Candidates: every (row, token) by cumulative score; the best 2·beam suffice to refill the
    // beam after end tokens leave it (plus, with constraints, every token that advances one).
    let cand = topCandidates(scores, alive.map((a) => a.search), V, Math.min(2 * beam, alive.length * V));
    const tracks = new Map<Candidate, Track>();
    if (steer.constraints) cand = allocate(cand, constraintCandidates(steer, scores, alive, V), steer, alive, tracks, options.end);
    const next: Alive[] = [];
    const rows: number[] = [];
    const toks: number[] = [];
    const nodes: BeamNode[] | null = history ? [] : null;
    for (const c of cand) {
      const parent = alive[c.row]!;
      const trace = extendTrace(parent.trace, out, c.row);
      const logProb = parent.logProb + out.logProbs[c.row * V + c.tok]!;
      const coverage = rank.beta > 0 ? addCoverage(parent.coverage, out.attention![c.row]!) : null;
      const isEnd = options.end !== null && c.tok === options.end;
      const node = nodes ? recordNode(nodes, parent.node, c.tok, logProb, isEnd, options.withAttention ? out.attention?.[c.row] : undefined) : undefined;
      if (isEnd) {
        done(parent, trace, c.search, logProb, t + 1, true, coverage, node);
      } else {
        next.push({ track: tracks.get(c) ?? steer.advance(parent.track, c.tok), logProb, search: c.search, trace, node: nodes ? nodes.length - 1 : -1, coverage });
        rows.push(c.row);
        toks.push(c.tok);
      }
      if (next.length === beam) break;
    }
    if (nodes) history!.push(nodes);
    if (finished.length >= beam || next.length === 0) break;
    alive = next;
    s = model.select(out.state, Int32Array.from(rows));
    prev = Int32Array.from(toks);
    if (t === maxTokens - 1) for (const a of alive) done(a, a.trace, a.search, a.logProb, maxTokens, false, a.coverage, nodes?.[a.node]);
  }
  // Stable sort: among equal scores the earlier (found first) wins, as a max over a list does.
  return finished.map((h, i) => [h, i] as const).sort((a, b) => b[0].score - a[0].score || a[1] - b[1]).slice(0, nBest).map(([h]) => h);
}

/** Appends one node to a step's record and returns it. */
function recordNode(nodes: BeamNode[], parent: number, token: number, logProb: number, finished: boolean, attention: readonly number[] | undefined): BeamNode {
  const node: BeamNode = { parent, token, logProb, finished, ...(attention ? { attention: [...attention] } : {}) };
  nodes.push(node);
  return node;
}

/** Every alive row's scores after the processors, as one [n·V] array. */
function stepScores(steer: Steering, logProbs: Float32Array, alive: readonly Alive[], V: number): Float32Array {
  const out = new Float32Array(alive.length * V);
  alive.forEach((a, r) => out.set(steer.scores(logProbs.subarray(r * V, (r + 1) * V), a.track), r * V));
  return out;
}

function addCoverage(prev: Float64Array | null, weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length);
  for (let i = 0; i < c.length; i++) c[i] = (prev?.[i] ?? 0) + weights[i]!;
  return c;
}

/** The `want` best (row, token) pairs by parent score + step score, best first (ties: lower index first); masked (−∞) pairs never. */
function topCandidates(scores: Float32Array, parents: number[], V: number, want: number): Candidate[] {
  // A small sorted buffer: want ≤ 2·beam, so insertion is cheap compared with sorting n·V values.
  const best: Candidate[] = [];
  for (let r = 0; r < parents.length; r++) {
    const base = parents[r]!;
    const o = r * V;
    for (let j = 0; j < V; j++) {
      const lp = base + scores[o + j]!;
      if (lp === -Infinity || best.length === want && lp <= best[want - 1]!.search) continue;
      let k = best.length;
      while (k > 0 && best[k - 1]!.search < lp) k--;
      best.splice(k, 0, { row: r, tok: j, search: lp });
      if (best.length > want) best.pop();
    }
  }
  return best;
}

/**
 * Post & Vilar's extra candidates: for every row, each allowed token that belongs to a
 * constraint, and the row's own best token (so a hypothesis that placed a constraint early
 * can go on even when its score keeps it out of the global top candidates).
 */
function constraintCandidates(steer: Steering, scores: Float32Array, alive: readonly Alive[], V: number): Candidate[] {
  const out: Candidate[] = [];
  alive.forEach((a, r) => {
    for (const j of steer.constraints!.tokens) {
      const x = scores[r * V + j]!;
      if (x > -Infinity) out.push({ row: r, tok: j, search: a.search + x });
    }
    const best = argmaxRow(scores, r, V);
    if (scores[r * V + best]! > -Infinity) out.push({ row: r, tok: best, search: a.search + scores[r * V + best]! });
  });
  return out;
}

/**
 * Dynamic beam allocation (Post & Vilar 2018): candidates go into banks by the number of
 * constraint tokens they have met, and the beam is filled round-robin from the fullest bank
 * down, each bank best first, so no level of progress crowds out the others.
 */
function allocate(
  top: Candidate[], extra: Candidate[], steer: Steering, alive: readonly Alive[], tracks: Map<Candidate, Track>, end: number | null,
): Candidate[] {
  const seen = new Set<number>();
  const all = [...top, ...extra].filter((c) => {
    const key = c.row * 1e9 + c.tok;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort((a, b) => b.search - a.search);
  const set = steer.constraints!;
  const banks: Candidate[][] = Array.from({ length: set.total + 1 }, () => []);
  for (const c of all) {
    const parent = alive[c.row]!.track;
    let met = set.total; // the end token is allowed only once all are met
    if (c.tok !== end) {
      const track = steer.advance(parent, c.tok);
      tracks.set(c, track);
      met = set.total - track.constraints!.needed;
    }
    banks[met]!.push(c);
  }
  const out: Candidate[] = [];
  for (let i = 0; out.length < all.length; i++) {
    for (let b = set.total; b >= 0; b--) if (i < banks[b]!.length) out.push(banks[b]![i]!);
  }
  return out;
}
