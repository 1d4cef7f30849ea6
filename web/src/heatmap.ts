/**
 * An attention heatmap on the page: glimpse's SVG (viz.attentionHeatmapSvg, the same picture the
 * CLI writes as PNG) made interactive. Pointing at a cell, or moving over the cells with the
 * arrow keys, shows its weight and its two tokens; a table of the weights sits under it for
 * screen readers and copying.
 */
import { ExportBar } from './export-bar.js';
import type { AttentionPicture } from './protocol.js';
import { attentionHeatmapSvg } from './svg-render.js';

export interface HeatmapLook {
  title: string;
  subtitle?: string;
  /** Axis titles: what the rows (output) and columns (input) are. */
  rowTitle: string;
  colTitle: string;
}

interface Shown {
  picture: AttentionPicture;
  look: HeatmapLook;
}

/** A heatmap area that redraws on demand; while one drawing is under way only the latest request waits. */
export class Heatmap {
  private readonly figure: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly table: HTMLElement;
  private readonly exports: ExportBar;
  private busy = false;
  private pending: Shown | null = null;
  private shown: Shown | null = null;
  private cursor: { row: number; col: number } | null = null;
  /** Resolves when the drawing in progress and any waiting one are on the page. */
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly host: HTMLElement) {
    host.classList.add('heatmap');
    this.figure = el('div', 'heatmap-figure');
    this.tooltip = el('div', 'heatmap-tooltip');
    this.tooltip.setAttribute('role', 'status');
    this.tooltip.hidden = true;
    this.table = el('details', 'heatmap-table');
    this.table.hidden = true;
    this.exports = new ExportBar({
      svg: () => this.picture(),
      json: () => this.shown && weightsJson(this.shown),
      name: () => `heatmap ${this.shown?.look.title ?? ''}`,
    }, 'this heatmap');
    host.replaceChildren(this.figure, this.tooltip, this.exports.element, this.table);
  }

  /** The picture as drawn, without the cursor outline (a file has no pointer). */
  private picture(): SVGSVGElement | null {
    const svg = this.figure.querySelector<SVGSVGElement>('svg.heatmap-svg');
    if (!svg || !this.shown) return null;
    const copy = svg.cloneNode(true) as SVGSVGElement;
    for (const cursor of copy.querySelectorAll('.heatmap-cursor')) cursor.remove();
    return copy;
  }

  /** Draws `picture`; resolves once it (or a later one) is on the page. */
  show(picture: AttentionPicture, look: HeatmapLook): Promise<void> {
    this.pending = { picture, look };
    if (!this.busy) this.idle = this.drain();
    return this.idle;
  }

  /** Replaces the picture with a short message. */
  message(text: string): void {
    this.pending = null;
    this.shown = null;
    const p = el('p', 'heatmap-empty');
    p.textContent = text;
    this.figure.replaceChildren(p);
    this.table.replaceChildren();
    this.table.hidden = true;
    this.tooltip.hidden = true;
    this.exports.update(false);
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.pending) {
        const next = this.pending;
        this.pending = null;
        try {
          await this.draw(next);
        } catch (e) {
          this.message(`Could not draw the attention: ${(e as Error).message}`);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async draw(s: Shown): Promise<void> {
    const { picture, look } = s;
    const T = picture.rowLabels.length;
    const S = picture.colLabels.length;
    if (T === 0 || S === 0 || picture.weights.length === 0) {
      this.message('No attention to show yet.');
      return;
    }
    const markup = await attentionHeatmapSvg({
      weights: picture.weights, rowLabels: picture.rowLabels, colLabels: picture.colLabels,
      title: look.title, subtitle: look.subtitle, yTitle: look.rowTitle, xTitle: look.colTitle,
    });
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${look.title}: attention of ${T} ${look.rowTitle} tokens over ${S} ${look.colTitle} tokens. Use the arrow keys to read the weights.`);
    svg.setAttribute('tabindex', '0');
    svg.classList.add('heatmap-svg');
    // A cell being read stays under the cursor when the picture is redrawn (training redraws it often).
    const keep = this.cursor && this.cursor.row < T && this.cursor.col < S ? this.cursor : null;
    const hadFocus = this.figure.contains(document.activeElement);
    this.figure.replaceChildren(svg);
    this.shown = s;
    this.cursor = null;
    this.tooltip.hidden = true;
    const wired = this.wire(svg);
    if (keep && wired) this.point(wired.group, wired.outline, keep.row, keep.col);
    if (hadFocus) svg.focus();
    this.fillTable(s);
    this.exports.update(true);
  }

  /** The group of cell rectangles Vega drew (the first rect mark: one path per weight, row-major). */
  private cells(svg: SVGSVGElement): SVGGElement | null {
    return svg.querySelector<SVGGElement>('g.mark-rect.role-mark');
  }

  private wire(svg: SVGSVGElement): { group: SVGGElement; outline: SVGRectElement } | null {
    const group = this.cells(svg);
    if (!group) return null;
    const outline = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    outline.setAttribute('class', 'heatmap-cursor');
    outline.setAttribute('visibility', 'hidden');
    group.appendChild(outline);
    svg.addEventListener('pointermove', (e) => {
      const hit = this.cellAt(group, e.clientX, e.clientY);
      if (hit) this.point(group, outline, hit.row, hit.col);
      else this.hide(outline);
    });
    // A picture replaced by a redraw also "loses" the pointer and the focus: that is no reason to hide.
    svg.addEventListener('pointerleave', () => svg.isConnected && this.hide(outline));
    svg.addEventListener('blur', () => svg.isConnected && this.hide(outline));
    svg.addEventListener('keydown', (e) => {
      const shown = this.shown;
      if (!shown) return;
      const T = shown.picture.rowLabels.length;
      const S = shown.picture.colLabels.length;
      const c = this.cursor ?? { row: 0, col: 0 };
      const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      const move = moves[e.key];
      if (move) {
        e.preventDefault();
        const row = this.cursor ? Math.min(T - 1, Math.max(0, c.row + move[0])) : 0;
        const col = this.cursor ? Math.min(S - 1, Math.max(0, c.col + move[1])) : 0;
        this.point(group, outline, row, col);
      } else if (e.key === 'Escape') {
        this.hide(outline);
      }
    });
    return { group, outline };
  }

  /** The cell under a pointer position, from the cell grid's box (cells are equal squares). */
  private cellAt(group: SVGGElement, x: number, y: number): { row: number; col: number } | null {
    const shown = this.shown;
    if (!shown) return null;
    const box = this.gridBox(group);
    const T = shown.picture.rowLabels.length;
    const S = shown.picture.colLabels.length;
    const col = Math.floor(((x - box.left) / box.width) * S);
    const row = Math.floor(((y - box.top) / box.height) * T);
    return row >= 0 && row < T && col >= 0 && col < S ? { row, col } : null;
  }

  /** The screen box of the cells alone (the group also holds the cursor outline). */
  private gridBox(group: SVGGElement): { left: number; top: number; width: number; height: number } {
    const cells = group.querySelectorAll('path');
    const first = cells[0]!.getBoundingClientRect();
    const last = cells[cells.length - 1]!.getBoundingClientRect();
    return { left: first.left, top: first.top, width: last.right - first.left, height: last.bottom - first.top };
  }

  private point(group: SVGGElement, outline: SVGRectElement, row: number, col: number): void {
    const shown = this.shown!;
    const { picture, look } = shown;
    this.cursor = { row, col };
    const path = group.querySelectorAll('path')[row * picture.colLabels.length + col];
    if (!path) return;
    const b = (path as SVGPathElement).getBBox();
    outline.setAttribute('x', String(b.x + 1));
    outline.setAttribute('y', String(b.y + 1));
    outline.setAttribute('width', String(Math.max(0, b.width - 2)));
    outline.setAttribute('height', String(Math.max(0, b.height - 2)));
    outline.setAttribute('visibility', 'visible');
    const w = picture.weights[row]![col]!;
    this.tooltip.replaceChildren(
      text('strong', w.toFixed(3)), document.createTextNode(' '),
      text('span', `${look.rowTitle} “${picture.rowLabels[row]}” (${row + 1}) → ${look.colTitle} “${picture.colLabels[col]}” (${col + 1})`),
    );
    this.tooltip.hidden = false;
    // Place the tooltip above the cell, inside the host.
    const host = this.host.getBoundingClientRect();
    const cell = path.getBoundingClientRect();
    const tip = this.tooltip.getBoundingClientRect();
    const left = Math.min(Math.max(0, cell.left + cell.width / 2 - host.left - tip.width / 2), Math.max(0, host.width - tip.width));
    const top = cell.top - host.top - tip.height - 6;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${top < 0 ? cell.bottom - host.top + 6 : top}px`;
  }

  private hide(outline: SVGRectElement): void {
    outline.setAttribute('visibility', 'hidden');
    this.tooltip.hidden = true;
    this.cursor = null;
  }

  private fillTable({ picture, look }: Shown): void {
    const summary = text('summary', 'Weights as a table');
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    head.appendChild(text('th', `${look.rowTitle} \\ ${look.colTitle}`));
    for (const c of picture.colLabels) head.appendChild(text('th', c)).setAttribute('scope', 'col');
    const body = table.createTBody();
    picture.weights.forEach((row, t) => {
      const tr = body.insertRow();
      tr.appendChild(text('th', picture.rowLabels[t]!)).setAttribute('scope', 'row');
      for (const w of row) tr.appendChild(text('td', w.toFixed(2)));
    });
    this.table.replaceChildren(summary, table);
    this.table.hidden = false;
  }
}

/** The weights a heatmap shows, with what its rows and columns are, as its JSON download holds them. */
function weightsJson({ picture, look }: Shown): object {
  return {
    title: look.title, ...(look.subtitle ? { subtitle: look.subtitle } : {}),
    rows: look.rowTitle, columns: look.colTitle, rowLabels: picture.rowLabels, colLabels: picture.colLabels, weights: picture.weights,
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = content;
  return e;
}
