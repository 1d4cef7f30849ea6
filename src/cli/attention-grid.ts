/**
 * The pictures of a multi-layer, multi-head run (a Transformer) for `translate` and `generate`:
 * `--visualize` draws every layer × head of each kind of attention, `--layer` / `--head`
 * narrow it to one (a big picture), and `--show` prints one head in the terminal.
 */
import type { Command } from 'commander';
import { type train, viz } from '../index.js';
import { writeAttentionGridPng } from '../node.js';
import { UsageError } from './errors.js';
import { type ScaleName, heatmapScale } from './heatmap-scale.js';
import { int } from './parse.js';

export interface LayerHeadFlags {
  layer?: number;
  head?: number;
}

/** Adds `--layer` and `--head`. */
export function addLayerHeadOptions(command: Command): Command {
  return command
    .option('--layer <n>', 'Transformer runs: draw only layer n (1 = the first) of each kind of attention', int(1, 10_000))
    .option('--head <n>', 'Transformer runs: draw only head n (1 = the first); with --show, the head printed', int(1, 10_000));
}

/** `--layer` / `--head` mean something only for a run whose model has per-layer, per-head maps. */
export function checkLayerHead(flags: LayerHeadFlags, hasGrid: boolean): void {
  if (hasGrid) return;
  const given = (['layer', 'head'] as const).filter((k) => flags[k] !== undefined);
  if (given.length) throw new UsageError(`--${given[0]} applies to Transformer runs (several layers and heads); this run has one attention`);
}

/** The selection the flags ask for. */
export function selection(flags: LayerHeadFlags): train.AttentionSelection {
  return { ...(flags.layer !== undefined ? { layer: flags.layer } : {}), ...(flags.head !== undefined ? { head: flags.head } : {}) };
}

/** Writes the grid PNG, its colour scale as `--scale` says. */
export async function writeGrid(file: string, sections: viz.AttentionGridSection[], options: { title: string; scale: ScaleName }): Promise<void> {
  const all = sections.flatMap((s) => s.weights.flatMap((l) => l.flatMap((h) => h)));
  const { domain, legendTitle } = heatmapScale(options.scale, all);
  const layers = sections[0]?.layerNumbers ?? [];
  const heads = sections[0]?.headNumbers ?? [];
  const what = layers.length === 1 && heads.length === 1 ? `layer ${layers[0]}, head ${heads[0]}` : 'rows: layers, columns: heads';
  await writeAttentionGridPng(file, { sections, title: options.title, subtitle: what, domain, legendTitle });
}

/**
 * One head of a section in the terminal: layer `--layer` (default the last) and head `--head`
 * (default 1) of `section`, whose weights are the full grid.
 */
export function ansiHead(section: viz.AttentionGridSection, flags: LayerHeadFlags, scale: ScaleName, what: string): string {
  const L = section.weights.length;
  const layer = flags.layer ?? section.layerNumbers?.at(-1) ?? L;
  const head = flags.head ?? section.headNumbers?.[0] ?? 1;
  const li = section.layerNumbers ? section.layerNumbers.indexOf(layer) : layer - 1;
  const hi = section.headNumbers ? section.headNumbers.indexOf(head) : head - 1;
  const weights = section.weights[li]![hi]!.map((r) => [...r]);
  return viz.ansiHeatmap({
    weights, rowLabels: section.rowLabels, colLabels: section.colLabels, domain: heatmapScale(scale, weights).domain,
    title: `${section.title}, layer ${layer}, head ${head} ${what}`,
  });
}
