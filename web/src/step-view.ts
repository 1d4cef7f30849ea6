/**
 * "Step through the decoder": from the typed input (seq2seq runs) or prompt (language models),
 * one output token at a time. Each step lists the k most likely next tokens with their
 * probabilities and draws the attention rows behind the tokens so far and the next one. "Step"
 * takes the most likely token, or for a language model the token its seeded sampler draws
 * (the list then shows the distribution after temperature, top-k and top-p); clicking another
 * candidate forces it (what-if), and the output the model writes from there is shown under
 * it; "Back" undoes a step.
 */
import { Heatmap } from './heatmap.js';
import type { ExploreReply, SamplingSettings, StepResult } from './protocol.js';

type Ask = (request: { type: 'step'; text: string; chosen: number[]; k: number; sampling?: SamplingSettings }) => Promise<ExploreReply>;

const HINTS = {
  seq2seq: 'One output token at a time: take the most likely next token, or choose another to force it and see what the model writes from there.',
  lm: 'One token at a time, sampled with the settings above: the list shows the most likely tokens after temperature, top-k and top-p (the model\'s own probability on hover); “Step” takes the token the seeded sampler draws (marked), as glimpse generate with the same seed would. Choose another to force it.',
} as const;

/** Spaces and line ends made visible in a token chip. */
export function visible(token: string): string {
  return token === ' ' ? '␣' : token.replace(/\n/g, '↵');
}

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
  private sampling: SamplingSettings | null = null;

  /** `settings` gives a language model's sampling settings when stepping starts (null: decode greedily). */
  constructor(
    private readonly el: StepElements, private readonly ask: Ask, private readonly input: () => string,
    private readonly settings: () => SamplingSettings | null = () => null,
  ) {
    this.heatmap = new Heatmap(el.heatmap);
    el.start.addEventListener('click', () => {
      this.text = this.input();
      this.sampling = this.settings();
      this.chosen = [];
      void this.refresh();
    });
    el.next.addEventListener('click', () => {
      const pick = this.last?.pick;
      if (pick) void this.choose(pick.id);
    });
    el.back.addEventListener('click', () => {
      if (this.chosen.length === 0) return;
      this.chosen = this.chosen.slice(0, -1);
      void this.refresh();
    });
    this.reset();
  }

  /** Back to the start (a new run was loaded; `available` false hides the panel). */
  reset(available = true, mode: 'seq2seq' | 'lm' = 'seq2seq'): void {
    this.el.panel.hidden = !available;
    this.el.panel.dataset.mode = mode;
    const hint = this.el.panel.querySelector('.hint');
    if (hint) hint.textContent = HINTS[mode];
    this.el.start.textContent = mode === 'lm' ? 'Step through the prompt' : 'Step through the input';
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
      const r = await this.ask({ type: 'step', text: this.text, chosen: this.chosen, k: TOP_K, ...(this.sampling ? { sampling: this.sampling } : {}) });
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
      chip.textContent = visible(s.token);
      chip.title = `step ${i + 1}: p = ${s.prob.toFixed(3)}`;
      return chip;
    }));
    const sampled = this.sampling !== null && r.pick !== null;
    // A drawn token outside the k listed is listed after them, so the one "Step" takes is always shown.
    const listed = sampled && !r.next.some((c) => c.id === r.pick!.id) ? [...r.next, r.pick!] : r.next;
    this.el.candidates.replaceChildren(...listed.map((c, i) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'candidate';
      b.dataset.id = String(c.id);
      const takes = c.id === r.pick?.id;
      if (takes && sampled) b.classList.add('sampled');
      b.setAttribute('aria-label', `${takes ? 'take' : 'force'} “${c.token}” (p = ${c.prob.toFixed(3)})${takes && sampled ? ', the sampled token' : ''}`);
      if (c.modelProb !== undefined) b.title = `model: p = ${c.modelProb.toFixed(3)}`;
      const tok = document.createElement('span');
      tok.className = 'token';
      tok.textContent = visible(c.token);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(c.prob * 100)}%`;
      const p = document.createElement('span');
      p.className = 'prob';
      p.textContent = c.prob.toFixed(3);
      b.append(tok, bar, p);
      b.addEventListener('click', () => void this.choose(c.id));
      li.append(b);
      if (i >= r.next.length) li.className = 'beyond';
      return li;
    }));
    this.el.continuation.textContent = r.continuation || '∅';
    this.el.next.disabled = r.pick === null;
    this.el.back.disabled = r.steps.length === 0;
    const rows = [...r.steps.map((s) => s.token), ...(r.next.length ? ['(next)'] : [])];
    if (r.attention.length === rows.length && rows.length > 0) {
      await this.heatmap.show({ weights: r.attention, rowLabels: rows.map(visible), colLabels: r.source.map(visible) }, {
        title: `Step ${r.steps.length + (r.next.length ? 1 : 0)}`, subtitle: r.finished ? 'finished' : 'the last row chose the candidates listed',
        rowTitle: r.rowTitle, colTitle: r.colTitle,
      });
    } else {
      this.heatmap.message('This model has no attention to show.');
    }
  }
}
