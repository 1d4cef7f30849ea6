/**
 * Lesson 3: the context vector by hand. The reversal model `glimpse lesson context-vector`
 * trains (Luong dot attention, `train.CONTEXT_VECTOR_LESSON`), trained in the worker with the
 * same steps and seed, decodes a word greedily; for the decoder step the slider picks, the page
 * shows the encoder states h̄_j, the decoder state h_t, the scores, exp(e_j − max e), the weights
 * α_j and the context c_t = Σ_j α_j h̄_j, computed with glimpse's ops in float64 as the CLI
 * lesson's part 5 does. The scoring is the model's dot product, or the dot product scaled by
 * 1/√M to compare.
 */
import { matmul, softmax, tensor } from 'glimpse';
import { $ } from '../dom.js';
import { Heatmap } from '../heatmap.js';
import type { LessonClient } from './client.js';
import { fixed, matrixTable, say } from './matrix.js';
import type { ReverseTrace } from './protocol.js';

const SCORINGS = {
  dot: { label: 'e_j = h_t · h̄_j', scale: () => 1 },
  scaled: { label: 'e_j = h_t · h̄_j / √M', scale: (M: number) => 1 / Math.sqrt(M) },
} as const;
type Scoring = keyof typeof SCORINGS;

/** Scores, weights and context of query `q` [D] over the states H [S][M], with glimpse's ops (float64). */
export function contextStep(q: readonly number[], H: readonly (readonly number[])[], scale: number): { scores: number[]; weights: number[]; context: number[] } {
  const S = H.length;
  const M = H[0]!.length;
  const qt = tensor(Float64Array.from(q.map((x) => x * scale)), { shape: [1, 1, q.length] }); // [B, 1, D]
  const Hs = tensor(Float64Array.from(H.flat()), { shape: [1, S, M] }); // [B, S, M]
  const scores = matmul(qt, Hs, { transposeB: true }); // [B, 1, S]
  const weights = softmax(scores, -1); // [B, 1, S]
  const context = matmul(weights, Hs); // [B, 1, M]
  return { scores: Array.from(scores.data), weights: Array.from(weights.data), context: Array.from(context.data) };
}

export class ContextVectorLesson {
  private readonly status = $('#cv-status');
  private readonly slider = $<HTMLInputElement>('#cv-step');
  private readonly heatmap = new Heatmap($('#cv-heatmap'));
  private trace: ReverseTrace | null = null;
  private trained = false;

  constructor(private readonly client: LessonClient) {
    $('#cv-train').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.train();
    });
    $('#cv-decode').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.decode();
    });
    this.slider.addEventListener('input', () => this.showStep());
    for (const r of document.querySelectorAll<HTMLInputElement>('input[name=cv-score]')) r.addEventListener('change', () => this.showStep());
  }

  async train(): Promise<void> {
    const steps = Math.min(20000, Math.max(1, Math.floor($<HTMLInputElement>('#cv-steps').valueAsNumber || 2000)));
    const seed = Math.max(0, Math.floor($<HTMLInputElement>('#cv-seed').valueAsNumber || 0));
    say(this.status, `Training the reversal model (Luong dot attention, ${steps} steps, seed ${seed})…`);
    $<HTMLButtonElement>('#cv-train button').disabled = true;
    try {
      const t = await this.client.ask({ type: 'reverse', steps, seed });
      this.trained = true;
      document.body.dataset.cvSteps = String(t.steps);
      say(this.status, `Trained ${t.steps} steps, seed ${t.seed}, in ${t.seconds.toFixed(1)} s; valid exact match ${(t.exact * 100).toFixed(1)} %.`);
      $('#cv-decode').hidden = false;
      await this.decode();
    } catch (e) {
      say(this.status, `Could not train the reversal model: ${(e as Error).message}`, true);
    } finally {
      $<HTMLButtonElement>('#cv-train button').disabled = false;
    }
  }

  private async decode(): Promise<void> {
    if (!this.trained) return;
    const input = $<HTMLInputElement>('#cv-word');
    const word = input.value.trim().toLowerCase();
    const ok = /^[a-z]{3,7}$/.test(word);
    input.setAttribute('aria-invalid', String(!ok));
    if (!ok) {
      say(this.status, 'The model reverses 3–7 letters a–z.', true);
      return;
    }
    const t = await this.client.ask({ type: 'reverse-trace', word });
    this.trace = t;
    const keep = Number(this.slider.value);
    this.slider.max = String(t.output.length);
    this.slider.value = String(Math.min(keep || 3, t.output.length));
    $('#cv-output').textContent = `"${word}" → "${t.output.filter((o) => o !== '<eos>').join('')}"`;
    await this.heatmap.show({ weights: t.attention, rowLabels: t.output, colLabels: t.letters }, {
      title: `Attention while reversing "${word}"`, subtitle: 'the model\'s own weights (Luong dot), one row per decoder step', rowTitle: 'output', colTitle: 'input',
    });
    this.showStep();
  }

  private showStep(): void {
    const t = this.trace;
    if (!t) return;
    const step = Number(this.slider.value) - 1;
    const scoring = (document.querySelector<HTMLInputElement>('input[name=cv-score]:checked')?.value ?? 'dot') as Scoring;
    const H = t.memory;
    const M = H[0]!.length;
    const q = t.queries[step]!;
    const { scores, weights, context } = contextStep(q, H, SCORINGS[scoring].scale(M));
    const max = Math.max(...scores);
    const top = weights.indexOf(Math.max(...weights));
    const S = t.letters.length;
    $('#cv-step-out').textContent = `step ${step + 1} of ${t.output.length}: writing "${t.output[step]}"`;
    const letters = t.letters.map((c, j) => `${j + 1} ${c}`);
    const own = Math.max(...t.attention[step]!.map((a, j) => Math.abs(a - weights[j]!)));
    $('#cv-tables').replaceChildren(
      matrixTable(H, { caption: `1. The encoder states h̄_1 … h̄_${S}, one per input letter (M = ${M} numbers each)`, rowLabels: letters, colLabels: H[0]!.map((_, k) => String(k + 1)), corner: 'j  letter', name: 'cv-memory', digits: 2 }),
      matrixTable([q], { caption: `2. The decoder state h_t at output step t = ${step + 1} (D = ${q.length} numbers)`, rowLabels: ['h_t'], colLabels: q.map((_, k) => String(k + 1)), name: 'cv-query', digits: 2 }),
      matrixTable(t.letters.map((_, j) => [scores[j]!, Math.exp(scores[j]! - max), weights[j]!]), {
        caption: `3. Scores ${SCORINGS[scoring].label}, then softmax: α_j = exp(e_j − max e) / Σ_k exp(e_k − max e)`, rowLabels: letters,
        colLabels: ['score e_j', 'exp(e_j − max)', 'weight α_j'], corner: 'j  letter', name: 'cv-weights', digits: 4, tint: 'none',
      }),
      matrixTable([context], { caption: '4. The context vector c_t = Σ_j α_j h̄_j, the weighted sum of the encoder states', rowLabels: ['c_t'], colLabels: context.map((_, k) => String(k + 1)), name: 'cv-context', digits: 4 }),
    );
    const copy = S - step; // the input letter the reverse copies at this step (1-based), when there is one
    $('#cv-summary').textContent = `The weights sum to ${fixed(weights.reduce((a, b) => a + b, 0), 6)}; the largest, ${fixed(weights[top]!, 3)}, is on input letter ${top + 1} "${t.letters[top]}"`
      + (copy >= 1 ? ` (to write letter ${step + 1} of the reverse, the letter to copy is input letter ${copy} "${t.letters[copy - 1]}").` : ' (this step writes the end mark).')
      + (scoring === 'dot' ? ` The model's own float32 weights differ from these by at most ${own.toExponential(2)}.` : ' The model was trained with unscaled dot scores: scaling by 1/√M flattens its weights.');
  }
}
