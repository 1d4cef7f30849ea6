/**
 * The row of download buttons under a view: SVG and PNG of its picture (labels and colour bar
 * included) and JSON of the weights it shows, so a figure in a paper can be redrawn from the
 * numbers. Buttons stay disabled until the view has something to export.
 */
import { PNG_SCALE, download, fileStem, svgFile, svgToPng } from './export-image.js';

/** What a view hands its export bar: the picture (null: nothing shown), the weights as JSON, a file name stem. */
export interface Exportable {
  svg(): SVGSVGElement | null | Promise<SVGSVGElement | null>;
  json(): unknown;
  /** e.g. "heatmap cross-attention layer 2" → glimpse-heatmap-cross-attention-layer-2.svg */
  name(): string;
}

export class ExportBar {
  readonly element: HTMLElement;
  private readonly buttons: HTMLButtonElement[];

  constructor(private readonly view: Exportable, what: string) {
    this.element = document.createElement('div');
    this.element.className = 'buttons export-bar';
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', `Download ${what}`);
    const make = (label: string, className: string, act: () => void | Promise<void>) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.className = className;
      b.disabled = true;
      b.addEventListener('click', () => void act());
      return b;
    };
    this.buttons = [
      make('Download SVG', 'export-svg', () => this.svg()),
      make('Download PNG', 'export-png', () => this.png()),
      make('Download JSON', 'export-json', () => this.json()),
    ];
    this.element.append(...this.buttons);
  }

  /** Enables the buttons when the view shows something, disables them when it does not. */
  update(shown: boolean): void {
    for (const b of this.buttons) b.disabled = !shown;
  }

  private file(ext: string): string {
    return `glimpse-${fileStem(this.view.name())}.${ext}`;
  }

  private async svg(): Promise<void> {
    const svg = await this.view.svg();
    if (svg) download(new Blob([svgFile(svg)], { type: 'image/svg+xml' }), this.file('svg'));
  }

  private async png(): Promise<void> {
    const svg = await this.view.svg();
    if (!svg) return;
    const { width, height } = svgSize(svg);
    download(await svgToPng(svgFile(svg), width, height, PNG_SCALE), this.file('png'));
  }

  private json(): void {
    download(new Blob([`${JSON.stringify(this.view.json(), null, 1)}\n`], { type: 'application/json' }), this.file('json'));
  }
}

/** An SVG's size in its own units: width/height attributes, else its viewBox. */
export function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const width = Number.parseFloat(svg.getAttribute('width') ?? '');
  const height = Number.parseFloat(svg.getAttribute('height') ?? '');
  if (width > 0 && height > 0) return { width, height };
  const box = (svg.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  return { width: box[2] || 600, height: box[3] || 400 };
}
