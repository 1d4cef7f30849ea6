/**
 * The model view of a multi-layer, multi-head model: one small heatmap per layer × head
 * (rows: layers, columns: heads) for the kind of attention chosen (encoder self-, decoder
 * self- or cross-attention); clicking one (or Enter on it) draws it large, with its labels,
 * tooltip and table, in the heatmap below the grid.
 */
import { viz } from 'glimpse';
import { ExportBar } from './export-bar.js';
import { Heatmap } from './heatmap.js';
import type { HeadGridSection } from './protocol.js';

/** Each small panel is drawn about this many pixels on its longer side. */
const PANEL_PX = 96;

export class HeadGrid {
  private readonly tabs: HTMLElement;
  private readonly cells: HTMLElement;
  private readonly zoom: Heatmap;
  private readonly exports: ExportBar;
  private sections: HeadGridSection[] = [];
  private section = 0;
  private subtitle = '';

  constructor(private readonly host: HTMLElement) {
    const heading = document.createElement('h3');
    heading.textContent = 'Every layer and head';
    this.tabs = document.createElement('fieldset');
    this.tabs.className = 'options grid-sections';
    this.cells = document.createElement('div');
    this.cells.className = 'grid-cells';
    const zoomHost = document.createElement('div');
    zoomHost.className = 'grid-zoom';
    this.exports = new ExportBar({
      svg: () => this.gridPicture(),
      json: () => this.sections[this.section] && { ...this.sections[this.section]!, subtitle: this.subtitle, weightsIndex: 'layer, head, row, column' },
      name: () => `grid ${this.sections[this.section]?.title ?? ''}`,
    }, 'every layer and head');
    host.replaceChildren(heading, this.tabs, this.cells, this.exports.element, zoomHost);
    this.zoom = new Heatmap(zoomHost);
    this.zoom.message('Click a head to see it large.');
    host.hidden = true;
  }

  /** Shows `sections` (null: the model has no per-head maps, and the grid hides). */
  show(sections: HeadGridSection[] | null, subtitle: string): void {
    if (!sections || sections.length === 0) {
      this.host.hidden = true;
      this.sections = [];
      return;
    }
    const keep = this.sections[this.section]?.title;
    this.sections = sections;
    this.subtitle = subtitle;
    const again = sections.findIndex((s) => s.title === keep);
    this.section = again >= 0 ? again : sections.length - 1; // cross-attention first for translations
    const legend = document.createElement('legend');
    legend.textContent = 'Attention';
    this.tabs.replaceChildren(legend, ...sections.map((s, i) => {
      const label = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'grid-section';
      radio.value = s.title;
      radio.checked = i === this.section;
      radio.addEventListener('change', () => {
        this.section = i;
        this.drawCells();
      });
      label.append(radio, ` ${s.title}`);
      return label;
    }));
    this.host.hidden = false;
    this.drawCells();
  }

  private drawCells(): void {
    const s = this.sections[this.section]!;
    const L = s.weights.length;
    const H = s.weights[0]?.length ?? 0;
    this.cells.style.gridTemplateColumns = `auto repeat(${H}, auto)`;
    const nodes: HTMLElement[] = [span('', 'corner')];
    for (let h = 0; h < H; h++) nodes.push(span(`head ${h + 1}`, 'col-head'));
    for (let l = 0; l < L; l++) {
      nodes.push(span(`layer ${l + 1}`, 'row-head'));
      for (let h = 0; h < H; h++) nodes.push(this.panel(s, l, h));
    }
    this.cells.replaceChildren(...nodes);
    this.cells.setAttribute('aria-label', `${s.title}: ${L} layers × ${H} heads`);
    this.zoom.message('Click a head to see it large.');
    this.exports.update(true);
  }

  /** The section's every layer × head as one SVG picture with labels and a colour bar (viz.attentionGridSvg). */
  private async gridPicture(): Promise<SVGSVGElement | null> {
    const s = this.sections[this.section];
    if (!s) return null;
    const markup = await viz.attentionGridSvg({ sections: [s], subtitle: this.subtitle });
    return new DOMParser().parseFromString(markup, 'image/svg+xml').documentElement as unknown as SVGSVGElement;
  }

  private panel(s: HeadGridSection, l: number, h: number): HTMLElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'head-cell';
    button.dataset.layer = String(l + 1);
    button.dataset.head = String(h + 1);
    button.setAttribute('aria-label', `${s.title}, layer ${l + 1}, head ${h + 1}: show large`);
    button.append(smallHeatmap(s.weights[l]![h]!));
    button.addEventListener('click', () => {
      for (const b of this.cells.querySelectorAll('.head-cell[aria-pressed=true]')) b.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', 'true');
      void this.zoom.show({ weights: s.weights[l]![h]!, rowLabels: s.rowLabels, colLabels: s.colLabels }, {
        title: `${s.title} · layer ${l + 1}, head ${h + 1}`, subtitle: this.subtitle, rowTitle: s.rowTitle, colTitle: s.colTitle,
      });
    });
    return button;
  }
}

/** A rows × columns matrix as a canvas of viridis cells (weights in [0, 1]). */
function smallHeatmap(w: number[][]): HTMLCanvasElement {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  const cell = Math.max(2, Math.floor(PANEL_PX / Math.max(rows, cols, 1)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, cols * cell);
  canvas.height = Math.max(1, rows * cell);
  const g = canvas.getContext('2d');
  if (!g) return canvas;
  w.forEach((row, i) => row.forEach((v, j) => {
    const [r, gr, b] = viz.schemeRgb('viridis', Math.min(1, Math.max(0, v)));
    g.fillStyle = `rgb(${r},${gr},${b})`;
    g.fillRect(j * cell, i * cell, cell, cell);
  }));
  return canvas;
}

function span(text: string, className: string): HTMLElement {
  const e = document.createElement('span');
  e.textContent = text;
  e.className = className;
  return e;
}
