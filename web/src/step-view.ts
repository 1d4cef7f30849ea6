/**
 * "Step through the decoder" (seq2seq runs): from the typed input, one output token at a time.
 * Each step lists the k most likely next tokens with their probabilities and draws the
 * attention rows behind the tokens so far and the next one. "Step" takes the most likely
 * token; clicking another candidate forces it (what-if), and the output the model writes
 * from there (greedy) is shown under it; "Back" undoes a step.
 */
import { Heatmap } from './heatmap.js';
import type { ExploreReply, StepResult } from './protocol.js';

type Ask = (request: { type: 'step'; text: string; chosen: number[]; k: number }) => Promise<ExploreReply>;

/** Next-token candidates listed at each step. */
const TOP_K = 5;

export interface StepElements {
  panel: HTMLElement;
  start: HTMLButtonElement;
  next: HTMLButtonElement;
  back: HTMLButtonElement;
  tokens: HTMLElement;
  candidates: HTMLElement;
  continuation: HTMLElement;
  heatmap: HTMLElement;
  status: (message: string, error?: boolean) => void;
}

export class StepView {
  private readonly heatmap: Heatmap;
  private text = '';
  private chosen: number[] = [];
  private last: StepResult | null = null;
  private busy = false;

  constructor(private readonly el: StepElements, private readonly ask: Ask, private readonly input: () => string) {
    this.heatmap = new Heatmap(el.heatmap);
    el.start.addEventListener('click', () => {
      this.text = this.input();
      this.chosen = [];
      void this.refresh();
    });
    el.next.addEventListener('click', () => {
      const best = this.last?.next[0];
      if (best) void this.choose(best.id);
    });
    el.back.addEventListener('click', () => {
      if (this.chosen.length === 0) return;
      this.chosen = this.chosen.slice(0, -1);
      void this.refresh();
    });
    this.reset();
  }

  /** Back to the start (a new run was loaded, or it is a language model: `available` false hides the panel). */
  reset(available = true): void {
    this.el.panel.hidden = !available;
    this.chosen = [];
    this.last = null;
    this.el.tokens.replaceChildren();
    this.el.candidates.replaceChildren();
    this.el.continuation.textContent = '';
    this.el.next.disabled = true;
    this.el.back.disabled = true;
    this.heatmap.message('Press “Step through” to decode the input one token at a time.');
  }

  private async choose(id: number): Promise<void> {
    this.chosen = [...this.chosen, id];
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.el.panel.dataset.state = 'busy';
    try {
      const r = await this.ask({ type: 'step', text: this.text, chosen: this.chosen, k: TOP_K });
      if (r.type === 'stepped') await this.show(r.result);
      this.el.status('');
    } catch (e) {
      this.chosen = this.last ? this.last.steps.map((s) => s.id) : [];
      this.el.status((e as Error).message, true);
    } finally {
      this.busy = false;
      this.el.panel.dataset.state = 'ready';
    }
  }

  private async show(r: StepResult): Promise<void> {
    this.last = r;
    this.el.tokens.replaceChildren(...r.steps.map((s, i) => {
      const chip = document.createElement('span');
      chip.className = 'step-token';
      chip.textContent = s.token;
      chip.title = `step ${i + 1}: p = ${s.prob.toFixed(3)}`;
      return chip;
    }));
    this.el.candidates.replaceChildren(...r.next.map((c, i) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'candidate';
      b.dataset.id = String(c.id);
      b.setAttribute('aria-label', `${i === 0 ? 'take' : 'force'} “${c.token}” (p = ${c.prob.toFixed(3)})`);
      const tok = document.createElement('span');
      tok.className = 'token';
      tok.textContent = c.token;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(c.prob * 100)}%`;
      const p = document.createElement('span');
      p.className = 'prob';
      p.textContent = c.prob.toFixed(3);
      b.append(tok, bar, p);
      b.addEventListener('click', () => void this.choose(c.id));
      li.append(b);
      return li;
    }));
    this.el.continuation.textContent = r.continuation || '∅';
    this.el.next.disabled = r.next.length === 0;
    this.el.back.disabled = r.steps.length === 0;
    const rows = [...r.steps.map((s) => s.token), ...(r.next.length ? ['(next)'] : [])];
    if (r.attention.length === rows.length && rows.length > 0) {
      await this.heatmap.show({ weights: r.attention, rowLabels: rows, colLabels: r.source }, {
        title: `Step ${r.steps.length + (r.next.length ? 1 : 0)}`, subtitle: r.finished ? 'finished' : 'the last row chose the candidates listed',
        rowTitle: 'output', colTitle: 'input',
      });
    } else {
      this.heatmap.message('This model has no attention to show.');
    }
  }
}
