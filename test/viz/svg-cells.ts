/**
 * Test helper: where Vega drew the heatmap cells. Walks the SVG's tags, adding up the
 * translate() of every open group, and returns each rect path of the first layer with its
 * absolute box and fill, in document order (row-major, as the data).
 */
export interface CellBox {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export function heatmapCells(svg: string): CellBox[] {
  const offsets: [number, number][] = [[0, 0]];
  const inCells: boolean[] = [false];
  const cells: CellBox[] = [];
  for (const tag of svg.matchAll(/<(\/?)(g|path)\b([^>]*?)(\/?)>/g)) {
    const [, closing, name, attrs = ''] = tag;
    if (name === 'g' && closing) {
      offsets.pop();
      inCells.pop();
    } else if (name === 'g') {
      const [px, py] = offsets[offsets.length - 1]!;
      const t = /transform="translate\(([-\d.e]+),([-\d.e]+)\)"/.exec(attrs);
      offsets.push(t ? [px + Number(t[1]), py + Number(t[2])] : [px, py]);
      inCells.push(inCells[inCells.length - 1]! || /class="mark-rect role-mark layer_0_marks"/.test(attrs));
    } else if (name === 'path' && inCells[inCells.length - 1]) {
      const d = /d="M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)/.exec(attrs);
      const fill = /fill="([^"]+)"/.exec(attrs);
      if (d && fill) {
        const [ox, oy] = offsets[offsets.length - 1]!;
        cells.push({ x: ox + Number(d[1]), y: oy + Number(d[2]), width: Number(d[3]), height: Number(d[4]), fill: fill[1]! });
      }
    }
  }
  return cells;
}

/** The text content of every <text> element, XML entities decoded. */
export function svgTexts(svg: string): string[] {
  return Array.from(svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g), (m) => decodeEntities(m[1]!));
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** Parses `rgb(r, g, b)` or `#rrggbb`. */
export function parseColor(c: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const n = Number.parseInt(c.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
