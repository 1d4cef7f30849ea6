/**
 * The head view (after bertviz's, Vig 2019): for one layer and one kind of attention, the query
 * tokens in a column on the left and the key tokens on the right, with a line from each query
 * to each key it attends to: line opacity = weight, one colour per head. Colour chips turn heads
 * on and off (double-click: that head alone); pointing at a token, or focusing it with Tab,
 * shows only its lines. The picture downloads as SVG or PNG, with its title, head legend and
 * labels. RNN runs have one attention: one layer, one head.
 */
import { ExportBar } from './export-bar.js';
import type { AttentionPicture, HeadGridSection } from './protocol.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Tableau 10 (d3.schemeTableau10): distinct head colours; a model with more heads reuses them. */
export const HEAD_COLOURS = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'] as const;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
/** Layout in SVG units: row pitch, gap between the columns, the band above the tokens. */
const ROW = 22;
const GAP = 170;
const TOP = 92;
const PAD = 16;

/** An RNN's one attention as a head-view section of one layer and one head. */
export function pictureSection(p: AttentionPicture, title: string, rowTitle: string, colTitle: string): HeadGridSection {
  return { title, weights: [[p.weights]], rowLabels: p.rowLabels, colLabels: p.colLabels, rowTitle, colTitle };
}

export class HeadView {
  private readonly tabs: HTMLFieldSetElement;
  private readonly layerField: HTMLLabelElement;
  private readonly layerSelect: HTMLSelectElement;
  private readonly chips: HTMLElement;
  private readonly figure: HTMLElement;
  private readonly exports: ExportBar;
  private sections: HeadGridSection[] = [];
  private section = 0;
  private layer = 0;
  private heads: boolean[] = [];
  private subtitle = '';
  private svg: SVGSVGElement | null = null;

  constructor(private readonly host: HTMLElement) {
    const heading = el('h3', '');
    heading.textContent = 'Head view';
    const hint = el('p', 'hint');
    hint.textContent = 'Lines join each token on the left to the tokens it attends to on the right; the darker the line, the larger the weight. Click a colour to hide or show that head (double-click: that head alone); point at a token, or Tab to it, to see only its lines.';
    this.tabs = el('fieldset', 'options head-view-sections');
    this.layerSelect = el('select', '');
    this.layerSelect.addEventListener('change', () => {
      this.layer = Number(this.layerSelect.value);
      this.draw();
    });
    this.layerField = el('label', 'head-view-layer');
    this.layerField.append('Layer ', this.layerSelect);
    this.chips = el('div', 'head-chips');
    this.chips.setAttribute('role', 'group');
    this.chips.setAttribute('aria-label', 'Heads shown');
    this.figure = el('div', 'head-view-figure');
    this.exports = new ExportBar({ svg: () => this.svg, json: () => this.shownJson(), name: () => this.fileStem() }, 'the head view');
    const controls = el('div', 'head-view-controls');
    controls.append(this.layerField, this.chips);
    host.replaceChildren(heading, hint, this.tabs, controls, this.figure, this.exports.element);
    host.hidden = true;
  }

  /** Shows `sections` (null or empty: nothing to show, and the view hides). */
  show(sections: HeadGridSection[] | null, subtitle: string): void {
    if (!sections || sections.length === 0) {
      this.host.hidden = true;
      this.sections = [];
      this.svg = null;
      return;
    }
    const keep = this.sections[this.section]?.title;
    const keepLayer = this.layer;
    this.sections = sections;
    this.subtitle = subtitle;
    const again = sections.findIndex((s) => s.title === keep);
    this.section = again >= 0 ? again : sections.length - 1; // cross-attention first for translations
    this.tabs.hidden = sections.length < 2;
    const legend = el('legend', '');
    legend.textContent = 'Attention';
    this.tabs.replaceChildren(legend, ...sections.map((s, i) => {
      const label = el('label', '');
      const radio = el('input', '');
      radio.type = 'radio';
      radio.name = 'head-view-section';
      radio.value = s.title;
      radio.checked = i === this.section;
      radio.addEventListener('change', () => {
        this.section = i;
        this.choose(this.layer);
      });
      label.append(radio, ` ${s.title}`);
      return label;
    }));
    this.host.hidden = false;
    this.choose(again >= 0 ? keepLayer : Number.MAX_SAFE_INTEGER);
  }

  /** Fills the layer list and head chips of the current section, on `layer` (clamped), and draws. */
  private choose(layer: number): void {
    const s = this.sections[this.section]!;
    const L = s.weights.length;
    const H = s.weights[0]?.length ?? 0;
    this.layer = Math.min(Math.max(0, layer), L - 1);
    this.layerSelect.replaceChildren(...Array.from({ length: L }, (_, l) => new Option(String(l + 1), String(l), false, l === this.layer)));
    this.layerField.hidden = L < 2;
    if (this.heads.length !== H) this.heads = new Array<boolean>(H).fill(true);
    this.chips.replaceChildren(...this.heads.map((_, h) => {
      const chip = button(H === 1 ? 'attention' : `head ${h + 1}`, () => this.toggle(h));
      chip.className = 'head-chip';
      chip.dataset.head = String(h + 1);
      chip.style.setProperty('--chip', colour(h));
      chip.setAttribute('aria-pressed', String(this.heads[h]));
      chip.addEventListener('dblclick', () => this.only(h));
      return chip;
    }));
    this.draw();
  }

  private toggle(h: number): void {
    this.heads[h] = !this.heads[h];
    this.draw();
  }

  private only(h: number): void {
    this.heads = this.heads.map((_, i) => i === h);
    this.draw();
  }

  private draw(): void {
    const s = this.sections[this.section];
    if (!s) return;
    for (const chip of this.chips.querySelectorAll<HTMLElement>('.head-chip')) chip.setAttribute('aria-pressed', String(this.heads[Number(chip.dataset.head) - 1]));
    const L = s.weights.length;
    const title = L > 1 ? `${s.title} · layer ${this.layer + 1}` : s.title;
    this.svg = headViewSvg(s, this.layer, this.heads, title, this.subtitle);
    this.figure.replaceChildren(this.svg);
    this.exports.update(true);
  }

  private fileStem(): string {
    const s = this.sections[this.section]!;
    return `head view ${s.weights.length > 1 ? `${s.title} layer ${this.layer + 1}` : s.title}`;
  }

  /** The shown layer's weights of the heads shown (head numbers from 1), as the JSON download holds them. */
  private shownJson(): object | null {
    const s = this.sections[this.section];
    if (!s) return null;
    const heads = this.heads.flatMap((on, h) => (on ? [h] : []));
    return {
      title: s.title, subtitle: this.subtitle, layer: this.layer + 1, heads: heads.map((h) => h + 1),
      rows: s.rowTitle, columns: s.colTitle, rowLabels: s.rowLabels, colLabels: s.colLabels,
      weights: heads.map((h) => s.weights[this.layer]![h]!), weightsIndex: 'head (as listed in heads), row, column',
    };
  }
}

function colour(h: number): string {
  return HEAD_COLOURS[h % HEAD_COLOURS.length]!;
}

/**
 * The picture: a title, the legend of the heads shown, the two token columns and one line per
 * (head, query, key) with stroke-opacity = weight. Each line carries data-head/-row/-col.
 */
export function headViewSvg(s: HeadGridSection, layer: number, heads: readonly boolean[], title: string, subtitle: string): SVGSVGElement {
  const rows = s.rowLabels;
  const cols = s.colLabels;
  const chars = (labels: readonly string[]) => Math.max(4, ...labels.map((t) => [...t].length));
  const leftW = chars([...rows, s.rowTitle]) * 7.5 + 8;
  const rightW = chars([...cols, s.colTitle]) * 7.5 + 8;
  const leftX = PAD + leftW; // right edge of the query labels
  const rightX = leftX + GAP; // left edge of the key labels
  const width = Math.max(rightX + rightW + PAD, 360);
  const height = TOP + Math.max(rows.length, cols.length) * ROW + PAD;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': FONT, class: 'head-view-svg', role: 'img' });
  svg.setAttribute('aria-label', `Head view, ${title}: lines from ${rows.length} ${s.rowTitle} tokens to ${cols.length} ${s.colTitle} tokens, one colour per head.`);
  svg.append(svgEl('rect', { width, height, fill: '#ffffff' }));
  svg.append(svgText(title, PAD, 22, { 'font-size': 15, 'font-weight': 'bold', fill: '#222' }));
  if (subtitle) svg.append(svgText(subtitle, PAD, 40, { 'font-size': 12, fill: '#666' }));
  // The legend: one swatch per head shown.
  const legend = svgEl('g', { class: 'legend' });
  let x = PAD;
  const H = s.weights[layer]?.length ?? 0;
  for (let h = 0; h < H; h++) {
    if (!heads[h]) continue;
    const label = H === 1 ? 'attention' : `head ${h + 1}`;
    legend.append(svgEl('rect', { x, y: 50, width: 12, height: 12, rx: 2, fill: colour(h) }));
    legend.append(svgText(label, x + 16, 60, { 'font-size': 12, fill: '#222' }));
    x += 16 + label.length * 7 + 14;
  }
  svg.append(legend);
  svg.append(svgText(s.rowTitle, leftX, TOP - 10, { 'font-size': 12, fill: '#666', 'text-anchor': 'end', 'font-style': 'italic' }));
  svg.append(svgText(s.colTitle, rightX, TOP - 10, { 'font-size': 12, fill: '#666', 'font-style': 'italic' }));
  const y = (i: number) => TOP + i * ROW + ROW / 2;
  const lines = svgEl('g', { class: 'lines', 'stroke-width': 2, 'stroke-linecap': 'round' });
  for (let h = 0; h < H; h++) {
    if (!heads[h]) continue;
    const g = svgEl('g', { class: 'head', 'data-head': h + 1, stroke: colour(h) });
    s.weights[layer]![h]!.forEach((row, i) => row.forEach((w, j) => {
      g.append(svgEl('line', {
        x1: leftX + 4, y1: y(i), x2: rightX - 4, y2: y(j), 'stroke-opacity': +w.toFixed(4), 'data-head': h + 1, 'data-row': i + 1, 'data-col': j + 1,
      }));
    }));
    lines.append(g);
  }
  svg.append(lines);
  const tokens = (labels: readonly string[], side: 'row' | 'col') => labels.map((t, i) => {
    const g = svgEl('g', { class: `token ${side}`, 'data-side': side, 'data-index': i + 1, tabindex: 0 });
    g.setAttribute('aria-label', `${side === 'row' ? s.rowTitle : s.colTitle} “${t}” (${i + 1}): show only its lines`);
    const bw = side === 'row' ? leftW : rightW;
    g.append(svgEl('rect', { x: side === 'row' ? leftX - bw : rightX, y: y(i) - ROW / 2 + 1, width: bw, height: ROW - 2, rx: 3, fill: '#ffffff', 'fill-opacity': 0 }));
    g.append(svgText(t, side === 'row' ? leftX - 4 : rightX + 4, y(i) + 4.5, { 'font-size': 13, fill: '#222', 'text-anchor': side === 'row' ? 'end' : 'start' }));
    const focus = () => only(svg, side, i + 1, g);
    g.addEventListener('pointerenter', focus);
    g.addEventListener('focus', focus);
    g.addEventListener('pointerleave', () => all(svg));
    g.addEventListener('blur', () => all(svg));
    return g;
  });
  svg.append(...tokens(rows, 'row'), ...tokens(cols, 'col'));
  return svg;
}

/** Hides every line that does not start (row) or end (col) at token `index`. */
function only(svg: SVGSVGElement, side: 'row' | 'col', index: number, token: SVGGElement): void {
  const key = `data-${side}`;
  for (const line of svg.querySelectorAll('g.lines line')) {
    if (Number(line.getAttribute(key)) === index) line.removeAttribute('visibility');
    else line.setAttribute('visibility', 'hidden');
  }
  for (const t of svg.querySelectorAll('g.token > rect')) t.setAttribute('fill-opacity', '0');
  token.querySelector('rect')?.setAttribute('fill', '#e8ecf5');
  token.querySelector('rect')?.setAttribute('fill-opacity', '1');
}

function all(svg: SVGSVGElement): void {
  for (const line of svg.querySelectorAll('g.lines line[visibility]')) line.removeAttribute('visibility');
  for (const t of svg.querySelectorAll('g.token > rect')) t.setAttribute('fill-opacity', '0');
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function svgText(content: string, x: number, y: number, attrs: Record<string, string | number>): SVGTextElement {
  const t = svgEl('text', { x, y, ...attrs });
  t.textContent = content;
  return t;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', '');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
