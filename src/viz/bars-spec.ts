/**
 * Grouped bars as a Vega-Lite spec: one group per category (e.g. a length bucket), one bar per
 * series (e.g. with and without attention), values printed on the bars. Pure data in, spec out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { check } from '../util/errors.js';
import { SERIES_COLORS, baseConfig } from './theme.js';

export interface GroupedBarsInput {
  /** Category labels along x, in order (e.g. '10–19', '20–29'). */
  groups: readonly string[];
  /** Each series: its name and one value per group (NaN or null leaves a gap). */
  series: readonly { name: string; values: readonly (number | null)[] }[];
  title: string;
  subtitle?: string;
  xTitle?: string;
  yTitle?: string;
  /** Show values as percentages (values in [0, 1]). Default false. */
  percent?: boolean;
}

const PALETTE = [SERIES_COLORS.train, SERIES_COLORS.valid, SERIES_COLORS.metric, '#e45756', '#72b7b2'];

/** The spec of a grouped bar chart. */
export function groupedBarsSpec(input: GroupedBarsInput): TopLevelSpec {
  check(input.groups.length > 0 && input.series.length > 0, 'groupedBars: need at least one group and one series');
  for (const s of input.series) {
    check(s.values.length === input.groups.length, () => `groupedBars: series "${s.name}" has ${s.values.length} values for ${input.groups.length} groups`);
  }
  const values = input.series.flatMap((s) => s.values.map((v, i) => ({ group: input.groups[i]!, series: s.name, value: v !== null && Number.isFinite(v) ? v : null })));
  const fmt = input.percent ? '.0%' : '.3~g';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.subtitle ? { text: input.title, subtitle: input.subtitle } : input.title,
    data: { values },
    width: Math.max(320, 90 * input.groups.length),
    height: 260,
    encoding: {
      x: { field: 'group', type: 'nominal', sort: [...input.groups], title: input.xTitle ?? null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: input.series.map((s) => s.name) },
      y: { field: 'value', type: 'quantitative', title: input.yTitle ?? null, ...(input.percent ? { axis: { format: '.0%' }, scale: { domain: [0, 1] } } : {}) },
      color: {
        field: 'series', type: 'nominal', title: null, sort: input.series.map((s) => s.name),
        scale: { range: PALETTE.slice(0, input.series.length) }, legend: { orient: 'top' },
      },
    },
    layer: [
      { mark: { type: 'bar' } },
      { mark: { type: 'text', dy: -6, fontSize: 10, color: '#444444' }, encoding: { text: { field: 'value', type: 'quantitative', format: fmt } } },
    ],
    config: baseConfig(),
  } as TopLevelSpec;
}
