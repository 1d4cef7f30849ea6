/**
 * A small live chart of training: the loss (left scale, logarithmic, so its late progress stays
 * visible) and the validation exact match (right scale, 0–100 %) against steps. Plain SVG,
 * redrawn on every update (a few hundred points).
 */
const NS = 'http://www.w3.org/2000/svg';
const W = 360;
const H = 120;
const PAD = { left: 34, right: 38, top: 8, bottom: 20 };

export class ProgressChart {
  private loss: [number, number][] = [];
  private exact: [number, number][] = [];
  private readonly svg: SVGSVGElement;

  constructor(host: HTMLElement, private readonly maxSteps: number) {
    this.svg = document.createElementNS(NS, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.svg.setAttribute('class', 'progress-chart');
    this.svg.setAttribute('role', 'img');
    host.replaceChildren(this.svg);
    this.draw();
  }

  addLoss(step: number, loss: number): void {
    this.loss.push([step, loss]);
    this.draw();
  }

  addExact(step: number, exact: number): void {
    this.exact.push([step, exact]);
    this.draw();
  }

  clear(): void {
    this.loss = [];
    this.exact = [];
    this.draw();
  }

  private draw(): void {
    const lastStep = Math.max(100, ...this.loss.map((p) => p[0]), ...this.exact.map((p) => p[0]));
    // The x axis grows in steps of 500 up to the run's limit, so early progress is not squashed.
    const xMax = Math.min(this.maxSteps, Math.ceil(lastStep / 500) * 500);
    // Loss on a log scale between powers of ten around the values seen.
    const losses = this.loss.map((p) => p[1]).filter((v) => v > 0);
    const top = 10 ** Math.ceil(Math.log10(Math.max(1, ...losses)));
    const floor = 10 ** Math.floor(Math.log10(Math.max(1e-4, Math.min(0.1, ...losses))));
    const x = (s: number) => PAD.left + (s / xMax) * (W - PAD.left - PAD.right);
    const yLoss = (v: number) => PAD.top + (Math.log10(top) - Math.log10(Math.min(top, Math.max(floor, v)))) / (Math.log10(top) - Math.log10(floor)) * (H - PAD.top - PAD.bottom);
    const yExact = (v: number) => PAD.top + (1 - v) * (H - PAD.top - PAD.bottom);
    const parts: string[] = [];
    const bottom = H - PAD.bottom;
    parts.push(`<line class="axis" x1="${PAD.left}" y1="${bottom}" x2="${W - PAD.right}" y2="${bottom}"/>`);
    for (const f of [0.5, 1]) {
      parts.push(`<line class="grid" x1="${PAD.left}" y1="${yExact(f)}" x2="${W - PAD.right}" y2="${yExact(f)}"/>`);
    }
    for (let v = top; v >= floor * 0.999; v /= 10) {
      parts.push(`<text class="tick loss" x="${PAD.left - 4}" y="${(yLoss(v) + 3).toFixed(1)}" text-anchor="end">${formatPower(v)}</text>`);
    }
    parts.push(`<text class="tick exact" x="${W - PAD.right + 4}" y="${PAD.top + 4}">100 %</text>`);
    parts.push(`<text class="tick exact" x="${W - PAD.right + 4}" y="${yExact(0.5) + 4}">50 %</text>`);
    parts.push(`<text class="tick" x="${PAD.left}" y="${H - 4}">0</text>`);
    parts.push(`<text class="tick" x="${W - PAD.right}" y="${H - 4}" text-anchor="end">${xMax.toLocaleString('en-US')} steps</text>`);
    if (this.loss.length > 1) {
      parts.push(`<polyline class="line-loss" points="${this.loss.map(([s, v]) => `${x(s).toFixed(1)},${yLoss(v).toFixed(1)}`).join(' ')}"/>`);
    }
    if (this.exact.length > 0) {
      parts.push(`<polyline class="line-exact" points="${this.exact.map(([s, v]) => `${x(s).toFixed(1)},${yExact(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [s, v] of this.exact) parts.push(`<circle class="dot-exact" cx="${x(s).toFixed(1)}" cy="${yExact(v).toFixed(1)}" r="2.5"/>`);
    }
    this.svg.innerHTML = parts.join('');
    const lastLoss = this.loss[this.loss.length - 1];
    const lastExact = this.exact[this.exact.length - 1];
    this.svg.setAttribute('aria-label', lastLoss
      ? `Training curve: loss ${lastLoss[1].toFixed(3)} at step ${lastLoss[0]}${lastExact ? `, exact match ${(lastExact[1] * 100).toFixed(1)} % at step ${lastExact[0]}` : ''}`
      : 'Training curve: not started');
  }
}

/** 10, 1, 0.1, 0.01 … as short labels. */
function formatPower(v: number): string {
  return v >= 1 ? String(Math.round(v)) : String(Number(v.toPrecision(1)));
}
