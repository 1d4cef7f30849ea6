/**
 * Saving a picture of the page as a file: an SVG as it is drawn (self-contained: colours and
 * fonts are attributes, not the page's CSS) or as a PNG rendered from it at a multiple of its
 * size, for papers and slides.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** PNG pixels per SVG unit: 3 × a 600-unit-wide picture is 1,800 pixels, enough for print at ~8 cm. */
export const PNG_SCALE = 3;

/** The markup of `svg` as a standalone file (namespace, size, no focus or hover leftovers). */
export function svgFile(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', SVG_NS);
  copy.removeAttribute('tabindex');
  copy.removeAttribute('class');
  for (const e of copy.querySelectorAll('[tabindex]')) e.removeAttribute('tabindex');
  for (const e of copy.querySelectorAll('[visibility]')) e.removeAttribute('visibility');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** Renders SVG markup `width` × `height` units large to a PNG `scale` times as many pixels wide. */
export async function svgToPng(markup: string, width: number, height: number, scale = PNG_SCALE): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.width = width;
    image.height = height;
    await new Promise<void>((ok, fail) => {
      image.onload = () => ok();
      image.onerror = () => fail(new Error('the browser could not render the SVG'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2D canvas in this browser');
    g.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers `blob` to the user as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has started reading it; free the URL once it had the time to.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "cross-attention · layer 2" → "cross-attention-layer-2" (safe in a file name). */
export function fileStem(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'picture';
}
