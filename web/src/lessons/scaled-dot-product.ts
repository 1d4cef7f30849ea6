/**
 * Lesson 1: scaled dot-product attention step by step. Q, K, V of four tokens are editable (or
 * drawn again from a seed, or taken from the toy model of lesson 2: head 1 of layer 2, the
 * numbers `glimpse lesson attention` prints in its part 1); every change recomputes, with
 * glimpse's ops in float64 as the CLI lesson does, the scores QKᵀ, their scaling by 1/√d_k, the
 * softmax row by row and the weighted sum of the values.
 */
import { Rng, matmul, mul, softmax, tensor, transpose } from 'glimpse';
import { $ } from '../dom.js';
import { Heatmap } from '../heatmap.js';
import { editableMatrix, fixed, matrixTable } from './matrix.js';
import type { CorefTrained } from './protocol.js';

/** The CLI lesson's four tokens of "…too tired". */
const TOKENS = ['animal', 'street', 'it', 'tired'];
export const DK_CHOICES = [2, 4, 8, 16] as const;

interface Qkv { q: number[][]; k: number[][]; v: number[][] }

type Rows = number[][];
const rowsOf = (t: { data: ArrayLike<number>; shape: readonly number[] }): Rows => {
  const [R, C] = [t.shape.at(-2)!, t.shape.at(-1)!];
  return Array.from({ length: R }, (_, i) => Array.from({ length: C }, (_, j) => t.data[i * C + j]!));
};
const matrix = (m: Rows) => tensor(Float64Array.from(m.flat()), { shape: [m.length, m[0]!.length] });

/** softmax(QKᵀ/√d_k) V with glimpse's ops, every intermediate kept. */
export function attendSteps({ q, k, v }: Qkv): { scores: Rows; scaled: Rows; weights: Rows; output: Rows } {
  const dk = q[0]!.length;
  const scores = matmul(matrix(q), transpose(matrix(k), 0, 1)); // [n, n]
  const scaled = mul(scores, 1 / Math.sqrt(dk));
  const weights = softmax(scaled, -1);
  const output = matmul(weights, matrix(v)); // [n, d_v]
  return { scores: rowsOf(scores), scaled: rowsOf(scaled), weights: rowsOf(weights), output: rowsOf(output) };
}

/** Normal numbers to two decimals (what the inputs show is what is computed). */
function draw(rng: Rng, rows: number, cols: number): Rows {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rng.normal() * 100) / 100));
}

export class ScaledDotProductLesson {
  private qkv: Qkv;
  private source = '';
  private readonly heatmap: Heatmap;
  private readonly dkSelect = $<HTMLSelectElement>('#sdp-dk');
  private readonly seedInput = $<HTMLInputElement>('#sdp-seed');
  private readonly modelButton = $<HTMLButtonElement>('#sdp-model');
  private model: CorefTrained['part1'] | null = null;

  constructor() {
    this.dkSelect.replaceChildren(...DK_CHOICES.map((d) => new Option(String(d), String(d), d === 4, d === 4)));
    this.qkv = this.random(4);
    this.heatmap = new Heatmap($('#sdp-heatmap'));
    this.dkSelect.addEventListener('change', () => this.resize(Number(this.dkSelect.value)));
    $('#sdp-reseed').addEventListener('click', () => {
      this.qkv = this.random(this.dk);
      this.render();
    });
    this.modelButton.addEventListener('click', () => {
      if (!this.model) return;
      const m = this.model;
      this.qkv = { q: m.q.map((r) => [...r]), k: m.k.map((r) => [...r]), v: m.v.map((r) => [...r]) };
      this.source = 'Q, K, V of head 1 of layer 2 of the toy model of lesson 2 (as `glimpse lesson attention` prints them in its part 1, with the same steps and seed).';
      this.dkSelect.value = String(m.q[0]!.length);
      this.render();
    });
    this.render();
  }

  private get dk(): number {
    return this.qkv.q[0]!.length;
  }

  /** The toy model's Q, K, V became available (lesson 2 trained it). */
  setModel(part1: CorefTrained['part1']): void {
    this.model = part1;
    this.modelButton.disabled = false;
  }

  private random(dk: number): Qkv {
    const seed = Math.max(0, Math.floor(this.seedInput.valueAsNumber || 0));
    const rng = new Rng(seed);
    this.source = `Random numbers (normal, rounded to two decimals) from seed ${seed}.`;
    return { q: draw(rng, TOKENS.length, dk), k: draw(rng, TOKENS.length, dk), v: draw(rng, TOKENS.length, dk) };
  }

  /** Another d_k: keep the numbers that still fit, draw the new columns from the seed. */
  private resize(dk: number): void {
    const fresh = this.random(dk);
    const fit = (old: Rows, add: Rows) => add.map((r, i) => r.map((x, j) => (j < old[i]!.length ? old[i]![j]! : x)));
    this.qkv = { q: fit(this.qkv.q, fresh.q), k: fit(this.qkv.k, fresh.k), v: fit(this.qkv.v, fresh.v) };
    this.source = `d_k = ${dk}: the numbers that fit were kept, new columns drawn from the seed.`;
    this.render();
  }

  private render(): void {
    const dk = this.dk;
    const cols = Array.from({ length: dk }, (_, i) => String(i + 1));
    $('#sdp-source').textContent = this.source;
    const inputs = (['q', 'k', 'v'] as const).map((name) => editableMatrix(this.qkv[name], {
      caption: `${name.toUpperCase()} (${TOKENS.length} × d_k)`, rowLabels: TOKENS, colLabels: cols, corner: 'token', name: `sdp-${name}`,
    }, (i, j, x) => {
      this.qkv[name][i]![j] = x;
      this.source = 'Your numbers.';
      $('#sdp-source').textContent = this.source;
      this.compute();
    }));
    $('#sdp-inputs').replaceChildren(...inputs);
    this.compute();
  }

  /** Recomputes every step from the current Q, K, V (the inputs stay as they are, keeping the focus). */
  private compute(): void {
    const dk = this.dk;
    const s = attendSteps(this.qkv);
    const exps = s.scaled.map((r) => {
      const m = Math.max(...r);
      return r.map((x) => Math.exp(x - m));
    });
    const sums = exps.map((r) => r.reduce((a, b) => a + b, 0));
    const look = { rowLabels: TOKENS, colLabels: TOKENS, corner: 'query \\ key' };
    $('#sdp-steps').replaceChildren(
      matrixTable(s.scores, { ...look, caption: '1. Scores QKᵀ: row i, column j is q_i · k_j', name: 'sdp-scores', digits: 2 }),
      matrixTable(s.scaled, { ...look, caption: `2. Scaled: QKᵀ / √d_k = QKᵀ / ${fixed(Math.sqrt(dk), 3)}`, name: 'sdp-scaled', digits: 3 }),
      matrixTable(exps.map((r, i) => [...r, sums[i]!]), {
        ...look, colLabels: [...TOKENS, 'Σ'], caption: '3. Softmax, row by row: exp(x − row max), and the row\'s sum', name: 'sdp-exps', digits: 4, tint: 'none',
      }),
      matrixTable(s.weights, { ...look, caption: '4. Weights: each exp divided by its row\'s sum (each row sums to 1)', name: 'sdp-weights', digits: 4, tint: 'weights' }),
      matrixTable(s.output, {
        rowLabels: TOKENS, colLabels: Array.from({ length: dk }, (_, i) => String(i + 1)), corner: 'query', caption: '5. Output = weights · V: each row a weighted mix of the rows of V', name: 'sdp-output', digits: 3,
      }),
    );
    void this.heatmap.show({ weights: s.weights, rowLabels: TOKENS, colLabels: TOKENS }, {
      title: 'softmax(QKᵀ / √d_k)', subtitle: `d_k = ${dk}`, rowTitle: 'query', colTitle: 'key',
    });
  }
}
