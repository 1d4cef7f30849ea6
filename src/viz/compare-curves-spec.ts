/**
 * Several runs' curves on one set of axes (e.g. the validation metric of LSTM and GRU, with and
 * without attention, per training step) as a Vega-Lite spec: one coloured line per run, its
 * last value in the legend. Pure data in, spec out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { check } from '../util/errors.js';
import { SERIES_COLORS, baseConfig } from './theme.js';

export interface CompareCurvesInput {
  /** One line per run: its name and its points (NaN or infinite y are left out). */
  series: readonly { name: string; points: readonly { x: number; y: number }[] }[];
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** Show y as percentages (values in [0, 1]). Default false. */
  percent?: boolean;
  /** Log scale on y (perplexity falling over orders of magnitude). Default false. */
  logY?: boolean;
  /** x counts whole things (steps): integer ticks only. Default false. */
  integerX?: boolean;
}

const PALETTE = [SERIES_COLORS.train, SERIES_COLORS.valid, SERIES_COLORS.metric, '#e45756', '#72b7b2', '#b279a2', '#9d755d', '#eeca3b'];

/** The spec of a multi-run line chart. */
export function compareCurvesSpec(input: CompareCurvesInput): TopLevelSpec {
  check(input.series.length > 0 && input.series.length <= PALETTE.length, () => `compareCurves: need 1 to ${PALETTE.length} series, got ${input.series.length}`);
  const names = input.series.map((s) => s.name);
  check(new Set(names).size === names.length, () => `compareCurves: series names must differ, got ${names.join(', ')}`);
  const values = input.series.flatMap((s) => s.points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p) => ({ x: p.x, y: p.y, series: s.name })));
  check(values.length > 0, 'compareCurves: no finite points to draw');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.subtitle ? { text: input.title, subtitle: input.subtitle } : input.title,
    data: { values },
    width: 460,
    height: 280,
    mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 30 } },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: input.xTitle, scale: { nice: false }, ...(input.integerX ? { axis: { format: 'd', tickMinStep: 1 } } : {}) },
      y: {
        field: 'y', type: 'quantitative', title: input.yTitle,
        scale: input.logY ? { type: 'log' } : input.percent ? { domain: [0, 1] } : { zero: false },
        ...(input.percent ? { axis: { format: '.0%' } } : {}),
      },
      color: { field: 'series', type: 'nominal', title: null, sort: names, scale: { domain: names, range: PALETTE.slice(0, names.length) }, legend: { orient: 'right' } },
    },
    config: baseConfig(),
  } as TopLevelSpec;
}
