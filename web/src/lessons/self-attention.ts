/**
 * Lesson 2: self-attention on "The animal didn't cross the street because it was too tired",
 * with the toy model `glimpse lesson attention` trains (`train.coref`: two residual
 * self-attention layers × 2 heads), trained in the worker with the same steps and seed. The
 * sentence's nouns and adjective are choices; every layer × head is drawn in the head grid and
 * the head view (heads toggled by their colour chips), and a table lists where "it" looks.
 */
import { $ } from '../dom.js';
import { HeadGrid } from '../head-grid.js';
import { HeadView } from '../head-view.js';
import type { HeadGridSection } from '../protocol.js';
import type { LessonClient } from './client.js';
import { fixed, matrixTable, say } from './matrix.js';
import type { CorefSentence, CorefTrained } from './protocol.js';

export class SelfAttentionLesson {
  private readonly grid = new HeadGrid($('#coref-grid'));
  private readonly heads = new HeadView($('#coref-heads'));
  private readonly status = $('#coref-status');
  private readonly choices = ['#coref-n1', '#coref-n2', '#coref-adj'].map((s) => $<HTMLSelectElement>(s));
  private trained: CorefTrained | null = null;

  constructor(private readonly client: LessonClient, private readonly onTrained: (t: CorefTrained) => void) {
    $('#coref-train').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.train();
    });
    for (const c of this.choices) c.addEventListener('change', () => void this.showSentence());
  }

  async train(): Promise<void> {
    const steps = Math.min(5000, Math.max(1, Math.floor($<HTMLInputElement>('#coref-steps').valueAsNumber || 400)));
    const seed = Math.max(0, Math.floor($<HTMLInputElement>('#coref-seed').valueAsNumber || 0));
    say(this.status, `Training the toy model (2 layers × 2 heads, ${steps} steps, seed ${seed})…`);
    $<HTMLButtonElement>('#coref-train button').disabled = true;
    try {
      const t = await this.client.ask({ type: 'coref', steps, seed });
      this.trained = t;
      const [n1, n2, adj] = this.choices;
      fill(n1!, t.animals, n1!.value || 'animal');
      fill(n2!, t.places, n2!.value || 'street');
      fill(adj!, t.adjectives, adj!.value || 'tired');
      $('#coref-sentence').hidden = false;
      document.body.dataset.corefSteps = String(t.steps);
      say(this.status, `Trained ${t.steps} steps, seed ${t.seed}, in ${t.seconds.toFixed(1)} s: ${t.layers} layers × ${t.heads} heads; it names the right noun for ${(t.accuracy * 100).toFixed(1)} % of 200 fresh sentences.`);
      this.onTrained(t);
      await this.showSentence();
    } catch (e) {
      say(this.status, `Could not train the toy model: ${(e as Error).message}`, true);
    } finally {
      $<HTMLButtonElement>('#coref-train button').disabled = false;
    }
  }

  private async showSentence(): Promise<void> {
    if (!this.trained) return;
    const [n1, n2, adj] = this.choices.map((c) => c.value);
    const s = await this.client.ask({ type: 'coref-sentence', n1: n1!, n2: n2!, adj: adj! });
    const right = s.prediction === s.referent;
    const answer = $('#coref-answer');
    answer.textContent = `The model says "it" is the ${s.prediction} (${right ? 'right' : `wrong: it is the ${s.referent}`}).`;
    answer.className = `verdict ${right ? 'good' : 'bad'}`;
    this.itTable(s);
    const section: HeadGridSection = { title: 'self-attention', weights: s.weights, rowLabels: s.words, colLabels: s.words, rowTitle: 'query', colTitle: 'key' };
    const subtitle = s.words.join(' ');
    this.grid.show([section], subtitle);
    this.heads.show([section], subtitle);
    document.body.dataset.corefSentence = subtitle;
  }

  /** Where "it" looks: one row per layer × head, and each layer's mean over its heads (the CLI's part 2). */
  private itTable(s: CorefSentence): void {
    const rows: number[][] = [];
    const labels: string[] = [];
    s.weights.forEach((layer, l) => {
      layer.forEach((head, h) => {
        rows.push(head[s.it]!);
        labels.push(`layer ${l + 1}, head ${h + 1}`);
      });
      rows.push(s.words.map((_, j) => layer.reduce((a, head) => a + head[s.it]![j]!, 0) / layer.length));
      labels.push(`layer ${l + 1}, mean`);
    });
    const table = matrixTable(rows, { caption: 'Where "it" looks: its row of weights in each layer and head', rowLabels: labels, colLabels: s.words, corner: '"it" in', name: 'it-weights', digits: 3, tint: 'weights' });
    const top = (r: number[]) => r.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 2).map(([v, j]) => `${s.words[j]} ${fixed(v, 2)}`).join(', ');
    const lines = s.weights.flatMap((layer, l) => layer.map((head, h) => `layer ${l + 1}, head ${h + 1}: ${top(head[s.it]!)}`));
    const list = document.createElement('ul');
    list.className = 'it-top';
    list.replaceChildren(...lines.map((t) => Object.assign(document.createElement('li'), { textContent: t })));
    $('#coref-it').replaceChildren(table, list);
  }
}

function fill(select: HTMLSelectElement, words: readonly string[], chosen: string): void {
  select.replaceChildren(...words.map((w) => new Option(w, w, w === chosen, w === chosen)));
}
