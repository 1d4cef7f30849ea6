import { type viz, tableKeys } from '../index.js';

interface ScaleRule {
  readonly summary: string;
  readonly domain: viz.HeatmapDomain;
  /** The colour bar's title, given the largest weight shown. */
  legend(max: number): string;
}

/** How a command scales its attention pictures (`--scale`): `auto` adapts to the weights, `fixed` is [0, 1]. */
const table = {
  auto: {
    summary: 'from 0 to the largest weight shown (diffuse attention stays visible)',
    domain: 'max',
    legend: (max) => (max > 0 && max < 0.995 ? `weight (scale 0–${max.toFixed(2)}, the largest)` : 'weight'),
  },
  fixed: { summary: 'from 0 to 1 (pictures of different inputs compare)', domain: [0, 1], legend: () => 'weight' },
} satisfies Record<string, ScaleRule>;

export type ScaleName = keyof typeof table;
export const SCALES: { readonly [K in ScaleName]: ScaleRule } = table;
export const SCALE_NAMES = tableKeys(SCALES);
export const SCALE_HELP = `colour scale of attention pictures: ${SCALE_NAMES.map((n) => `${n} ${SCALES[n].summary}`).join('; ')}`;

/** The picture options of a scale for these weights: its domain and a colour-bar title saying what it spans. */
export function heatmapScale(scale: ScaleName, weights: readonly (readonly number[])[]): { domain: viz.HeatmapDomain; legendTitle: string } {
  let max = 0;
  for (const row of weights) for (const w of row) if (Number.isFinite(w) && w > max) max = w;
  return { domain: SCALES[scale].domain, legendTitle: SCALES[scale].legend(max) };
}
